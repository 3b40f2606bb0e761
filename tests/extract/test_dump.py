"""What a reader of the seed and of other layouts would check by eye."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.errors import NoArticlesError
from newsarchive.extract.dump import split_archive_page
from newsarchive.extract.text import normalize
from newsarchive.model import Article, Document
from tests.conftest import DUMPS, SAMPLE


def read(path: str | object, text: str | None = None) -> list[Article]:
    body = text if text is not None else SAMPLE.read_text(encoding="utf-8")
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return split_archive_page(Document(body, sha, "utf-8", path=str(path)))


@pytest.fixture(scope="module")
def seed() -> list[Article]:
    return read(SAMPLE)


def test_seed_has_its_ten_articles_filed_under_russia(seed: list[Article]) -> None:
    assert len(seed) == 10
    assert all(a.categories == ("Russia",) for a in seed)
    assert all(a.title is None and a.summary for a in seed), "the seed has deks, no headlines"
    assert seed[0].summary is not None and seed[0].summary.startswith("Ukrainian officials demand")
    assert seed[-1].summary == (
        "The move follows talks between Washington, Moscow, and Kiev in Abu Dhabi"
    )


def test_seed_keeps_furniture_out_of_the_body(seed: list[Article]) -> None:
    body = "\n".join(p for a in seed for p in a.paragraphs)
    for furniture in ("READ MORE", "Read more", "©", "Sputnik/", "Moscow, Russia, January"):
        assert furniture not in body
    assert not any(p in ("RT", "Russian Ministry of Defense") for a in seed for p in a.paragraphs)
    assert "\u00a0" not in body


def test_seed_captions_keep_their_credits(seed: list[Article]) -> None:
    snow = next(a for a in seed if a.summary and a.summary.startswith("Snow accumulation"))
    assert [(c.text, c.credit) for c in snow.captions] == [
        ("Moscow, Russia, January 29, 2026.", "© Sputnik/Yuri Kochetkov"),
        ("Moscow, Russia, January 29, 2026.", "© Sputnik/Mikhail Voskresensky"),
        (
            "Snow hill on Miusskaya Square, Moscow, Russia, January 28, 2026.",
            "© Sputnik/Ilya Pitalev",
        ),
        ("Moscow, Russia, January 28, 2026.", "© Sputnik/Ilya Pitalev"),
    ]
    # the line that lost its full stop stays in the body of its own article
    assert any(p.endswith("as cited by TASS") for p in snow.paragraphs)


def test_seed_related_links_and_read_more_boxes(seed: list[Article]) -> None:
    titles = [r.title for a in seed for r in a.related]
    assert len(titles) == 10
    assert "Putin will halt strikes on Kiev – Trump" in titles
    box = next(r for a in seed for r in a.related if r.title.startswith("Trump envoys"))
    assert box.image_caption is not None and box.image_caption.startswith("Jared Kushner (R)")
    assert box.image_credit == "© Getty Images / Tom Nicholson"


def test_seed_paragraphs_in_order_and_spans_point_into_the_source(seed: list[Article]) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    previous_end = 0
    for article in seed:
        src = article.source
        assert previous_end <= src.start < src.end <= len(text)
        assert article.raw == text[src.start : src.end]
        raw = normalize(article.raw)
        positions = [raw.find(p[:40]) for p in article.paragraphs]
        assert positions == sorted(positions) and -1 not in positions
        previous_end = src.end


def test_ids_are_stable_and_distinct(seed: list[Article]) -> None:
    again = read(SAMPLE)
    assert [a.id for a in again] == [a.id for a in seed]
    assert len({a.id for a in seed}) == 10


def test_wire_layout_datelines_bylines_and_end_credits() -> None:
    articles = read(DUMPS / "wire-world.txt", (DUMPS / "wire-world.txt").read_text("utf-8"))
    uk = articles[0]
    assert uk.title == "UK inflation falls to lowest level in three years"
    assert uk.authors == ("Anna Lee", "Mark Chen")
    assert uk.published == "2026-02-18T09:12:00+00:00"
    assert uk.dateline == "LONDON (Reuters)"
    assert not any("Reporting by" in p or "REUTERS/" in p for p in uk.paragraphs)
    assert uk.captions[0].credit == "REUTERS/Toby Melville"


def test_teasers_split_on_timestamps_and_drop_read_more() -> None:
    path = DUMPS / "business-teasers.txt"
    articles = read(path, path.read_text("utf-8"))
    assert [a.published for a in articles] == [
        "2026-02-04T12:45:00",
        "2026-02-04T09:10:00",
        "2026-02-03T17:30:00",
    ]
    assert all(a.categories == ("Business",) for a in articles)
    assert not any("Read more" in p or "Page 1" in p for a in articles for p in a.paragraphs)


def test_hard_wrapped_paragraphs_are_joined() -> None:
    path = DUMPS / "science-longform.txt"
    articles = read(path, path.read_text("utf-8"))
    assert articles[0].summary == (
        "Scientists say protected areas bounced back within four years, raising hopes "
        "for reefs elsewhere"
    )
    assert articles[0].paragraphs[0].endswith("according to a study published on Monday.")
    assert articles[0].authors == ("Priya Natarajan",)
    assert articles[1].captions[0].credit == "ESA/Hubble"


def test_headers_name_the_category() -> None:
    for header, expected in [
        ("Category Archives: Politics", "Politics"),
        ("Archive for World", "World"),
        ("Business news", "Business"),
        ("Tag Archives: climate", "climate"),
    ]:
        text = f"{header}\n\nA council voted on Tuesday to approve the budget for next year.\n"
        assert read("x", text)[0].categories == (expected,)


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "id,value\n1,2\n3,4\n", "Older posts\n\nPage 1 of 3\n", "\x00\x01\x02"],
)
def test_no_article_raises_our_error(text: str) -> None:
    with pytest.raises(NoArticlesError, match="no article found"):
        read("empty.txt", text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "Bb",
                " ",
                ".",
                "\n",
                "\n\n",
                "©",
                ":",
                "“",
                "”",
                "-",
                "|",
                "\u00a0",
                "Read more",
                "By Ann Lee",
                "Posted on May 2, 2026",
                "Category Archive : X",
                "He said the talks would go on for several more weeks.",
                "Photo: ",
            ]
        )
    ).map("".join)
)
def test_any_text_parses_or_raises_our_error(text: str) -> None:
    try:
        articles = read("fuzz.txt", text)
    except NoArticlesError:
        return
    for article in articles:
        assert 0 <= article.source.start < article.source.end <= len(text)
        assert article.raw == text[article.source.start : article.source.end]
        assert all(p == p.strip() and not re.search(r"\s{2}", p) for p in article.paragraphs)


def test_repeated_headlines_are_distinct_articles_and_a_caption_may_open_the_body() -> None:
    path = DUMPS / "briefings-repeated.txt"
    articles = read(path, path.read_text("utf-8"))
    assert [a.title for a in articles] == [
        "Morning briefing",
        "Morning briefing",
        "Flood defences fail in three valley towns",
    ]
    assert len({a.id for a in articles}) == 3
    flood = articles[2]
    assert flood.captions[0].credit == "Reuters/John Smith"
    assert flood.paragraphs[0].startswith("Heavy rain pushed the river")
    assert read(path, path.read_text("utf-8"))[1].id == articles[1].id  # still stable


def test_dated_articles_with_one_headline_on_different_days_differ() -> None:
    page = (
        "Category Archives: Briefings\n\nMorning briefing\nPosted on March 4, 2025 by Ann Lee\n\n"
        "Markets opened higher on Tuesday after a quiet night in Asia, with banks leading.\n\n"
        "Morning briefing\nPosted on March 3, 2025 by Ann Lee\n\n"
        "Parliament returns from recess today with a crowded agenda on housing bills.\n"
    )
    first, second = read("briefings.txt", page)
    assert (first.published, second.published) == ("2025-03-04", "2025-03-03")
    assert first.id != second.id
