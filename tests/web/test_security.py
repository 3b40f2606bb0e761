"""Archived text is untrusted: it is escaped everywhere, never runs, and the archive is
read-only unless an ingest token is configured."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from newsarchive.model import Caption, RelatedLink
from newsarchive.settings import Settings
from newsarchive.store import Location, open_store
from newsarchive.web import create_app
from tests.backends import Backend, built_once
from tests.web.archive import Draft, build_document

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
QUOTE = '"><svg onload=alert(3)>'
PAYLOAD = f"{SCRIPT} {IMG} {QUOTE} '&amp;"
EVIL = Draft(
    title=f"Title {PAYLOAD}",
    summary=f"Summary {PAYLOAD}",
    paragraphs=(f"Body {PAYLOAD}", f"javascript:alert(4) {PAYLOAD}"),
    categories=(f"Cat {PAYLOAD}", "Plain"),
    authors=(f"Author {PAYLOAD}",),
    dateline=f"Dateline {PAYLOAD}",
    published="2024-03-01",
    captions=(Caption(f"Caption {PAYLOAD}", f"© Credit {PAYLOAD}"),),
    related=(
        RelatedLink(f"Related {PAYLOAD}", "javascript:alert(5)", f"Img {PAYLOAD}", PAYLOAD),
        RelatedLink("Data link", "data:text/html,<script>alert(6)</script>"),
        RelatedLink("Spaced scheme", " JaVaScRiPt:alert(7)"),
        RelatedLink("Fine link", "https://example.org/ok"),
    ),
)
DANGEROUS_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "base", "form", "meta"}
ALLOWED_FORMS = {"/search", "/category/plain"}


class TagAudit(HTMLParser):
    """Every tag and attribute the browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in DANGEROUS_TAGS and not (tag == "form" or tag == "meta"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "formaction"}:
                scheme = (value or "").strip().lower().split(":", 1)[0]
                if ":" in (value or "") and scheme not in {"http", "https"}:
                    self.problems.append(f"{tag} {name}={value}")
        if tag == "meta" and set(values) - {"charset", "name", "content"}:
            self.problems.append(f"meta {values}")


def audit(html: str) -> list[str]:
    parser = TagAudit()
    parser.feed(html)
    return parser.problems


def build_evil_archive(location: Location) -> None:
    with open_store(location) as store:
        store.add_document(*build_document([EVIL], path=f"dump {PAYLOAD}.txt"))
        store.add_document(*build_document([Draft("Plain article", categories=("Plain",))],
                                           path=None, url="javascript:alert(8)"))  # fmt: skip


@pytest.fixture
def evil_client(
    backend: Backend, session_backend: Backend, built_archives: dict[tuple[str, str], Location]
) -> Iterator[TestClient]:
    path = built_once(built_archives, session_backend, backend, "evil", build_evil_archive)
    with TestClient(create_app(Settings(db=path))) as client:
        yield client


def evil_pages(client: TestClient) -> list[str]:
    cat = client.get("/api/categories").json()[1]["slug"]
    return [
        "/",
        f"/category/{cat}",
        "/category/plain",
        f"/article/{EVIL.id}",
        f"/article/{Draft('Plain article').id}",
        "/search?q=alert",
        f"/search?q={PAYLOAD}",
        f"/category/{PAYLOAD}",
        f"/article/{PAYLOAD}",
    ]


def test_payloads_are_escaped_in_html(evil_client: TestClient) -> None:
    for url in evil_pages(evil_client):
        page = evil_client.get(url)
        assert page.status_code in (200, 400, 404), url
        assert audit(page.text) == [], url
        assert SCRIPT not in page.text and IMG not in page.text, url
    article = evil_client.get(f"/article/{EVIL.id}").text
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert 'href="https://example.org/ok"' in article
    assert "Related &lt;script&gt;" in article  # shown, as text


def test_payloads_are_inert_in_atom(evil_client: TestClient) -> None:
    slug = evil_client.get("/api/categories").json()[0]["slug"]
    feed = evil_client.get(f"/category/{slug}/feed.atom")
    root = ET.fromstring(feed.content)  # well-formed
    tags = {element.tag for element in root.iter()}
    assert all(tag.startswith("{http://www.w3.org/2005/Atom}") for tag in tags)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert EVIL.title in titles  # the text, escaped in XML, comes back exactly


