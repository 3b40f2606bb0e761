"""The benchmark scorers (benchmarks/scoring.py) on tiny hand-made examples, and on the
published aeb figures when the evaluation data is next to the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from scoring import (  # noqa: E402
    Match,
    SnippetCounts,
    author_f1,
    caption_key,
    count_snippets,
    doc_precision,
    doc_recall,
    match_body,
    match_captions,
    match_credits,
    normalise,
    same_day,
    same_minute,
    score_bodies,
    shingles,
    strip_credit_label,
    title_contained,
    title_exact,
    total_snippets,
)

# ---------------------------------------------------------------- aeb: 4-gram shingles


def test_shingles_are_token_4grams() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_a_short_text_is_one_shingle_and_no_text_none() -> None:
    assert shingles("only, three words") == {("only", "three", "words"): 1}
    assert shingles("  ... ") == {}
    assert shingles(None) == {}


def test_identical_bodies_match_exactly() -> None:
    m = match_body("One two three four five.", "One two three four five")
    assert (m.tp, m.fp, m.fn, m.exact) == (1.0, 0.0, 0.0, True)
    assert doc_precision(m) == doc_recall(m) == 1.0


def test_counts_are_normalised_to_sum_to_one() -> None:
    # truth: 2 shingles; prediction adds 1 wrong token -> 1 shared, 1 extra
    m = match_body("a b c d e", "a b c d x")
    assert (m.tp, m.fp, m.fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert not m.exact
    assert doc_precision(m) == pytest.approx(0.5)


def test_repeated_shingles_count_as_a_multiset() -> None:
    m = match_body("a b c d", "a b c d a b c d")
    # prediction: (a b c d) twice plus 3 cross shingles; truth has it once
    assert m.tp == pytest.approx(1 / 5)
    assert m.fp == pytest.approx(4 / 5)


def test_an_empty_prediction_counts_for_recall_only() -> None:
    matches = [match_body("a b c d", ""), match_body("a b c d", "a b c d")]
    score = score_bodies(matches)
    assert score.precision == 1.0  # the empty prediction is not averaged into precision
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 0.5 / 1.5)
    assert score.accuracy == 0.5


def test_f1_is_of_the_averaged_precision_and_recall() -> None:
    matches = [Match(0.5, 0.5, 0.0, False), Match(0.5, 0.0, 0.5, False)]
    score = score_bodies(matches)
    assert (score.precision, score.recall) == (0.75, 0.75)
    assert score.f1 == pytest.approx(0.75)


def test_bootstrap_gives_a_spread_and_is_reproducible() -> None:
    matches = [match_body("a b c d e f", t) for t in ("a b c d e f", "a b c", "x y z w", "")]
    first, again = score_bodies(matches, bootstrap=200), score_bodies(matches, bootstrap=200)
    assert first.f1_std > 0
    assert first == again
    assert score_bodies(matches).f1_std == 0.0


# ------------------------------------------------------- trafilatura: with/without snippets


def test_snippets_are_found_after_squashing_whitespace() -> None:
    counts = count_snippets(
        "Der  Text\nsteht hier. Impressum", ["Der Text steht", "fehlt"], ["Impressum", "Menü"]
    )
    assert counts == SnippetCounts(tp=1, fn=1, fp=1, tn=1)


def test_no_output_finds_nothing() -> None:
    assert count_snippets(None, ["a"], ["b"]) == SnippetCounts(tp=0, fn=1, fp=0, tn=1)


def test_snippet_scores_are_micro_averaged() -> None:
    total = total_snippets([SnippetCounts(3, 1, 1, 3), SnippetCounts(1, 1, 0, 2)])
    assert total == SnippetCounts(4, 2, 1, 5)
    assert total.precision == pytest.approx(4 / 5)
    assert total.recall == pytest.approx(4 / 6)
    assert total.accuracy == pytest.approx(9 / 12)
    assert total.f1 == pytest.approx(8 / 11)


# -------------------------------------------------------------------- fundus: metadata


def test_titles_compare_without_case_quotes_or_spacing() -> None:
    assert normalise("  „Café“ –\u00a0Crème ") == normalise('"cafe" - creme')
    assert title_exact("Kalifat-Rufe: «Sind wir zu sanft?»", 'kalifat-rufe: "sind  wir zu sanft?"')
    assert title_exact(
        "Helikopter\xadlandeplatz: ein Fortschritt\u200b", "Helikopterlandeplatz: ein Fortschritt"
    )
    assert not title_exact("A title", "A title | The Site")
    assert title_contained("A title", "A title | The Site")
    assert not title_contained("A title", None)
    assert not title_exact(None, None)


def test_authors_are_a_set_f1_of_normalised_names() -> None:
    assert author_f1(["Birgit Baumann", "Anna Fink"], ["by Birgit Baumann"]) == pytest.approx(2 / 3)
    assert author_f1(["José Ortega"], ["JOSE ORTEGA"]) == 1.0
    assert author_f1([], []) == 1.0
    assert author_f1([], ["Somebody"]) == 0.0


def test_dates_on_the_same_day_and_minute() -> None:
    expected = "2024-05-03 15:47:42.389000+00:00"
    assert same_day(expected, "2024-05-03")
    assert same_day(expected, "2024-05-03T17:47:00+02:00")
    assert same_day("2024-05-03 23:30:00+00:00", "2024-05-04T01:30:00+02:00")  # same instant
    assert not same_day(expected, "2024-05-04")
    assert not same_day(expected, None)
    assert same_minute(expected, "2024-05-03T17:47:10+02:00") is True
    assert same_minute(expected, "2024-05-03T15:48:00Z") is False
    assert same_minute(expected, "2024-05-03") is None
    assert same_minute("2023-04-28 00:00:00", "2023-04-28T09:00:00Z") is None  # a date alone


def test_captions_match_alone_or_with_their_credit() -> None:
    expected = ["A cat on a mat. Photo by Jane Doe/AFP", "A dog."]
    ours = [("A cat on a mat.", "Photo by Jane Doe/AFP"), ("An advert.", None)]
    counts = match_captions(expected, ours)
    assert (counts.found, counts.expected, counts.right, counts.ours) == (1, 2, 1, 2)
    assert counts.recall == 0.5 and counts.precision == 0.5


def test_caption_credit_labels_are_ignored() -> None:
    expected = ["Harris with classmates. Photo by Handout / AFP via Getty Images"]
    assert match_captions(
        expected, [("Harris with classmates.", "Handout/AFP via Getty Images")]
    ).found
    assert caption_key("Bild: © APA") == "apa"


def test_a_caption_that_is_most_of_the_expected_one_matches() -> None:
    expected = ["The mayor speaks in Paris on Monday"]
    assert match_captions(expected, [("The mayor speaks in Paris on", None)]).found
    assert not match_captions(expected, [("The mayor", None)]).found


def test_credits_compare_without_their_labels() -> None:
    assert strip_credit_label("Bild: © SN/APA") == "sn/apa"
    assert strip_credit_label("Photo by Jane Doe") == "jane doe"
    assert strip_credit_label("Oliver Lane / RegionalHUB") == "oliver lane/regionalhub"
    counts = match_credits(
        ["Bild: SN/APA/KEYSTONE", "SN/APA/KEYSTONE", "VS Tristach"], ["© SN/APA/KEYSTONE"]
    )
    assert (counts.found, counts.expected, counts.right, counts.ours) == (1, 2, 1, 1)


# -------------------------------------------------- the published aeb figures, reproduced


def test_the_aeb_scorer_reproduces_the_published_trafilatura_figures() -> None:
    from eval_sets import SHARED_EVAL, load_aeb, load_aeb_output

    if not (SHARED_EVAL / "aeb" / "output" / "trafilatura.json").exists():
        pytest.skip(f"{SHARED_EVAL / 'aeb'} is absent: the public evaluation data is needed")
    cases = load_aeb()
    stored = load_aeb_output("trafilatura")
    score = score_bodies([match_body(c.body, stored[c.page.id]) for c in cases])
    assert len(cases) == 181
    assert round(score.f1, 3) == 0.958
    assert round(score.precision, 3) == 0.938
    assert round(score.recall, 3) == 0.978
    assert round(score.accuracy, 3) == 0.293
