"""The JSON API: the twin of every page, errors as JSON, exports that parse back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from newsarchive.model import article_from_dict
from newsarchive.web import reads
from tests.backends import Backend, rank_at_most
from tests.web.archive import ECONOMY, LINKED


def test_home_and_stats(client: TestClient) -> None:
    home = client.get("/api/home").json()
    assert home["stats"] == {
        "articles": 36,
        "sources": 2,
        "revisions": 0,
        "categories": 3,
        "earliest": "2024-01-01",
        "latest": "2024-02-02T09:30:00Z",
    }
    assert home["categories"][0] == {
        "name": "Economy", "slug": "economy", "count": 26, "url": "/category/economy"
    }  # fmt: skip
    assert home["latest"][0]["id"] == LINKED.id
    assert client.get("/api/stats").json() == home["stats"]


def test_categories(client: TestClient) -> None:
    names = [c["name"] for c in client.get("/api/categories").json()]
    assert names == ["Economy", "Russia", "Markets"]


def test_category_page_with_paging_and_dates(client: TestClient) -> None:
    body = client.get("/api/categories/economy", params={"limit": 10, "page": 2}).json()
    assert body["category"]["count"] == 26
    assert [a["id"] for a in body["articles"]] == [d.id for d in reversed(ECONOMY[6:16])]
    assert body["page"] == {
        "page": 2,
        "page_size": 10,
        "total": 26,
        "pages": 3,
        "next": "/api/categories/economy?page=3&limit=10",
        "previous": "/api/categories/economy?page=1&limit=10",
    }
    dated = client.get("/api/categories/economy?from=2024-01-20&to=2024-01-21").json()
    assert [a["published"] for a in dated["articles"]] == ["2024-01-21", "2024-01-20"]
    assert dated["page"]["total"] == 2
    captioned = next(a for a in body["articles"] if a["caption"])
    assert captioned["caption"]["credit"] == "© Sputnik/Ilya Pitalev"


def test_articles_listing_filters(client: TestClient) -> None:
    body = client.get("/api/articles?category=markets").json()
    assert [a["id"] for a in body["articles"]] == [LINKED.id]
    everything = client.get("/api/articles?limit=100").json()
    assert everything["page"]["total"] == 36 and len(everything["articles"]) == 36
    past = client.get("/api/articles?page=50").json()
    assert past["articles"] == [] and past["page"]["next"] is None


def test_article(client: TestClient) -> None:
    body = client.get(f"/api/articles/{LINKED.id}").json()
    assert body["title"] == LINKED.title
    assert body["authors"] == ["Anna Berg", "Sam Reed"]
    assert body["captions"] == [
        {"text": "Traders at the exchange", "credit": "© Reuters/Tom Nicholson", "image_url": None}
    ]
    resolved = [r["article_id"] for r in body["related"]]
    assert resolved == [ECONOMY[6].id, ECONOMY[7].id, None, None]
    assert body["related"][3]["url"] == "https://example.org/story?id=1"
    assert body["source"]["path"] == "economy.txt" and len(body["source"]["sha256"]) == 64
    assert body["neighbours"] == {
        "category": "Economy",
        "newer": None,
        "older": body["neighbours"]["older"],
    }
    assert body["neighbours"]["older"]["id"] == ECONOMY[24].id
    assert body["raw"] is None
    raw = client.get(f"/api/articles/{LINKED.id}?raw=true").json()["raw"]
    assert raw.startswith(LINKED.title)


def test_search(client: TestClient) -> None:
    body = client.get("/api/search?q=grain&sort=newest&limit=5").json()
    assert body["total"] == 25 and not body["bounded"]
    assert [h["id"] for h in body["hits"]] == [d.id for d in reversed(ECONOMY[20:])]
    assert body["page"]["pages"] == 5
    hit = body["hits"][0]
    assert "[grain]" in hit["snippet"].lower() or "[Grain]" in hit["snippet"]
    assert any(s["match"] for s in hit["segments"])
    assert not any("\x02" in s["text"] or "\x03" in s["text"] for s in hit["segments"])


def test_errors_are_json(client: TestClient) -> None:
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert client.get("/api/categories/nowhere").status_code == 404
    for url in (
        '/api/search?q="unbalanced',
        "/api/search?q=AND",
        "/api/search?q=",
        "/api/search",
        "/api/articles?page=0",
        "/api/articles?from=2024-02-30",
        "/api/articles?limit=1000",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.json()
        assert body["status"] == 400 and body["message"], url
    assert client.get("/api/nothing").json()["error"] == "not_found"
    assert client.post("/api/ingest", content=b"x").status_code == 404  # off by default


def test_search_export_jsonl_parses_back(client: TestClient) -> None:
    response = client.get("/api/search/export?format=jsonl&q=grain&sort=newest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    articles = [article_from_dict(json.loads(line)) for line in response.text.splitlines()]
    assert [a.id for a in articles] == [d.id for d in reversed(ECONOMY)]
    assert articles[0].published == "2024-01-25"


def test_category_export_csv_parses_back(client: TestClient) -> None:
    response = client.get("/api/categories/economy/export?format=csv&from=2024-01-24")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [LINKED.id, ECONOMY[24].id, ECONOMY[23].id]
    assert json.loads(rows[0]["authors"]) == ["Anna Berg", "Sam Reed"]
    assert json.loads(rows[0]["categories"]) == ["Economy", "Markets"]


def test_exports_refuse_bad_input_before_streaming(client: TestClient) -> None:
    assert client.get("/api/search/export?format=csv&q=AND").status_code == 400
    assert client.get("/api/search/export?format=xml&q=grain").status_code == 400
    assert client.get("/api/categories/nowhere/export?format=csv").status_code == 404
    empty = client.get("/api/search/export?format=csv&q=zzyzxqq")
    assert empty.status_code == 200 and empty.text.startswith("id,title,summary")


def test_a_page_past_the_last_search_hit_keeps_the_total(
    client: TestClient, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    rank_at_most(10, backend, monkeypatch)
    first = client.get("/api/search?q=grain&limit=5").json()
    past = client.get("/api/search?q=grain&limit=5&page=4").json()
    assert (first["total"], first["bounded"]) == (10, True)
    assert (past["hits"], past["total"], past["bounded"]) == ([], 10, True)


def test_category_export_pages_through_the_listing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "/api/categories/economy/export?format=jsonl&from=2024-01-10&to=2024-01-30"
    whole = [json.loads(line)["id"] for line in client.get(url).text.splitlines()]
    monkeypatch.setattr(reads, "EXPORT_BATCH", 3)
    paged = [json.loads(line)["id"] for line in client.get(url).text.splitlines()]
    assert len(whole) > 3 and paged == whole
    listed = client.get("/api/categories/economy?from=2024-01-10&to=2024-01-30&limit=100").json()
    assert whole == [a["id"] for a in listed["articles"]]