def test_payloads_are_plain_strings_in_json(evil_client: TestClient) -> None:
    response = evil_client.get(f"/api/articles/{EVIL.id}")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["title"] == EVIL.title and body["authors"] == list(EVIL.authors)
    assert body["related"][0]["url"] == "javascript:alert(5)"  # data, never a link
    raw = evil_client.get(f"/article/{EVIL.id}/raw")
    assert raw.headers["content-type"] == "text/plain; charset=utf-8"
    assert raw.headers["x-content-type-options"] == "nosniff"


def test_security_headers_on_every_response(client: TestClient) -> None:
    urls = [
        "/", "/category/russia", "/category/russia/feed.atom", "/search?q=Peskov",
        '/search?q="bad', "/api/home", "/api/search?q=AND", "/article/nope", "/nothing",
        "/static/style.css", "/openapi.json", "/api/categories/russia/export?format=csv",
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        csp = response.headers.get("content-security-policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, url
        assert "script-src" not in csp and "unsafe" not in csp, url
        assert response.headers["x-content-type-options"] == "nosniff", url
        assert response.headers["referrer-policy"] == "no-referrer", url
    assert client.post("/").headers["x-content-type-options"] == "nosniff"
    assert client.head("/category/russia").status_code == 200


# -- the write endpoint -------------------------------------------------------------

DUMP = (
    "Category Archive : Uploads\n\n"
    "Uploaded story about the harbour and its new cranes\n\n"
    "The harbour installed four new cranes on Monday, the port authority said.\n\n"
    "Officials expect the cranes to double the number of containers handled each day.\n\n\n"
)


@pytest.fixture
def token_client(archive: Location) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=archive, ingest_token="s3cret"))) as client:
        yield client


def test_ingest_is_off_without_a_token(client: TestClient) -> None:
    off = client.post("/api/ingest", content=DUMP.encode())
    assert off.status_code == 404
    assert "--ingest-token" in off.json()["message"]
    assert "/api/ingest" not in client.get("/openapi.json").json()["paths"]


def test_ingest_needs_the_token(token_client: TestClient) -> None:
    missing = token_client.post("/api/ingest", content=DUMP.encode())
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = token_client.post(
        "/api/ingest", content=DUMP.encode(), headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    assert token_client.get("/api/stats").json()["articles"] == 36


def test_ingest_with_the_token(token_client: TestClient) -> None:
    auth = {"Authorization": "Bearer s3cret", "Content-Type": "text/plain; charset=utf-8"}
    added = token_client.post("/api/ingest?source=harbour.txt", content=DUMP.encode(), headers=auth)
    assert added.status_code == 200, added.text
    body = added.json()
    assert body["added"] >= 1 and body["updated"] == 0
    article = token_client.get(f"/api/articles/{body['articles'][0]}").json()
    assert article["source"]["path"] == "harbour.txt"
    assert "Uploads" in [c["name"] for c in token_client.get("/api/categories").json()]
    again = token_client.post("/api/ingest", content=DUMP.encode(), headers=auth).json()
    assert again["added"] == 0 and again["unchanged"] == body["added"]


def test_ingest_rejects_bad_bodies_and_changes_nothing(token_client: TestClient) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    before = token_client.get("/api/stats").json()
    cases = [
        (DUMP.encode("utf-16"), "text/plain", 400),  # not UTF-8
        (DUMP.encode() + b"\xff", "text/plain", 400),
        (b"", "text/plain", 400),
        (DUMP.encode(), "application/json", 415),
        (DUMP.encode(), "text/plain; charset=latin-1", 415),
    ]
    for data, kind, status in cases:
        response = token_client.post(
            "/api/ingest", content=data, headers={**auth, "Content-Type": kind}
        )
        assert response.status_code == status, (kind, response.text)
        assert response.json()["status"] == status
    assert token_client.get("/api/stats").json() == before
