"""Articles read from the web, as the archive shows them: provenance, credits, teasers,
the raw HTML served inert, and the JSON twin with every new field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsarchive.model import Caption, FetchState
from newsarchive.settings import Settings
from newsarchive.store import Location, open_store
from newsarchive.web import create_app
from tests.backends import Backend, built_once, sqlite_only
from tests.store.documents import FETCHED_AT, Draft, build_document, html_page
from tests.store.v3_archive import build_v3_archive

URL = "https://news.example.com/2026/03/01/harbour-reopens"
TEASER_URL = "https://news.example.com/2026/03/02/ferry-timetable"
SCRIPT = "<script>alert('stored')</script>"
HTML = (
    "<!doctype html><html><head><title>Harbour reopens</title>"
    f"{SCRIPT}</head><body><p>The harbour reopened on Sunday.</p>"
    "<p>Ferries run to the islands again.</p></body></html>"
)
PAGE, ARTICLE = html_page(
    URL,
    "Harbour reopens",
    ("The harbour reopened on Sunday.", "Ferries run to the islands again."),
    html=HTML,
    warc="crawl-2026-03.warc.gz",
    record_offset=40_960,
    summary="Ships are moving again after the storm.",
    categories=("World",),
    authors=("Mira Holm",),
    published="2026-03-01T09:00:00+00:00",
    updated="2026-03-01T17:30:00+00:00",
    language="nb-NO",
    tags=("ports", "shipping"),
    captions=(
        Caption("The harbour at dawn", "© Agency/Jo Lund", "https://img.example.com/harbour.jpg"),
        Caption("A crane at work", "© Staff", "javascript:alert(1)"),
    ),
)
FEED, TEASER = html_page(
    TEASER_URL,
    "New ferry timetable",
    (),
    teaser=True,
    summary="Ferries leave every hour from Monday.",
    categories=("World",),
    published="2026-03-02",
)


def build_web_archive(location: Location) -> None:
    with open_store(location) as store:
        store.add_document(PAGE, [ARTICLE])
        store.add_document(FEED, [TEASER])
        store.record_fetch(FetchState(URL, '"v1"', None, PAGE.sha256, 200, FETCHED_AT))


@pytest.fixture
def web_archive(
    backend: Backend, session_backend: Backend, built_archives: dict[tuple[str, str], Location]
) -> Location:
    return built_once(built_archives, session_backend, backend, "web-pages", build_web_archive)


@pytest.fixture
def web(web_archive: Location) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=web_archive, page_size=10))) as opened:
        yield opened


def test_the_article_page_shows_provenance_and_page_metadata(web: TestClient) -> None:
    html = web.get(f"/article/{ARTICLE.id}").text
    assert '<article class="story" lang="nb-NO">' in html
    assert f'<dt>Canonical URL</dt><dd><a href="{URL}" rel="nofollow noopener noreferrer">' in html
    assert "<dt>Source</dt>" in html and f">{URL}</a>" in html
    record_id = str(ARTICLE.source.record_id).replace("<", "&lt;").replace(">", "&gt;")
    assert f"<code>{record_id}</code> at byte 40960 of" in html
    assert "<code>crawl-2026-03.warc.gz</code>" in html
    assert f'<time datetime="{FETCHED_AT}">{FETCHED_AT}</time>' in html
    assert "<dt>HTTP status</dt><dd>200</dd>" in html
    assert "<code>text/html</code>" in html
    assert f'<code class="hash">{PAGE.sha256}</code>' in html
    assert "<dt>Language</dt><dd>nb-NO</dd>" in html
    assert "Tags: ports, shipping" in html
    assert 'updated <time datetime="2026-03-01T17:30:00+00:00">2026-03-01</time>' in html
    assert "By Mira Holm" in html
    assert f'href="/article/{ARTICLE.id}/raw"' in html
    assert f'href="/source/{PAGE.sha256}" download' in html
    assert "teaser" not in html.lower()


def test_captions_show_credits_and_link_images_without_loading_them(web: TestClient) -> None:
    response = web.get(f"/article/{ARTICLE.id}")
    html = response.text
    assert 'The harbour at dawn <span class="credit">© Agency/Jo Lund</span>' in html
    assert (
        '<a class="image-link" href="https://img.example.com/harbour.jpg"'
        ' rel="nofollow noopener noreferrer">' in html
    )
    assert "<img" not in html
    # an unsafe image address is text, never a link
    assert "<code>javascript:alert(1)</code>" in html
    assert 'href="javascript:' not in html
    assert "img-src 'self'" in response.headers["content-security-policy"]


def test_a_teaser_page_says_so_and_links_the_original(web: TestClient) -> None:
    html = web.get(f"/article/{TEASER.id}").text
    assert "Only a teaser of this article is archived" in html
    assert (
        f'<a href="{TEASER_URL}" rel="nofollow noopener noreferrer">Read the original</a>' in html
    )
    listing = web.get("/category/world").text
    entry = listing[listing.index("New ferry timetable") :]
    assert "teaser only" in entry[: entry.index("</article>")]
    harbour = listing[listing.index("Harbour reopens") :]
    assert "teaser only" not in harbour[: harbour.index("</article>")]
    assert web.get("/api/categories/world").json()["articles"][0]["teaser"] is True


def test_raw_html_is_served_inert(web: TestClient) -> None:
    for url in (f"/article/{ARTICLE.id}/raw", f"/article/{ARTICLE.id}?raw=1"):
        raw = web.get(url)
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "text/plain; charset=utf-8"
        assert raw.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in raw.headers["content-security-policy"]
        assert raw.text == HTML  # the page, verbatim, as text

    original = web.get(f"/source/{PAGE.sha256}")
    assert original.status_code == 200
    assert original.content == PAGE.data
    assert original.headers["content-type"] == "application/octet-stream"
    disposition = original.headers["content-disposition"]
    assert disposition == f'attachment; filename="{PAGE.sha256[:16]}.html"'
    assert original.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in original.headers["content-security-policy"]
    assert web.head(f"/source/{PAGE.sha256}").status_code == 200
    for missing in ("0" * 64, "not-a-hash", PAGE.sha256.upper()):
        assert web.get(f"/source/{missing}").status_code == 404


def test_the_json_twin_has_every_new_field(web: TestClient) -> None:
    body = web.get(f"/api/articles/{ARTICLE.id}").json()
    assert body["canonical_url"] == URL
    assert body["url"] == f"/article/{ARTICLE.id}"  # the archive's page, as before
    assert (body["updated"], body["language"], body["tags"], body["teaser"]) == (
        "2026-03-01T17:30:00+00:00", "nb-NO", ["ports", "shipping"], False
    )  # fmt: skip
    assert body["captions"][0] == {
        "text": "The harbour at dawn",
        "credit": "© Agency/Jo Lund",
        "image_url": "https://img.example.com/harbour.jpg",
    }
    assert body["source"] == {
        "sha256": PAGE.sha256,
        "start": 0,
        "end": len(HTML),
        "encoding": "utf-8",
        "path": "crawl-2026-03.warc.gz",
        "url": URL,
        "media_type": "text/html",
        "record_id": ARTICLE.source.record_id,
        "record_offset": 40_960,
        "fetched_at": FETCHED_AT,
        "http_status": 200,
        "original_url": f"/source/{PAGE.sha256}",
    }
    teaser = web.get(f"/api/articles/{TEASER.id}").json()
    assert teaser["teaser"] is True and teaser["paragraphs"] == []


def test_web_articles_are_in_categories_search_and_feeds(web: TestClient) -> None:
    ids = [a["id"] for a in web.get("/api/categories/world").json()["articles"]]
    assert ids == [TEASER.id, ARTICLE.id]
    hits = web.get("/api/search", params={"q": "ferries"}).json()["hits"]
    assert {h["id"] for h in hits} == {ARTICLE.id, TEASER.id}
    assert web.get("/api/search", params={"q": "dawn"}).json()["hits"][0]["id"] == ARTICLE.id
    feed = ET.fromstring(web.get("/category/world/feed.atom").content)
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Harbour reopens" in titles and "New ferry timetable" in titles
    export = web.get("/api/categories/world/export?format=jsonl").text.splitlines()
    assert '"tags": ["ports", "shipping"]' in export[1]


@sqlite_only
def test_a_v3_archive_is_served_after_migrating(tmp_path: Path) -> None:
    document, articles = build_document([Draft("An archived note", ("From the old days.",))])
    path = build_v3_archive(tmp_path / "old.db", document, articles)
    with TestClient(create_app(Settings(db=path))) as client:
        body = client.get(f"/api/articles/{articles[0].id}").json()
        assert body["paragraphs"] == ["From the old days."]
        assert body["source"]["media_type"] is None and body["canonical_url"] is None
        assert client.get("/api/search", params={"q": "archived"}).json()["total"] == 1
        html = client.get(f"/article/{articles[0].id}").text
        assert "Canonical URL" not in html and "<code>archive.txt</code>" in html


def test_the_schema_describes_the_new_fields(web: TestClient) -> None:
    schemas = web.get("/openapi.json").json()["components"]["schemas"]
    article = schemas["ArticleOut"]["properties"]
    assert {"canonical_url", "updated", "language", "tags", "teaser"} <= set(article)
    source = schemas["SourceOut"]["properties"]
    fields = {"media_type", "record_id", "record_offset", "fetched_at", "http_status"}
    assert fields | {"original_url"} <= set(source)
    assert "image_url" in schemas["CaptionOut"]["properties"]
    assert "teaser" in schemas["ListedOut"]["properties"]
