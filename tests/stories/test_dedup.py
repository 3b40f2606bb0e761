"""Near-duplicates as a reader of the archive notices them: copies are linked to the first
article, edited copies too, and different articles (even on the same event) are not."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from newsarchive.errors import StoreError
from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file
from newsarchive.model import Article
from newsarchive.stories.dedup import DuplicateIndex, duplicate_text
from newsarchive.stories.shingles import normalise_words

SAMPLE = Path(__file__).resolve().parents[2] / "src/newsarchive/data/category-archive-russia.txt"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """The bundled sample: ten articles, four of them on the same Abu Dhabi talks."""
    return split_archive_page(read_text_file(SAMPLE))


def _filled(articles: list[Article]) -> DuplicateIndex:
    index = DuplicateIndex()
    for article in articles:
        assert index.add(article.id, duplicate_text(article)) is None
    return index


def _edited(article: Article, paragraph: int, sentence: str) -> str:
    """The article with one paragraph's first sentence replaced and a date line on top."""
    paragraphs = list(article.paragraphs)
    _, _, rest = paragraphs[paragraph].partition(". ")
    paragraphs[paragraph] = f"{sentence} {rest}"
    edited = replace(article, paragraphs=("Updated 12 February 2026, 14:05 GMT", *paragraphs))
    return duplicate_text(edited)


def test_different_articles_on_the_same_event_are_not_duplicates(articles: list[Article]) -> None:
    same_event = [a for a in articles if "Abu Dhabi" in duplicate_text(a)]
    assert len(same_event) >= 4  # the sample returns to the trilateral talks four times
    assert len(_filled(articles)) == len(articles)


def test_an_exact_copy_points_to_its_original(articles: list[Article]) -> None:
    index = _filled(articles)
    assert index.add("copy", duplicate_text(articles[3])) == articles[3].id


def test_a_copy_differing_in_case_punctuation_and_spacing_is_found(articles: list[Article]) -> None:
    index = _filled(articles)
    text = duplicate_text(articles[5])
    retyped = " ".join(text.upper().replace(",", " ,").replace("’", "'").split())
    assert index.add("retyped", retyped) == articles[5].id


def test_a_lightly_edited_copy_is_found(articles: list[Article]) -> None:
    index = _filled(articles)
    edited = _edited(articles[4], 2, "The statement was read out by a spokesman in New York.")
    assert index.add("edited", edited) == articles[4].id


def test_the_original_is_the_earliest_article(articles: list[Article]) -> None:
    index = _filled(articles)
    text = duplicate_text(articles[0])
    assert index.add("second copy", text) == articles[0].id
    assert index.add("third copy", text) == articles[0].id


def test_a_copy_of_a_copy_points_to_the_first_original(articles: list[Article]) -> None:
    original = articles[4]
    paragraphs = list(original.paragraphs)
    index = DuplicateIndex()
    assert index.add("first", duplicate_text(original)) is None
    for step in range(1, 5):  # each version rewrites one more paragraph of the one before
        paragraphs[step] = f"Version {step} rewrote this paragraph entirely, word by word."
        version = duplicate_text(replace(original, paragraphs=tuple(paragraphs)))
        assert index.add(f"v{step}", version) == "first"
    # the last version is no longer close to the first on its own: the chain links it
    alone = DuplicateIndex()
    alone.add("first", duplicate_text(original))
    assert alone.add("last", version) is None


def test_answers_survive_a_round_trip_through_bytes(articles: list[Article]) -> None:
    index = _filled(articles[:6])
    index.add("copy", duplicate_text(articles[2]))
    index.add("", "")
    loaded = DuplicateIndex.from_bytes(index.to_bytes())
    assert len(loaded) == len(index) == 8
    assert loaded.to_bytes() == index.to_bytes()
    for article in articles[6:]:
        assert loaded.add(article.id, duplicate_text(article)) is None
    assert loaded.add("copy 2", duplicate_text(articles[2])) == articles[2].id
    assert loaded.add("copy", "anything") == articles[2].id  # known id: its first answer


def test_re_adding_an_article_keeps_its_answer(articles: list[Article]) -> None:
    index = _filled(articles)
    index.add("copy", duplicate_text(articles[1]))
    for article in articles:
        assert index.add(article.id, duplicate_text(article)) is None
    assert index.add("copy", duplicate_text(articles[1])) == articles[1].id
    assert len(index) == len(articles) + 1


def test_empty_and_short_texts_are_never_duplicates() -> None:
    index = DuplicateIndex()
    texts = ["", "   ", "!!! ...", "Breaking", "Live updates", "Live updates", "", "a b c d e"]
    answers = [index.add(f"short {i}", text) for i, text in enumerate(texts)]
    assert answers == [None] * len(texts)
    assert len(index) == len(texts)
    assert DuplicateIndex.from_bytes(index.to_bytes()).add("again", "") is None


def test_state_that_is_not_ours_is_refused() -> None:
    with pytest.raises(StoreError, match="run dedup again"):
        DuplicateIndex.from_bytes(b"not an index")
    data = DuplicateIndex().to_bytes()
    assert len(DuplicateIndex.from_bytes(data)) == 0
    index = DuplicateIndex()
    index.add("a", "one two three four five six seven eight nine ten")
    with pytest.raises(StoreError, match="truncated"):
        DuplicateIndex.from_bytes(index.to_bytes()[:-3])


def test_bbc_exact_duplicate_pairs_are_all_found(shared_dir: Path) -> None:
    root = shared_dir / "eval" / "bbc-fulltext" / "bbc"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    index = DuplicateIndex()
    by_content: dict[str, list[str]] = {}
    words: dict[str, set[str]] = {}
    found = set()
    for path in sorted(root.glob("*/*.txt")):
        name = str(path.relative_to(root))
        text = path.read_bytes().decode("utf-8", errors="replace")
        by_content.setdefault(hashlib.sha256(text.encode()).hexdigest(), []).append(name)
        tokens = normalise_words(text)
        words[name] = {" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2)}
        original = index.add(name, text)
        if original is not None:
            found.add((original, name))
    exact = {(g[0], g[1]) for g in by_content.values() if len(g) == 2}
    assert len(exact) == 98
    assert exact <= found
    # every other pair found is a near-duplicate too (the set has re-published versions)
    for first, second in found - exact:
        a, b = words[first], words[second]
        assert len(a & b) / len(a | b) >= 0.7, (first, second)


def test_many_copies_all_point_to_the_original_also_after_a_round_trip(
    articles: list[Article],
) -> None:
    index = _filled(articles)
    text = duplicate_text(articles[7])
    assert all(index.add(f"copy {i}", text) == articles[7].id for i in range(1500))
    edited = _edited(articles[4], 3, "Officials in Geneva gave no further details on Tuesday.")
    loaded = DuplicateIndex.from_bytes(index.to_bytes())
    for each in (index, loaded):
        assert each.add("one more", text) == articles[7].id
        assert each.add("edited", edited) == articles[4].id
