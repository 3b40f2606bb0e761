"""Sitemaps, news sitemaps and sitemap indexes: links with dates, news entries as teasers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newsarchive.errors import InputError
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.extract.sitemap import iso_datetime, read_sitemap
from newsarchive.model import Document, make_article_id, url_key

SITEMAPS = Path(__file__).resolve().parent.parent / "data" / "web" / "sitemaps"


def document(name: str, url: str | None = "https://ledger.example/sitemap.xml") -> Document:
    data = (SITEMAPS / name).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    return Document(data.decode("utf-8"), sha, "utf-8", url=url, data=data)


def read(name: str) -> Reading:
    return read_sitemap(document(name))


def test_a_sitemap_gives_article_links_with_their_dates() -> None:
    reading = read("sitemap.xml")
    assert reading.kind is Kind.SITEMAP
    assert reading.articles == ()
    assert reading.links == (
        Link(
            "https://ledger.example/2026/03/03/council-approves-budget/",
            LinkKind.ARTICLE,
            published="2026-03-03T12:15:00+00:00",
        ),
        # host lower-cased, tracking parameter dropped
        Link(
            "https://ledger.example/2026/03/01/senator-runs-for-governor/",
            LinkKind.ARTICLE,
            published="2026-03-01",
        ),
        Link("https://ledger.example/about/", LinkKind.ARTICLE),
    )


def test_a_news_sitemap_also_gives_teasers() -> None:
    reading = read("news-sitemap.xml")
    talks, drought = reading.articles
    assert talks.teaser and drought.teaser
    assert talks.title == "Ceasefire talks resume in Geneva as both sides signal flexibility"
    assert talks.url == "https://courier.example/world/2026/03/05/ceasefire-talks-resume"
    assert talks.id == make_article_id(url_key(talks.url))
    assert talks.published == "2026-03-05T09:30:00+01:00"
    assert talks.language == "en"
    assert talks.tags == ("diplomacy", "ceasefire", "Geneva")
    assert drought.published == "2026-03-05"
    assert drought.updated == "2026-03-05T10:00:00+00:00"
    # the publication date, not the last change, is the link's date
    assert [link.published for link in reading.links] == ["2026-03-05T09:30:00+01:00", "2026-03-05"]


def test_a_sitemap_index_gives_sitemap_links() -> None:
    reading = read("sitemap-index.xml")
    assert reading.links == (
        Link(
            "https://ledger.example/post-sitemap.xml",
            LinkKind.SITEMAP,
            published="2026-03-03T12:15:00+00:00",
        ),
        Link("https://ledger.example/news-sitemap.xml", LinkKind.SITEMAP),  # resolved
    )


def test_a_broken_sitemap_is_an_input_error_naming_it() -> None:
    with pytest.raises(InputError) as caught:
        read("broken.xml")
    message = str(caught.value)
    assert message.startswith("https://ledger.example/sitemap.xml: is not a valid sitemap (")
    assert "mismatch" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "map.xml: is empty"),
        ("<html><body>Not found</body></html>", "its root element is <html>"),
        ('<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "its root element is <rss>"),
    ],
)
def test_other_inputs_are_not_sitemaps(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        read_sitemap(Document(text, "0" * 64, "utf-8", path="map.xml"))


def test_entities_are_never_expanded_nor_fetched() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/hostname">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://x.example/p/&secret;</loc></url>"
        "<url><loc>https://x.example/q/&b;</loc></url></urlset>"
    )
    reading = read_sitemap(Document(text, "0" * 64, "utf-8"))
    assert [link.url for link in reading.links] == ["https://x.example/p/", "https://x.example/q/"]


def test_a_large_sitemap_is_read_as_a_stream() -> None:
    entries = "".join(
        f"<url><loc>https://x.example/{n}</loc><lastmod>2026-01-01</lastmod></url>"
        for n in range(20_000)
    )
    text = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    reading = read_sitemap(Document("", "0" * 64, "utf-8", data=text.encode()))
    assert len(reading.links) == 20_000
    assert reading.links[-1] == Link(
        "https://x.example/19999", LinkKind.ARTICLE, None, "2026-01-01"
    )


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2026-03-03", "2026-03-03"),
        ("2026-03-03T07:15:00-05:00", "2026-03-03T07:15:00-05:00"),
        ("2026-03-03T12:15Z", "2026-03-03T12:15:00+00:00"),
        ("2026-03-03T12:15:30.123+01:00", "2026-03-03T12:15:30+01:00"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_w3c_dates(value: str, iso: str | None) -> None:
    assert iso_datetime(value) == iso
