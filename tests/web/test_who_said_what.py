"""Who said what on the web: speaker, entity and figures pages, quotes marked on article
pages, the category chart, and their JSON twins, on an archive enriched with data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from newsarchive.model import Article
from newsarchive.settings import Settings
from newsarchive.store import Location
from newsarchive.web import create_app
from tests.backends import Backend, built_once
from tests.web.enriched import EVIL_NAME, EVIL_QUOTE, build_enriched_archive, politics

Articles = tuple[Article, Article, Article]


@pytest.fixture
def enriched(
    backend: Backend, session_backend: Backend, built_archives: dict[tuple[str, str], Location]
) -> tuple[Location, Articles]:
    location = built_once(
        built_archives, session_backend, backend, "enriched", build_enriched_archive
    )
    return location, politics()[1]


@pytest.fixture
def web(enriched: tuple[Location, Articles]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=enriched[0], page_size=2))) as opened:
        yield opened


@pytest.fixture
def articles(enriched: tuple[Location, Articles]) -> Articles:
    return enriched[1]


def links(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<a href="({prefix}[^"]*)">', html)


def test_speaker_page_lists_quotes_newest_first_and_paginates(
    web: TestClient, articles: Articles
) -> None:
    truce, talks, summit = articles
    first = web.get("/speaker/dmitry-peskov")
    assert first.status_code == 200
    html = first.text
    assert "<h1>Quotes by Dmitry Peskov</h1>" in html and "3 quotes, newest first" in html
    assert links(html, "/article/") == [f"/article/{summit.id}", f"/article/{talks.id}"]
    assert "<blockquote>“We are ready,”</blockquote>" in html and "the talks went well" in html
    assert '<time datetime="2026-02-10">2026-02-10</time>' in html
    assert 'rel="next" href="/speaker/dmitry-peskov?page=2"' in html
    second = web.get("/speaker/dmitry-peskov?page=2").text
    assert links(second, "/article/") == [f"/article/{truce.id}"]
    assert "create favorable conditions for negotiations" in second
    assert "(as “Peskov”)" in second


def test_a_surname_is_the_same_speaker_page(web: TestClient) -> None:
    moved = web.get("/speaker/peskov", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/speaker/dmitry-peskov"
    assert web.get("/speaker/nobody-at-all").status_code == 404
    speakers = web.get("/speakers").text
    assert '<a href="/speaker/dmitry-peskov">Dmitry Peskov</a> <span class="count">3 quotes' in (
        speakers
    )
    assert "/speaker/peskov" not in speakers


def test_entity_page_lists_articles_and_entities_named_with_it(
    web: TestClient, articles: Articles
) -> None:
    _truce, talks, summit = articles
    html = web.get("/entity/dmitry-peskov").text
    assert "named in 3 articles" in html
    assert '<a href="/speaker/dmitry-peskov">3 quotes</a>' in html
    assert links(html, "/article/")[:2] == [f"/article/{summit.id}", f"/article/{talks.id}"]
    named_with = html.split('id="with-heading"')[1].split("</section>")[0]
    assert set(links(named_with, "/entity/")) == {
        "/entity/kremlin", "/entity/vladimir-zelensky", "/entity/abu-dhabi",
        "/entity/script-alert-name-script-smith",
    }  # fmt: skip
    places = web.get("/entities?label=GPE").text
    assert links(places, "/entity/") == ["/entity/abu-dhabi"]


def test_figures_view_filters_by_who_claims_them(web: TestClient, articles: Articles) -> None:
    html = web.get("/figures").text
    assert "<td>6,483</td><td>civilian casualties</td><td>in 2025</td>" in html
    assert '<a href="/speaker/vladimir-zelensky">Vladimir Zelensky</a>' in html
    assert "1 figure," in web.get("/figures?by=Vladimir+Zelensky").text
    assert "1 figure," in web.get("/figures?by=zelensky").text  # the surname finds him
    assert "0 figures," in web.get("/figures?by=dmitry-peskov").text
    assert "0 figures," in web.get("/figures?q=warheads").text
    assert web.get("/figures?by=nobody-at-all").status_code == 404


def test_article_page_marks_quotes_with_their_speakers(web: TestClient, articles: Articles) -> None:
    truce, _, summit = articles
    html = web.get(f"/article/{truce.id}").text
    assert (
        '<p>The pause is meant to <mark class="quote">“create favorable conditions for'
        ' negotiations,”</mark><sup class="said-by"><a href="/speaker/dmitry-peskov">Dmitry Peskov'
        "</a></sup> Peskov said.</p>"
    ) in html
    assert "<p>He declined to give details.</p>" in html
    unresolved = web.get(f"/article/{summit.id}").text
    assert '<mark class="quote">the venue was chosen</mark><sup class="said-by">unattributed' in (
        unresolved
    )
    assert '<span class="speaker">Unattributed</span>' in unresolved


def test_an_article_not_enriched_shows_its_paragraphs_as_before(web: TestClient) -> None:
    home = web.get("/api/articles?category=economy&limit=1").json()
    article_id = home["articles"][0]["id"]
    html = web.get(f"/article/{article_id}").text
    assert "<p>Markets rallied.</p>" in html and "<mark" not in html
    assert "Who said what" not in html
    data = web.get(f"/api/articles/{article_id}").json()
    assert data["enrichment_version"] is None and data["quotes"] == []


def test_category_chart_counts_quotes_per_month(web: TestClient) -> None:
    page = web.get("/category/politics/speakers")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") == 1 and 'role="img"' in html and "<table" in html
    assert "<script" not in html
    assert "<title>Dmitry Peskov, 2026-01: 1 quote</title>" in html
    assert "<title>Dmitry Peskov, 2026-02: 2 quotes</title>" in html
    rows = re.findall(r"<tr><th scope=\"row\"><a href=\"([^\"]+)\">.*?</a></th>(.*?)</tr>", html)
    cells = {href: re.findall(r"<td>(\d+)</td>", rest) for href, rest in rows}
    assert cells["/speaker/dmitry-peskov"] == ["1", "2", "3"]
    assert cells["/speaker/script-alert-name-script-smith"] == ["0", "1", "1"]
    assert (
        '<a href="/category/politics/speakers">Who is quoted most</a>'
        in web.get("/category/politics").text
    )
    empty = web.get("/category/economy/speakers").text
    assert "No quotes in Economy" in empty and "<svg" not in empty
    assert web.get("/category/politics/speakers?bucket=week").status_code == 400
    assert web.get("/category/nowhere/speakers").status_code == 404


def test_api_speaker_entity_figures_chart_and_article(web: TestClient, articles: Articles) -> None:
    truce, talks, summit = articles
    speaker = web.get("/api/speakers/peskov").json()  # any of the names
    assert speaker["speaker"]["name"] == "Dmitry Peskov" and speaker["page"]["total"] == 3
    assert [q["article"]["id"] for q in speaker["quotes"]] == [summit.id, talks.id]
    assert speaker["quotes"][0]["quote"]["text"] == "“We are ready,”"
    assert speaker["page"]["next"] == "/api/speakers/dmitry-peskov?page=2&limit=2"
    assert web.get("/api/speakers").json()[0]["entity"]["slug"] == "dmitry-peskov"

    entity = web.get("/api/entities/dmitry-peskov").json()
    assert entity["quotes"] == 3 and entity["page"]["total"] == 3
    assert {c["entity"]["name"] for c in entity["named_with"]} >= {"Kremlin", "Abu Dhabi"}
    assert [e["entity"]["name"] for e in web.get("/api/entities?label=GPE").json()] == ["Abu Dhabi"]

    figures = web.get("/api/figures?claimed_by=vladimir-zelensky").json()
    assert figures["total"] == 1
    assert figures["figures"][0]["figure"]["number"] == 6483.0

    chart = web.get("/api/categories/politics/speakers").json()
    assert chart["buckets"] == ["2026-01", "2026-02"]
    assert [(s["speaker"]["name"], s["counts"]) for s in chart["speakers"]] == [
        ("Dmitry Peskov", [1, 2]), (EVIL_NAME, [0, 1])
    ]  # fmt: skip

    article = web.get(f"/api/articles/{truce.id}").json()
    assert article["enrichment_version"] == "1"
    (quote,) = article["quotes"]
    assert quote["speaker"] == "Dmitry Peskov" and quote["speaker_text"] == "Peskov"
    assert quote["speaker_url"] == "/speaker/dmitry-peskov"
    title, summary, *paragraphs = [truce.title, truce.summary, *truce.paragraphs]
    text = "\n\n".join([str(title), str(summary), *paragraphs])
    assert text[quote["start"] : quote["end"]] == quote["text"]
    assert article["entities"][0] == {
        "name": "Peskov", "canonical": "Dmitry Peskov", "label": "PERSON", "role": None,
        "mentions": [list(truce_mention(truce))], "url": "/entity/dmitry-peskov",
    }  # fmt: skip
    assert web.get("/api/speakers/nobody-at-all").status_code == 404


def truce_mention(article: Article) -> tuple[int, int]:
    text = "\n\n".join([str(article.title), str(article.summary), *article.paragraphs])
    start = text.index("Peskov")
    return start, start + len("Peskov")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def test_a_speaker_name_with_markup_is_inert_everywhere(
    web: TestClient, articles: Articles
) -> None:
    summit = articles[2]
    slug = "script-alert-name-script-smith"
    for url in (
        f"/article/{summit.id}",
        f"/speaker/{slug}",
        f"/entity/{slug}",
        "/speakers",
        "/entities",
        "/category/politics/speakers",
        "/entity/dmitry-peskov",
    ):
        page = web.get(url)
        assert page.status_code == 200, url
        audit = _Tags()
        audit.feed(page.text)
        assert "script" not in audit.tags and "img" not in audit.tags, url
        assert audit.handlers == [], url
        assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; Smith" in page.text, url
    speaker = web.get(f"/speaker/{slug}").text
    assert "&lt;img src=x onerror=alert(1)&gt; we will win" in speaker
    api = web.get(f"/api/speakers/{slug}").json()
    assert api["speaker"]["name"] == EVIL_NAME
    assert api["quotes"][0]["quote"]["text"] == f"“{EVIL_QUOTE}”"
    assert web.get(f"/api/speakers/{slug}").headers["content-type"].startswith("application/json")
