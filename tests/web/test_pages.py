"""The HTML pages against a real archive file: what a reader sees on each."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.archive import ECONOMY, LINKED


def headlines(html: str) -> list[str]:
    """The article links of a listing, in order."""
    return re.findall(r'<h[23]><a href="/article/[0-9a-f]+">([^<]*)</a>', html)


def test_home_shows_counts_categories_and_date_range(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "<strong>36</strong> articles" in html
    assert '<a href="/category/russia">Russia</a> <span class="count">10 articles</span>' in html
    assert '<a href="/category/economy">Economy</a> <span class="count">26 articles</span>' in html
    assert '<time datetime="2024-01-01">2024-01-01</time>' in html
    assert '<time datetime="2024-02-02T09:30:00Z">2024-02-02</time>' in html
    assert headlines(html)[0] == LINKED.title
    assert html.count("<h1>") == 1
    assert '<a class="skip" href="#main">' in html and '<main id="main"' in html


def test_category_lists_newest_first_and_paginates(client: TestClient) -> None:
    first = client.get("/category/economy")
    assert first.status_code == 200
    assert headlines(first.text)[:3] == [
        LINKED.title,
        ECONOMY[24].summary,
        ECONOMY[23].summary,
    ]
    assert "Page 1 of 3" in first.text
    assert 'rel="next" href="/category/economy?page=2"' in first.text
    last = client.get("/category/economy?page=3")
    assert headlines(last.text) == [d.summary for d in reversed(ECONOMY[:6])]
    assert 'rel="prev" href="/category/economy?page=2"' in last.text


def test_category_entry_has_date_caption_with_credit_and_categories(client: TestClient) -> None:
    html = client.get("/category/economy").text
    assert 'Photo: Port of Novorossiysk, day 25 <span class="credit">© Sputnik/Ilya Pitalev' in html
    assert '<a href="/category/markets">Markets</a>' in html
    assert '<time datetime="2024-01-25">2024-01-25</time>' in html


def test_category_date_filter(client: TestClient) -> None:
    page = client.get("/category/economy?from=2024-01-10&to=2024-01-12")
    assert headlines(page.text) == [ECONOMY[11].summary, ECONOMY[10].summary, ECONOMY[9].summary]
    assert "3 articles published" in page.text
    assert 'value="2024-01-10"' in page.text
    empty = client.get("/category/economy?from=2030-01-01")
    assert empty.status_code == 200 and "No articles in these dates" in empty.text


def test_category_page_past_the_end_is_empty_with_a_way_back(client: TestClient) -> None:
    page = client.get("/category/economy?page=99")
    assert page.status_code == 200
    assert headlines(page.text) == []
    assert "past the end" in page.text
    assert 'href="/category/economy?page=3"' in page.text


def test_bad_page_and_dates_are_400_not_500(client: TestClient) -> None:
    for url in (
        "/category/economy?page=0",
        "/category/economy?page=abc",
        "/category/economy?page=99999999999999999999",
        "/category/economy?from=2024-13-01",
        "/category/economy?from=2024-02-01&to=2024-01-01",
        "/search?q=grain&to=yesterday",
    ):
        page = client.get(url)
        assert page.status_code == 400, url
        assert "<h1>Bad request</h1>" in page.text


def test_unknown_things_are_404_pages(client: TestClient) -> None:
    for url in ("/article/0000000000000000", "/category/nowhere", "/no/such/page"):
        page = client.get(url)
        assert page.status_code == 404, url
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in page.text


def test_article_page(client: TestClient) -> None:
    html = client.get(f"/article/{LINKED.id}").text
    assert f"<h1>{LINKED.title}</h1>" in html
    assert '<p class="summary">Stocks rose sharply on Friday</p>' in html
    assert "By Anna Berg, Sam Reed" in html and "MOSCOW" in html
    assert "<p>Analysts were surprised.</p>" in html
    assert 'Traders at the exchange <span class="credit">© Reuters/Tom Nicholson</span>' in html
    assert (
        '<a href="/category/economy">Economy</a>, <a href="/category/markets">Markets</a>' in html
    )


def test_related_links_resolve_to_archived_articles(client: TestClient) -> None:
    html = client.get(f"/article/{LINKED.id}").text
    # exact title, and the same title in other case and spacing
    assert f'<a href="/article/{ECONOMY[6].id}">Economy report number 07' in html
    assert f'<a href="/article/{ECONOMY[7].id}">  ECONOMY report number 08' in html
    # not archived: plain text; archived elsewhere: its URL
    assert re.search(r'never archived\s+<span class="note">\(not archived\)', html)
    assert html.count("(in this archive)") == 2
    assert '<a href="https://example.org/story?id=1" rel="nofollow' in html


def test_provenance_and_raw_text(client: TestClient, archive: object) -> None:
    html = client.get(f"/article/{ECONOMY[0].id}").text
    assert "<code>economy.txt</code>" in html
    assert re.search(r'<code class="hash">[0-9a-f]{64}</code>', html)
    assert "characters 28–" in html
    for url in (f"/article/{ECONOMY[0].id}/raw", f"/article/{ECONOMY[0].id}?raw=1"):
        raw = client.get(url)
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "text/plain; charset=utf-8"
        assert raw.text.startswith(ECONOMY[0].summary)
        assert "Grain exports rose for the 1th day" in raw.text


def test_previous_and_next_in_the_category(client: TestClient) -> None:
    html = client.get(f"/article/{ECONOMY[10].id}").text
    assert f'Previous in Economy: <a rel="prev" href="/article/{ECONOMY[11].id}">' in html
    assert f'Next in Economy: <a rel="next" href="/article/{ECONOMY[9].id}">' in html
    newest = client.get(f"/article/{LINKED.id}?in=markets").text
    assert 'rel="prev"' not in newest and 'rel="next"' not in newest  # alone in Markets
    oldest = client.get(f"/article/{ECONOMY[0].id}").text
    assert 'rel="next"' not in oldest and 'rel="prev"' in oldest


def test_search_highlights_matches(client: TestClient) -> None:
    page = client.get("/search?q=Peskov")
    assert page.status_code == 200
    assert "<mark>Peskov</mark>" in page.text
    assert "3 matches" in page.text


def test_search_filters_and_sort(client: TestClient) -> None:
    newest = client.get("/search?q=grain&sort=newest&category=economy").text
    assert headlines(newest)[0] == ECONOMY[24].summary
    dated = client.get("/search?q=grain&from=2024-01-03&to=2024-01-04&sort=newest").text
    assert headlines(dated) == [ECONOMY[3].summary, ECONOMY[2].summary]
    elsewhere = client.get("/search?q=grain&category=russia").text
    assert "Nothing matches" in elsewhere and "Search without the filters" in elsewhere


def test_search_with_no_match_is_a_helpful_page(client: TestClient) -> None:
    page = client.get("/search?q=zzyzxqq")
    assert page.status_code == 200
    assert "Nothing matches “zzyzxqq”" in page.text and "zzyzxqq*" in page.text


def test_search_syntax_errors_are_400_with_help(client: TestClient) -> None:
    for query in ('"unbalanced', "AND", "*", "grain AND", "NOT", "(grain"):
        page = client.get("/search", params={"q": query})
        assert page.status_code == 400, query
        assert "This search cannot run" in page.text
        assert 'id="q"' in page.text  # the form again, to fix the query


def test_search_form_without_query(client: TestClient) -> None:
    page = client.get("/search")
    assert page.status_code == 200
    assert '<label for="q">Search</label>' in page.text


def test_every_page_links_its_json_twin(client: TestClient) -> None:
    twins = {
        "/": "/api/home",
        "/category/economy?page=2": "/api/categories/economy?page=2",
        f"/article/{LINKED.id}": f"/api/articles/{LINKED.id}",
        "/search?q=grain": "/api/search?q=grain",
    }
    for page, twin in twins.items():
        html = client.get(page).text
        found = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', html)
        assert found is not None, page
        href = found.group(1).replace("&amp;", "&")
        assert href.startswith(twin), (page, href)
        assert client.get(href).status_code == 200


def test_atom_feed(client: TestClient) -> None:
    import xml.etree.ElementTree as ET

    feed = client.get("/category/economy/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed.content)
    assert root.tag == f"{atom}feed"
    assert root.findtext(f"{atom}id") == "urn:newsarchive:category:economy"
    assert root.findtext(f"{atom}updated") == "2024-02-02T09:30:00Z"
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 26
    first = entries[0]
    assert first.findtext(f"{atom}id") == f"urn:newsarchive:article:{LINKED.id}"
    assert first.findtext(f"{atom}title") == LINKED.title
    assert first.findtext(f"{atom}summary") == LINKED.summary
    link = first.find(f"{atom}link")
    assert link is not None and link.get("href", "").endswith(f"/article/{LINKED.id}")
    assert entries[1].findtext(f"{atom}updated") == "2024-01-25T00:00:00Z"
    assert client.get("/category/nowhere/feed.atom").status_code == 404
