"""``newsarchive ingest`` and ``parse`` of what the web gives: a feed URL, a sitemap URL,
a saved article page, a saved listing page that carries whole articles, a WARC file --
and the same article met twice (feed and page, feed and WARC) is stored once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.archive import (
    body,
    by_url,
    counts,
    crawl,
    error_lines,
    essentials,
    export,
    newsarchive,
    norm,
    problems,
    show,
)
from tests.e2e.warcs import WARC_DATE, Page, Recorded, write_warc
from tests.site_server import Site, expected

EXPECTED = expected()
ARTICLES = {article["path"]: article for article in EXPECTED["articles"]}
IN_FEED = [path for path, article in ARTICLES.items() if article["in_feed"]]
OTTERS = "/science/2026/03/03/river-otters-return-to-the-wend.html"
BUDGET = "/politics/2026/03/02/council-approves-riverside-budget.html"
RECOUNT = "/politics/2026/03/04/recount-confirms-mayoral-result.html"
SEAWEED = "/science/2026/03/07/seaweed-battery-unveiled.html"
# feed items with only a <description> (no content:encoded): teasers by any reading
DESCRIPTION_ONLY = [
    BUDGET,
    RECOUNT,
    SEAWEED,
    "/politics/2026/03/06/old-bridge-toll-to-be-scrapped.html",
]


def ingest(site: Site, db: Path, *inputs: str | Path) -> dict[str, int]:
    result = newsarchive(
        ["ingest", *inputs, "--db", db, "--allow-private", "--delay", "0"], cwd=db.parent
    )
    assert result.returncode == 0, result.stderr
    assert error_lines(result.stderr) == []
    return counts(result.stdout)


def test_feed_gives_teasers_that_the_crawl_completes(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert ingest(site, db, site.url(EXPECTED["feed"]))["added"] == len(IN_FEED)
    teasers = by_url(export(db))
    assert set(teasers) == {site.url(path) for path in IN_FEED}
    for path in IN_FEED:
        assert norm(teasers[site.url(path)]["title"]) == ARTICLES[path]["title"]
    for path in DESCRIPTION_ONLY:
        teaser = teasers[site.url(path)]
        assert teaser["teaser"] is True, path
        assert ARTICLES[path]["body_phrases"][-1] not in body(teaser)
    seaweed = teasers[site.url(SEAWEED)]
    assert [(norm(c["text"]), norm(c["credit"])) for c in seaweed["captions"]] == [
        (ARTICLES[SEAWEED]["captions"][0]["text"], "REUTERS/Lena Fischer")
    ]
    assert teasers[site.url(RECOUNT)]["authors"] == ["Priya Raman"]

    result = crawl([site.url("/")], db, tmp_path, "--depth", "3", "--same-site")
    assert result.returncode == 0, result.stderr
    full = by_url(export(db))
    assert set(full) == site.expected_urls()
    for path in IN_FEED:
        article = full[site.url(path)]
        assert article["id"] == teasers[site.url(path)]["id"], path
        assert essentials(article, ARTICLES[path], site.base) == [], path


def test_sitemap_url_fetches_and_ingests_the_pages_it_lists(site: Site, tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert ingest(site, db, site.url(EXPECTED["sitemap"]))["added"] == len(ARTICLES)
    articles = by_url(export(db))
    assert set(articles) == site.expected_urls()
    for path, want in ARTICLES.items():
        assert essentials(articles[site.url(path)], want, site.base) == [], path
        assert path in site.requested_paths()


def test_saved_article_page(site: Site, tmp_path: Path) -> None:
    saved = tmp_path / "Council approves budget.html"  # as a browser's "Save page as"
    saved.write_bytes(site.body(BUDGET))
    db = tmp_path / "a.db"
    assert ingest(site, db, saved)["added"] == 1
    (article,) = export(db)
    assert problems(article, ARTICLES[BUDGET], site.base) == []
    assert article["source"]["path"] == str(saved)

    printed = newsarchive(["parse", saved], cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["id"] == article["id"]
    assert site.requests() == []  # a saved page is read, not fetched


def test_saved_listing_with_whole_articles_is_split(site: Site, tmp_path: Path) -> None:
    listing = EXPECTED["full_article_listing"]
    saved = tmp_path / "opinion-archive.html"
    saved.write_bytes(site.body(listing["path"]))
    db = tmp_path / "a.db"
    assert ingest(site, db, saved)["added"] == len(listing["articles"])
    articles = by_url(export(db))
    assert set(articles) == {site.url(path) for path in listing["articles"]}
    for path in listing["articles"]:
        article, want = articles[site.url(path)], ARTICLES[path]
        assert norm(article["title"]) == want["title"]
        assert article["authors"] == want["authors"]
        assert article["published"][:10] == want["published"][:10]
        assert "opinion" in [c.casefold() for c in article["categories"]]
        # the whole text is kept, marked as the listing's copy of a page of its own, so
        # the post's page (crawled later) replaces it and is never replaced by it
        assert article["teaser"] is True
        text = body(article)
        assert all(phrase in text for phrase in want["body_phrases"]), path
        assert not [phrase for phrase in want["not_in_body"] if phrase in text], path
    # each post's text stays with its own post
    trams, library = (
        articles[site.url(p)]
        for p in (
            "/opinion/2026/03/08/why-wendford-needs-trams.html",
            "/opinion/2026/03/09/in-praise-of-the-public-library.html",
        )
    )
    assert "central library" not in body(trams)
    assert "last tram" not in body(library)


def _warc_of_site(site: Site, folder: Path, paths: list[str]) -> tuple[Path, dict[str, Recorded]]:
    pages = [Page(site.url(path), site.body(path.split("?")[0])) for path in paths]
    pages.append(Page(site.url("/robots.txt"), site.body("/robots.txt"), "text/plain"))
    warc = folder / "wendford-20260310.warc.gz"
    recorded = write_warc(warc, pages)
    return warc, {r.url: r for r in recorded}


def test_warc_file(site: Site, tmp_path: Path) -> None:
    # the otters page as a crawler met it: under its tracking URL
    otters_tracked = ARTICLES[OTTERS]["other_urls"][0]
    warc, records = _warc_of_site(site, tmp_path, [BUDGET, RECOUNT, otters_tracked])
    db = tmp_path / "a.db"
    assert ingest(site, db, warc)["added"] == 3
    articles = by_url(export(db))
    assert set(articles) == {site.url(p) for p in (BUDGET, RECOUNT, OTTERS)}
    for path in (BUDGET, RECOUNT, OTTERS):
        assert essentials(articles[site.url(path)], ARTICLES[path], site.base) == [], path

    budget = show(db, articles[site.url(BUDGET)]["id"])
    record = records[site.url(BUDGET)]
    source = budget["source"]
    assert Path(source["path"]).name == warc.name
    assert source["record_id"].strip("<>") == record.record_id.strip("<>")
    assert source["record_offset"] == record.offset
    assert source["fetched_at"].startswith(WARC_DATE[:19])
    assert source["http_status"] == 200
    assert source["url"] == site.url(BUDGET)
    assert site.requests() == []  # read from the file, nothing fetched


def test_article_from_feed_and_from_warc_is_stored_once(site: Site, tmp_path: Path) -> None:
    warc, records = _warc_of_site(site, tmp_path, [BUDGET, SEAWEED])
    feed_then_warc, warc_then_feed = tmp_path / "one.db", tmp_path / "two.db"
    ingest(site, feed_then_warc, site.url(EXPECTED["feed"]))
    ingest(site, feed_then_warc, warc)
    ingest(site, warc_then_feed, warc)
    ingest(site, warc_then_feed, site.url(EXPECTED["feed"]))

    for db in (feed_then_warc, warc_then_feed):
        articles = by_url(export(db))
        assert set(articles) == {site.url(path) for path in IN_FEED}, db.name
        for path in (BUDGET, SEAWEED):
            article = show(db, articles[site.url(path)]["id"])
            assert article["teaser"] is False, (db.name, path)  # a teaser never replaces it
            assert essentials(article, ARTICLES[path], site.base) == [], (db.name, path)
            assert article["source"]["record_id"].strip("<>") == records[
                site.url(path)
            ].record_id.strip("<>")
    ids = {
        db.name: {a["url"]: a["id"] for a in export(db)} for db in (feed_then_warc, warc_then_feed)
    }
    assert ids["one.db"] == ids["two.db"]
