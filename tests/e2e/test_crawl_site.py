"""Crawl the test news site (tests/site, served on 127.0.0.1) and check that the archive
holds exactly what the site holds, field by field, and that the crawler was polite:
robots.txt honoured, each page asked for once, a broken page reported, conditional
requests on a re-crawl."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.archive import (
    Article,
    body,
    by_url,
    counts,
    crawl,
    error_lines,
    export,
    lines_about,
    newsarchive,
    problems,
    show,
    stats,
)
from tests.site_server import Request, Site, copy_site, expected, serve_site

EXPECTED = expected()
ARTICLES = {article["path"]: article for article in EXPECTED["articles"]}
RU_PATH = next(path for path, a in ARTICLES.items() if a["encoding"] == "cp1251")
EDITED_PATH = "/politics/2026/03/04/recount-confirms-mayoral-result.html"


@dataclass
class Crawl:
    site: Site
    db: Path
    result: subprocess.CompletedProcess[str]
    exported: list[Article]
    articles: dict[str, Article]  # by canonical URL
    requests: list[Request]


def crawl_site(site: Site, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return crawl([site.url("/")], db, db.parent, "--depth", "3", "--same-site", *extra)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    """One crawl of the whole site from its home page, shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("crawl")
    with serve_site(copy_site(folder)) as site:
        db = folder / "archive.db"
        result = crawl_site(site, db)
        assert result.returncode == 0, result.stderr
        exported = export(db)
        articles = {a["url"]: a for a in exported if a["url"]}
        yield Crawl(site, db, result, exported, articles, site.requests())


def test_crawl_succeeds_and_adds_every_article(crawled: Crawl) -> None:
    assert crawled.result.returncode == 0, crawled.result.stderr
    assert counts(crawled.result.stdout)["added"] == len(ARTICLES)


def test_archive_holds_exactly_the_sites_articles(crawled: Crawl) -> None:
    """No home page or listing as an article, no teaser-only duplicate, nothing from the
    disallowed or the broken page: the canonical URLs of the site's articles, once each."""
    assert set(by_url(crawled.exported)) == crawled.site.expected_urls()
    assert stats(crawled.db)["articles"] == len(ARTICLES)


@pytest.mark.parametrize("path", list(ARTICLES))
def test_article_field_by_field(crawled: Crawl, path: str) -> None:
    article = crawled.articles.get(crawled.site.url(path))
    assert article is not None, f"{path} is not in the archive"
    assert problems(article, ARTICLES[path], crawled.site.base) == []


def test_related_links_are_fields_not_paragraphs(crawled: Crawl) -> None:
    for path, want in ARTICLES.items():
        article = crawled.articles[crawled.site.url(path)]
        titles = [r["title"] for r in article["related"]]
        for title in titles:
            assert title not in body(article), (path, title)
        assert len(titles) >= len(want["related"]), path


def test_article_in_cp1251_without_charset_is_decoded(crawled: Crawl) -> None:
    article = crawled.articles[crawled.site.url(RU_PATH)]
    assert article["title"] == ARTICLES[RU_PATH]["title"]
    assert article["authors"] == ["Ирина Соколова"]
    assert "двадцать шесть депутатов" in body(article)
    assert article["source"]["encoding"].replace("-", "").lower() in {"cp1251", "windows1251"}


def test_listing_category_given_to_articles_it_lists(crawled: Crawl) -> None:
    """The Old Bridge article states no section of its own: its category comes from the
    listing page (page 2 of Politics) that links to it."""
    article = crawled.articles[
        crawled.site.url("/politics/2026/03/06/old-bridge-toll-to-be-scrapped.html")
    ]
    assert "politics" in [c.casefold() for c in article["categories"]]


def test_robots_txt_is_read_first_and_honoured(crawled: Crawl) -> None:
    paths = [request.path for request in crawled.requests]
    assert paths[0] == "/robots.txt"
    assert paths.count("/robots.txt") == 1
    assert not [p for p in paths if p.startswith(EXPECTED["robots_disallowed"])]
    assert not [a for a in crawled.articles.values() if EXPECTED["private_phrase"] in body(a)]


def test_each_page_is_fetched_once(crawled: Crawl) -> None:
    fetched = Counter(r.path for r in crawled.requests if r.method == "GET" and r.status < 500)
    assert [path for path, n in fetched.items() if n > 1] == []


def test_crawler_says_who_it_is(crawled: Crawl) -> None:
    agents = {r.headers.get("user-agent", "") for r in crawled.requests}
    assert agents and all("newsarchive" in agent.casefold() for agent in agents), agents


