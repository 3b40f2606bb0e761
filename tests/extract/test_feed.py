"""RSS and Atom feeds: each entry a teaser with plain-text summary, ISO dates, captions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.errors import InputError
from newsarchive.extract.feed import read_feed
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.model import Document, article_key, make_article_id, url_key

FEEDS = Path(__file__).resolve().parent.parent / "data" / "web" / "feeds"


def read(name: str, url: str | None = None, *, as_text: bool = False) -> Reading:
    data = (FEEDS / name).read_bytes()
    text = data.decode("utf-8")
    return read_feed(
        Document(
            text,
            hashlib.sha256(data).hexdigest(),
            "utf-8",
            path=str(FEEDS / name),
            url=url,
            data=b"" if as_text else data,
        )
    )


def test_rss_entries_are_teasers_with_plain_summaries() -> None:
    reading = read("rss.xml")
    assert reading.kind is Kind.FEED
    assert [a.title for a in reading.articles] == [
        "Council approves new budget after marathon session",
        "State senator announces run for governor",
        "Letters to the editor",
    ]
    assert all(a.teaser for a in reading.articles)
    council = reading.articles[0]
    assert council.url == "https://ledger.example/2026/03/03/council-approves-budget/"
    assert council.id == make_article_id(url_key(council.url))
    assert council.summary == "The city council approved a $412 million budget early on Tuesday …"
    assert council.authors == ("Jane Doe",)
    assert council.published == "2026-03-03T12:15:00+00:00"
    assert council.categories == ("Politics", "City Hall", "Budget"), "the feed's own first"
    assert council.language == "en"


def test_content_encoded_gives_paragraphs_and_media_gives_captions() -> None:
    council = read("rss.xml").articles[0]
    assert len(council.paragraphs) == 3
    assert council.paragraphs[1].startswith("Council president Maria Alvarez said")
    assert "“protects every branch library" in council.paragraphs[1]
    assert not any("Photo" in p for p in council.paragraphs)
    assert [(c.text, c.credit, c.image_url) for c in council.captions] == [
        (
            "Council members debate the budget late on Monday night.",
            "Ledger/Tom Reyes",
            "https://ledger.example/uploads/council-wide.jpg",
        ),
        (
            "Council members vote at City Hall.",
            "Ledger/Tom Reyes",
            "https://ledger.example/uploads/council.jpg",
        ),
    ]


def test_content_that_repeats_the_summary_is_not_the_article() -> None:
    senator = read("rss.xml").articles[1]
    assert senator.paragraphs == ()
    assert senator.authors == ("Sam Okafor", "Lena Brooks", "Omar Haddad")
    # "EST" is a zone name: the moment is kept, stated in UTC
    assert senator.published == "2026-03-01T14:00:00+00:00"


def test_an_entry_without_a_link_gets_a_text_id_and_no_link() -> None:
    reading = read("rss.xml")
    letters = reading.articles[2]
    assert letters.url is None
    key = article_key(letters.title, letters.summary, (), letters.published)
    assert letters.id == make_article_id(key)
    assert [link.url for link in reading.links] == [
        "https://ledger.example/2026/03/03/council-approves-budget/",
        "https://ledger.example/2026/03/01/senator-runs-for-governor/",
    ]
    assert reading.links[0] == Link(
        reading.links[0].url, LinkKind.ARTICLE, "Politics", "2026-03-03T12:15:00+00:00"
    )


def test_atom_entries() -> None:
    reading = read("atom.xml", "https://courier.example/world/atom.xml")
    talks, drought = reading.articles
    assert talks.title == "Ceasefire talks resume in Geneva"  # HTML title made plain
    assert talks.url == "https://courier.example/world/2026/03/05/ceasefire-talks-resume"
    assert talks.published == "2026-03-05T09:30:00+01:00"
    assert talks.updated == "2026-03-05T11:02:00+01:00"
    assert talks.authors == ("Anna Lee", "Mark Chen")
    assert talks.categories == ("World", "Europe")
    assert talks.tags == ("diplomacy",)
    assert talks.language == "en"
    assert len(talks.paragraphs) == 2
    assert (
        drought.summary == "Aid agencies say a fifth failed rainy season has left crops devastated."
    )
    assert drought.published is None and drought.updated == "2026-03-05T08:10:00+00:00"


def test_a_feed_given_as_text_reads_the_same() -> None:
    assert read("atom.xml", as_text=True).articles == read("atom.xml").articles


def test_invalid_xml_with_entries_is_still_read() -> None:
    reading = read("broken-with-entries.xml")
    assert [a.title for a in reading.articles] == [
        "Nordbank shares rise 6% on record profit",
        "Copper hits two-month high",
    ]
    assert reading.articles[0].published == "2026-02-04T12:45:00+01:00"


def test_invalid_xml_without_entries_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        read("no-entries.xml", "https://x.example/feed")
    message = str(caught.value)
    assert message.startswith("https://x.example/feed: is not a valid RSS/Atom feed (")
    assert "check the feed URL" in message


def test_a_page_that_is_no_feed_is_an_input_error() -> None:
    doc = Document("<html><body><p>Hello</p></body></html>", "0" * 64, "utf-8", path="page.html")
    with pytest.raises(InputError, match=r"page\.html: is not"):
        read_feed(doc)


def test_a_string_that_looks_like_a_path_or_url_is_never_opened() -> None:
    for text in ("/etc/hostname", "https://example.invalid/feed.xml"):
        with pytest.raises(InputError):
            read_feed(Document(text, "0" * 64, "utf-8", data=text.encode()))


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_input_is_a_reading_or_an_input_error(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        reading = read_feed(Document(text, "0" * 64, "utf-8", data=data))
    except InputError:
        return
    assert reading.kind is Kind.FEED


def test_a_feed_in_a_declared_single_byte_encoding() -> None:
    text = (
        '<?xml version="1.0" encoding="windows-1251"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Т</title>'
        "<item><title>Депутаты одобрили план</title><link>https://x.example/a</link>"
        '<media:content url="https://x.example/i.jpg"><media:description>Набережная'
        "</media:description><media:credit>Фото: ТАСС</media:credit></media:content>"
        "</item></channel></rss>"
    )
    as_bytes = Document(text, "0" * 64, "cp1251", data=text.encode("cp1251"))
    as_text = Document(text, "0" * 64, "cp1251")
    for doc in (as_bytes, as_text):
        [article] = read_feed(doc).articles
        assert article.title == "Депутаты одобрили план"
        assert [(c.text, c.credit) for c in article.captions] == [("Набережная", "Фото: ТАСС")]


def test_plain_titles_keep_their_angle_brackets_and_html_summaries_lose_their_tags() -> None:
    text = (
        '<rss version="2.0"><channel><item><title>Why x&lt;y matters</title>'
        "<description>A &lt;b&gt;bold&lt;/b&gt; claim &lt;br&gt;on two lines</description>"
        "<link>https://x.example/a</link></item></channel></rss>"
    )
    [article] = read_feed(Document(text, "0" * 64, "utf-8")).articles
    assert article.title == "Why x<y matters"
    assert article.summary == "A bold claim on two lines"
