"""The test site itself: it serves what expected.json says it holds, and its dynamic
paths (moved page, redirect loop, broken page, silent path, 304s) behave like a real
server's. If these fail, the end-to-end tests would be checking the wrong thing."""

from __future__ import annotations

import html as html_lib
import re
import time
from typing import Any

import httpx
import pytest

from tests.site_server import Site, expected

EXPECTED = expected()
ARTICLES = EXPECTED["articles"]


def get(site: Site, path: str, **headers: str) -> httpx.Response:
    return httpx.get(site.url(path), headers=headers, timeout=5)


def text_of(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("article", ARTICLES, ids=[a["path"] for a in ARTICLES])
def test_article_page_holds_what_expected_json_says(site: Site, article: dict[str, Any]) -> None:
    response = get(site, article["path"])
    assert response.status_code == 200
    html = response.content.decode(article["encoding"])
    if article["encoding"] != "utf-8":
        assert "charset" not in response.headers["content-type"]
        assert "charset" not in html.lower()
    assert f'<link rel="canonical" href="{site.url(article["path"])}">' in html
    text = text_of(html)
    for phrase in [article["title"], *article["body_phrases"], *article["not_in_body"]]:
        assert phrase in text, phrase
    for caption in article["captions"]:
        assert caption["text"] in text and caption["credit"] in text
    for link in article["related"]:
        assert f'href="{link["path"]}"' in html and link["title"] in text
    for other in article["other_urls"]:
        assert get(site, other).status_code in (200, 301)


def test_listings_link_their_articles(site: Site) -> None:
    for article in ARTICLES:
        listing = get(site, article["listing"]).text
        path = article["path"]
        moved = [old for old, new in EXPECTED["redirects"].items() if new == path]
        hrefs = [f'href="{base}{p}"' for p in [path, *moved] for base in ("", site.base)]
        assert any(href in listing for href in hrefs), path
    politics = get(site, "/category/politics/").text
    assert 'rel="next" href="/category/politics/page/2/"' in politics
    assert f'href="{EXPECTED["broken_page"]["path"]}"' in politics


def test_home_page_links(site: Site) -> None:
    home = get(site, "/").text
    for path in ["/category/politics/", "/category/science/", "/feed.xml"]:
        assert f'href="{path}"' in home
    assert f'href="{EXPECTED["private_page"]}"' in home
    assert "Disallow: /private/" in get(site, "/robots.txt").text


def test_feed_and_sitemap_list_the_articles(site: Site) -> None:
    feed = get(site, EXPECTED["feed"]).text
    sitemap = get(site, EXPECTED["sitemap"]).text
    for article in ARTICLES:
        url = site.url(article["path"])
        assert (f"<link>{url}</link>" in feed) == article["in_feed"], url
        assert f"<loc>{url}</loc>" in sitemap
    assert "<content:encoded>" in feed and "<media:credit" in feed


def test_listing_with_whole_articles(site: Site) -> None:
    listing = EXPECTED["full_article_listing"]
    html = get(site, listing["path"]).text
    text = text_of(html)
    for path in listing["articles"]:
        article = next(a for a in ARTICLES if a["path"] == path)
        assert f'href="{site.url(path)}" rel="bookmark"' in html  # WordPress: absolute links
        assert all(phrase in text for phrase in article["body_phrases"])


def test_dynamic_paths(site: Site) -> None:
    (old, new), *_ = EXPECTED["redirects"].items()
    moved = get(site, old)
    assert (moved.status_code, moved.headers["location"]) == (301, new)
    assert httpx.get(site.url(old), follow_redirects=True).url == site.url(new)
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(site.url(EXPECTED["redirect_loop"][0]), follow_redirects=True)
    assert get(site, EXPECTED["broken_page"]["path"]).status_code == 500
    assert get(site, "/expected.json").status_code == 404
    assert get(site, "/category/science").status_code == 301
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(site.url(EXPECTED["never_answers"]), timeout=1)
    assert time.monotonic() - started < 5


def test_conditional_requests_and_edits(site: Site) -> None:
    path = ARTICLES[0]["path"]
    first = get(site, path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert get(site, path, **{"If-None-Match": etag}).status_code == 304
    assert get(site, path, **{"If-Modified-Since": modified}).status_code == 304
    site.edit(path, "raised by 60 centimetres", "raised by 80 centimetres")
    changed = get(site, path, **{"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert "raised by 80 centimetres" in changed.text
    assert changed.headers["etag"] != etag
    log = [(r.path, r.status, r.conditional) for r in site.requests()]
    assert log == [(path, 200, False), (path, 304, True), (path, 304, True), (path, 200, True)]
