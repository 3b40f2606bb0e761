"""Quotes marked in paragraphs: whatever the offsets (overlapping, nested, across
paragraphs, past the end), the runs give back each paragraph exactly."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsarchive.model import Article, Quote, SourceRef, enrichment_text
from newsarchive.web.quoting import QuoteView, Run, paragraph_runs, summary_runs

SOURCE = SourceRef("0" * 64, 0, 0, path="x.txt")


def article(paragraphs: tuple[str, ...], title: str | None = "Title") -> Article:
    return Article("0" * 16, title, None, paragraphs, SOURCE)


def views(*spans: tuple[int, int]) -> tuple[QuoteView, ...]:
    return tuple(
        QuoteView(n, Quote("X", "", "said", True, start, end), None)
        for n, (start, end) in enumerate(spans, start=1)
    )


@given(
    paragraphs=st.lists(st.text(max_size=30), min_size=1, max_size=4).map(tuple),
    spans=st.lists(st.tuples(st.integers(-5, 150), st.integers(-5, 150)), max_size=6),
)
def test_runs_give_back_every_paragraph(
    paragraphs: tuple[str, ...], spans: list[tuple[int, int]]
) -> None:
    runs = paragraph_runs(article(paragraphs), views(*spans))
    assert ["".join(r.text for r in rs) for rs in runs] == list(paragraphs)


def test_a_quote_across_two_paragraphs_shows_its_speaker_after_the_second() -> None:
    item = article(("He said: “We will", "win the war,” he added."))
    text = enrichment_text(item)
    start, end = text.index("We will"), text.index("war") + 3
    first, second = paragraph_runs(item, views((start, end)))
    assert [(r.text, r.quote is not None, r.last) for r in first] == [
        ("He said: “", False, False), ("We will", True, False)
    ]  # fmt: skip
    assert [(r.text, r.quote is not None, r.last) for r in second] == [
        ("win the war", True, True), (",” he added.", False, False)
    ]  # fmt: skip


def test_a_quote_inside_another_is_marked_once() -> None:
    item = article(("Peskov said the pause would “create favorable conditions” for talks.",))
    text = enrichment_text(item)
    outer = (text.index("the pause"), text.index(" for talks"))
    inner = (text.index("create"), text.index("conditions") + len("conditions"))
    (runs,) = paragraph_runs(item, views(outer, inner))
    marked = [r.text for r in runs if r.quote is not None]
    assert marked == ["the pause would “create favorable conditions”"]


def test_a_quote_in_the_summary_is_marked_there_only() -> None:
    item = Article("0" * 16, "Title", "Trump said he had secured a pause", ("Body text.",), SOURCE)
    text = enrichment_text(item)
    quotes = views((text.index("he had"), text.index("pause") + len("pause")))
    assert [(r.text, r.quote is not None, r.last) for r in summary_runs(item, quotes)] == [
        ("Trump said ", False, False), ("he had secured a pause", True, True)
    ]  # fmt: skip
    assert paragraph_runs(item, quotes) == [[Run("Body text.")]]