def test_broken_page_is_reported_and_not_stored(crawled: Crawl) -> None:
    broken = EXPECTED["broken_page"]
    url = crawled.site.url(broken["path"])
    assert broken["path"] in [r.path for r in crawled.requests]
    lines = lines_about(crawled.result.stderr, url)
    assert len(lines) == 1, error_lines(crawled.result.stderr)
    assert "500" in lines[0]
    assert url not in crawled.articles
    assert not [a for a in crawled.exported if a["title"] == broken["title"]]
    assert counts(crawled.result.stdout)["failed"] >= 1


def test_only_the_broken_page_is_an_error(crawled: Crawl) -> None:
    url = crawled.site.url(EXPECTED["broken_page"]["path"])
    assert [line for line in error_lines(crawled.result.stderr) if url not in line] == []


def test_moved_article_is_followed_to_its_new_url(crawled: Crawl) -> None:
    (old, new), *_ = EXPECTED["redirects"].items()
    answers = [(r.path, r.status) for r in crawled.requests]
    assert (old, 301) in answers
    assert crawled.site.url(old) not in crawled.articles
    same = [a for a in crawled.exported if a["title"] == ARTICLES[new]["title"]]
    assert [a["url"] for a in same] == [crawled.site.url(new)]


def test_tracking_parameters_do_not_make_a_second_article(crawled: Crawl) -> None:
    for path, want in ARTICLES.items():
        same = [a for a in crawled.exported if a["title"] == want["title"]]
        assert [a["url"] for a in same] == [crawled.site.url(path)]


def test_provenance_of_a_crawled_article(crawled: Crawl) -> None:
    path = "/science/2026/03/03/river-otters-return-to-the-wend.html"
    article = show(crawled.db, crawled.articles[crawled.site.url(path)]["id"])
    source = article["source"]
    # reached first under a tracking URL or the clean one: either is where it came from
    assert source["url"].split("?")[0] == crawled.site.url(path)
    assert source["http_status"] == 200
    assert source["fetched_at"][:4] >= "2026"
    assert len(source["sha256"]) == 64


def test_max_pages_limits_the_fetches(site: Site, tmp_path: Path) -> None:
    result = crawl_site(site, tmp_path / "a.db", "--max-pages", "3")
    assert "Traceback" not in result.stderr
    pages = [r for r in site.requests() if r.path != "/robots.txt" and r.status not in (301, 302)]
    assert 1 <= len(pages) <= 3, [r.path for r in pages]
    if (tmp_path / "a.db").exists():
        assert len(export(tmp_path / "a.db")) <= 3


def test_recrawl_asks_conditionally_and_keeps_revisions(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    first = crawl_site(site, db)
    assert first.returncode == 0, first.stderr
    before = stats(db)
    ids = {a["url"]: a["id"] for a in export(db)}

    site.clear_log()
    again = crawl_site(site, db)
    assert again.returncode == 0, again.stderr
    numbers = counts(again.stdout)
    assert (numbers["added"], numbers["updated"]) == (0, 0)
    assert numbers["unchanged"] >= len(ARTICLES)
    requests = site.requests()
    for path in ARTICLES:
        asked = [r for r in requests if r.path == path]
        assert asked, f"{path} was not asked for again"
        assert all(r.conditional for r in asked), f"{path}: no If-None-Match / If-Modified-Since"
        assert [r.status for r in asked] == [304] * len(asked), path
    assert stats(db)["revisions"] == before["revisions"]

    site.edit(EDITED_PATH, "Turnout was 38 per cent", "Turnout was 39 per cent")
    site.clear_log()
    edited = crawl_site(site, db)
    assert edited.returncode == 0, edited.stderr
    numbers = counts(edited.stdout)
    assert (numbers["added"], numbers["updated"]) == (0, 1)
    assert {a["url"]: a["id"] for a in export(db)} == ids
    assert stats(db)["revisions"] == before["revisions"] + 1

    article = show(db, ids[site.url(EDITED_PATH)], revisions=True)
    assert "Turnout was 39 per cent" in body(article)
    revisions: list[dict[str, Any]] = sorted(article["revisions"], key=lambda r: r["number"])
    assert len(revisions) == 2
    assert "Turnout was 38 per cent" in body(revisions[0]["article"])
    assert "Turnout was 39 per cent" in body(revisions[1]["article"])
    assert revisions[0]["content_hash"] != revisions[1]["content_hash"]


def test_crawling_a_private_address_needs_allow_private(site: Site, tmp_path: Path) -> None:
    result = newsarchive(["crawl", site.url("/"), "--db", tmp_path / "a.db"], cwd=tmp_path)
    assert result.returncode == 1
    lines = error_lines(result.stderr)
    assert len(lines) == 1, lines
    assert "--allow-private" in lines[0]
    assert site.requests() == []
