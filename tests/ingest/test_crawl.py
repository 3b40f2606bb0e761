"""The crawler on a small news site served on 127.0.0.1.

The site: a home page linking two category listings, a feed, a sitemap, one article
directly, a path robots.txt disallows, another host, a broken page and a redirect. The
page reader here is a stand-in (links from ``<a href data-kind data-category>``): the
crawler only fetches and follows, extraction is not its business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import urljoin

from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.ingest.crawl import (
    CrawlEvent,
    CrawlOptions,
    PageCategorised,
    PageFailed,
    PageRead,
    PageSkipped,
    PageUnchanged,
    crawl,
    normalise_url,
    site_of,
)
from newsarchive.ingest.fetch import USER_AGENT, Fetcher, FetchOptions
from newsarchive.ingest.robots import RobotsCache
from newsarchive.model import Document, FetchState
from tests.httpserver import Route, Site, conditional, page, redirect, serve, status

ANCHOR = re.compile(r'<a href="([^"]+)"(?: data-kind="(\w+)")?(?: data-category="([^"]+)")?>')


def anchors(*links: str) -> str:
    return "<html><body>" + "".join(links) + "</body></html>"


def a(href: str, kind: str | None = None, category: str | None = None) -> str:
    kind_attr = f' data-kind="{kind}"' if kind else ""
    category_attr = f' data-category="{category}"' if category else ""
    return f'<a href="{href}"{kind_attr}{category_attr}>link</a>'


def article(n: str) -> Route:
    return conditional(anchors(f"<h1>Article {n}</h1>").encode(), etag=f'"{n}"')


def site_routes(port: int) -> dict[str, Route]:
    return {
        "/robots.txt": page("User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/": page(
            anchors(
                a("/world/a2", "article"),
                a("/world/"),
                a("/sport/"),
                a("/feed.xml", "feed"),
                a("/sitemap.xml", "sitemap"),
                a("/private/secret"),
                a(f"http://localhost:{port}/elsewhere"),
                a("/broken"),
                a("/old#comments"),
            )
        ),
        "/world/": page(
            anchors(a("/world/a1", "article", "World"), a("/world/a2", "article", "World"))
        ),
        "/sport/": page(
            anchors(
                a("/sport/s1", "article", "Sport"),
                a("/world/a1", "article", "Sport"),
                a("/world/a1#again", "article", "Sport"),  # said twice: one event
            )
        ),
        "/feed.xml": page(anchors(a("/feed-only/f1", "article")), "application/rss+xml"),
        "/sitemap.xml": page(anchors(a("/sitemap-only/m1", "article")), "application/xml"),
        "/world/a1": article("a1"),
        "/world/a2": article("a2"),
        "/sport/s1": article("s1"),
        "/feed-only/f1": article("f1"),
        "/sitemap-only/m1": article("m1"),
        "/private/secret": page("secret"),
        "/elsewhere": page("elsewhere"),
        "/broken": status(500),
        "/old": redirect("/moved/r1", 301),
        "/moved/r1": article("r1"),
    }


class Reader:
    """The stand-in page reader; remembers the category each page was read with."""

    def __init__(self) -> None:
        self.categories: dict[str, str | None] = {}

    def __call__(self, document: Document, link: Link | None) -> Reading:
        assert document.url is not None
        self.categories[document.url] = link.category if link else None
        links = tuple(
            Link(urljoin(document.url, href), LinkKind(kind or "page"), category or None)
            for href, kind, category in ANCHOR.findall(document.text)
        )
        return Reading(Kind.LISTING if links else Kind.ARTICLE, links=links)


def nothing_known(url: str) -> FetchState | None:
    return None


def run(
    site: Site,
    reader: Reader,
    known: Mapping[str, FetchState] | None = None,
    **overrides: object,
) -> list[CrawlEvent]:
    options = replace(CrawlOptions(allow_private=True, delay=0.0, retries=0), **overrides)
    states = dict(known or {})
    return list(crawl([site.url("/")], options, reader, lambda url: states.get(url)))


def paths(site: Site, urls: list[str]) -> set[str]:
    return {url.removeprefix(site.base) for url in urls}


def read_paths(site: Site, events: list[CrawlEvent]) -> set[str]:
    return paths(site, [e.state.url for e in events if isinstance(e, PageRead)])


def test_crawl_reads_what_the_site_holds() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        reader = Reader()
        events = run(site, reader)
        hits = dict(site.hits)
    assert read_paths(site, events) == {
        "/",
        "/world/",
        "/sport/",
        "/feed.xml",
        "/sitemap.xml",
        "/world/a1",
        "/world/a2",
        "/sport/s1",
        "/feed-only/f1",
        "/sitemap-only/m1",
        "/old",
    }
    skipped = {
        e.url.removeprefix(site.base): e.reason for e in events if isinstance(e, PageSkipped)
    }
    assert skipped["/private/secret"] == "robots.txt disallows it"
    port = site.base.rsplit(":", 1)[1]
    assert skipped[f"http://localhost:{port}/elsewhere"] == "other site"
    [failed] = [e for e in events if isinstance(e, PageFailed)]
    assert "HTTP 500" in str(failed.error)
    # each page fetched once, robots.txt once, nothing disallowed or off-site fetched
    assert all(count == 1 for count in hits.values()), hits
    assert "/private/secret" not in hits and "/elsewhere" not in hits
    redirected = next(e for e in events if isinstance(e, PageRead) and e.state.url.endswith("/old"))
    assert redirected.document.url == site.url("/moved/r1")


def test_articles_get_the_category_of_the_listing_that_links_them() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        reader = Reader()
        events = run(site, reader)
    assert reader.categories[site.url("/world/a1")] == "World"
    assert reader.categories[site.url("/sport/s1")] == "Sport"
    # linked from the home page without a category, and from the World listing (read
    # first: listings go before articles at the same depth)
    assert reader.categories[site.url("/world/a2")] == "World"
    assert reader.categories[site.url("/")] is None
    # a1 is in two listings: the second category comes as an event after the page
    later = [e for e in events if isinstance(e, PageCategorised)]
    assert later == [PageCategorised(site.url("/world/a1"), "Sport")]
    read_at = next(
        i for i, e in enumerate(events) if isinstance(e, PageRead) and e.state.url.endswith("/a1")
    )
    assert events.index(later[0]) > read_at


def test_depth_limit_and_free_feeds_and_sitemaps() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        events = run(site, Reader(), depth=1)
    read = read_paths(site, events)
    assert {"/feed-only/f1", "/sitemap-only/m1", "/world/a2", "/world/"} <= read
    assert "/world/a1" not in read and "/sport/s1" not in read
    over = [e for e in events if isinstance(e, PageSkipped) and e.reason == "over depth 1"]
    assert {"/world/a1", "/sport/s1"} <= paths(site, [e.url for e in over])


def test_max_pages_counts_fetched_pages() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        events = run(site, Reader(), max_pages=3)
        fetched = sum(site.hits.values()) - site.hits["/robots.txt"]
    assert fetched == 3
    assert len([e for e in events if isinstance(e, PageRead | PageFailed | PageUnchanged)]) == 3


def test_same_site_off_follows_other_hosts() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        events = run(site, Reader(), same_site=False, depth=1)
        assert site.hits["/elsewhere"] == 1
    assert not [e for e in events if isinstance(e, PageSkipped) and e.reason == "other site"]


def test_private_addresses_are_refused_without_allow_private() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        events = run(site, Reader(), allow_private=False)
        assert sum(site.hits.values()) == 0
    [failed] = events
    assert isinstance(failed, PageFailed)
    assert "private or local address" in failed.error.problem
    assert "--allow-private" in failed.error.advice


def test_known_articles_are_fetched_conditionally() -> None:
    routes: dict[str, Route] = {}
    with serve(routes) as site:
        routes.update(site_routes(int(site.base.rsplit(":", 1)[1])))
        stamp = "2026-01-01T00:00:00Z"
        known = {
            site.url("/world/a1"): FetchState(site.url("/world/a1"), '"a1"', None, "x", 200, stamp),
            site.url("/world/"): FetchState(site.url("/world/"), '"w"', None, "x", 200, stamp),
        }
        events = run(site, Reader(), known)
        assert site.requests[-1].headers  # the server saw every request
        a1_request = next(r for r in site.requests if r.path == "/world/a1")
        world_request = next(r for r in site.requests if r.path == "/world/")
    unchanged = [e for e in events if isinstance(e, PageUnchanged)]
    assert [e.url for e in unchanged] == [site.url("/world/a1")]
    assert a1_request.headers.get("If-None-Match") == '"a1"'
    # a listing's links are needed, so it is never fetched conditionally
    assert "If-None-Match" not in world_request.headers


def test_robots_server_error_keeps_the_crawler_off_the_host() -> None:
    routes: dict[str, Route] = {"/robots.txt": status(503), "/": page(anchors(a("/x")))}
    with serve(routes) as site:
        events = run(site, Reader())
        assert site.hits["/"] == 0
    [skipped] = events
    assert isinstance(skipped, PageSkipped)
    assert skipped.reason == "robots.txt gave HTTP 503: host not crawled"


def test_missing_robots_allows_everything() -> None:
    routes: dict[str, Route] = {"/": page(anchors(a("/private/x"))), "/private/x": page("x")}
    with serve(routes) as site:
        events = run(site, Reader())
    assert read_paths(site, events) == {"/", "/private/x"}


def test_url_normalisation_and_sites() -> None:
    assert normalise_url("HTTP://News.Example.com:80/a?b=2&a=1#top") == (
        "http://news.example.com/a?a=1&b=2"
    )
    assert normalise_url("mailto:someone@example.com") is None
    assert site_of("https://news.example.co.uk/x") == site_of("http://www.example.co.uk/")
    assert site_of("http://127.0.0.1:8000/") == "127.0.0.1"


def test_seeds_given_as_links_keep_their_category_and_kind() -> None:
    routes: dict[str, Route] = {"/a1": article("a1"), "/a2": article("a2")}
    with serve(routes) as site:
        reader = Reader()
        seeds = [Link(site.url("/a1"), LinkKind.ARTICLE, "World"), site.url("/a2")]
        options = CrawlOptions(allow_private=True, delay=0.0, retries=0, depth=0)
        events = list(crawl(seeds, options, reader, nothing_known))
    assert reader.categories == {site.url("/a1"): "World", site.url("/a2"): None}
    links = {e.state.url: e.link for e in events if isinstance(e, PageRead)}
    assert links == {site.url("/a1"): seeds[0], site.url("/a2"): None}


def test_robots_rules_per_host_with_crawl_delay() -> None:
    robots = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2.5\nSitemap: /sitemap.xml\n"
    with serve({"/robots.txt": page(robots, "text/plain")}) as site:
        with Fetcher(FetchOptions(allow_private=True)) as fetcher:
            cache = RobotsCache(fetcher, USER_AGENT)
            assert cache.allows(site.url("/news/1"))
            assert not cache.allows(site.url("/private/x"))
            assert cache.delay(site.url("/")) == 2.5
            assert cache.rules(site.url("/")).sitemaps() == ("/sitemap.xml",)
        assert site.hits["/robots.txt"] == 1  # cached per host
