"""The attribution scorer (benchmarks/polnear.py) on tiny hand-made brat examples, and a
quality floor for our enricher on a slice of the PolNeAR dev split when ../shared is there."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from polnear import (  # noqa: E402
    POLNEAR,
    Attribution,
    Counts,
    Tokens,
    exact,
    is_direct,
    load_split,
    overlap,
    parse_ann,
    quoted_mask,
    score_document,
    tokenize,
)

TEXT = (
    "Peskov told journalists that the talks had stalled.\n\n"
    "\u201cWe are ready,\u201d he said, \u201cbut not at any price.\u201d\n\n"
    "The ministry denied it."
)


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def brat(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def t(tid: str, role: str, *spans: tuple[int, int]) -> str:
    where = ";".join(f"{s} {e}" for s, e in spans)
    return f"{tid}\t{role} {where}\t" + " ".join(TEXT[s:e] for s, e in spans)


INDIRECT = Attribution(
    content=(at("that the talks had stalled"),),
    cue=(at("told"),),
    source=(at("Peskov"),),
)
DIRECT = Attribution(  # a direct quote split around its cue: a discontinuous content span
    content=(at("\u201cWe are ready,\u201d"), at("\u201cbut not at any price.\u201d")),
    cue=(at("said"),),
    source=(at("he"),),
)
GOLD_ANN = brat(
    t("T1", "Source", *INDIRECT.source),
    t("T2", "Cue", *INDIRECT.cue),
    t("T3", "Content", *INDIRECT.content),
    t("T4", "Attribution", *INDIRECT.cue),
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
    t("T5", "Content", *DIRECT.content),
    t("T6", "Cue", *DIRECT.cue),
    t("T7", "Source", *DIRECT.source),
    t("T8", "Attribution", *DIRECT.cue),
    "E2\tAttribution:T8 Cue:T6 Source:T7 Content:T5",
    t("T9", "Cue", at("denied")),
    t("T10", "Attribution", at("denied")),
    "E3\tAttribution:T10 Cue:T9",  # no content: not an attribution to score
)
TOKENS = Tokens.simple(TEXT)


def score(predicted: list[Attribution], gold: list[Attribution] | None = None) -> Counts:
    gold = [INDIRECT, DIRECT] if gold is None else gold
    return score_document(tokenize(predicted, TOKENS), tokenize(gold, TOKENS))


# ------------------------------------------------------------------------------ loading


def test_brat_events_link_content_cue_and_source_spans() -> None:
    assert parse_ann(GOLD_ANN) == (INDIRECT, DIRECT)


def test_one_annotator_per_article_the_first_in_sorted_order(tmp_path: Path) -> None:
    dev = tmp_path / "data" / "dev"
    (dev / "text").mkdir(parents=True)
    (dev / "attributions").mkdir()
    (dev / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (dev / "text" / "b.txt").write_text("No annotation.", encoding="utf-8")
    (dev / "attributions" / "a_ef2d.ann").write_text(GOLD_ANN, encoding="utf-8")
    (dev / "attributions" / "a_4e07.ann").write_text(brat(), encoding="utf-8")
    docs = load_split("dev", tmp_path)
    assert [(d.name, d.annotator, len(d.attributions)) for d in docs] == [("a", "4e07", 0)]


def test_spans_become_the_tokens_they_touch_whitespace_left_out() -> None:
    tokens = Tokens.simple("He said: no way.")
    assert tokens.of(((0, 2),)) == {0}
    assert tokens.of(((1, 5),)) == {0, 1}  # a partly covered token counts
    assert tokens.of(((2, 3),)) == frozenset()  # a space alone is no token
    assert tokens.of(((0, 2), (9, 11))) == {0, 3}  # discontinuous


# ------------------------------------------------------------------------------ metrics


def test_a_perfect_system_scores_one_everywhere() -> None:
    counts = score([INDIRECT, DIRECT])
    for metric in ("cue", "source", "content", "quote", "pair"):
        assert exact(counts, metric).f1 == 1.0
        assert overlap(counts, metric).f1 == 1.0


def test_no_predictions_scores_zero_without_dividing_by_zero() -> None:
    counts = score([])
    assert exact(counts, "pair").f1 == overlap(counts, "quote").f1 == 0.0
    assert exact(score([], gold=[]), "cue").f1 == 0.0


def test_the_wrong_speaker_costs_the_source_and_pair_but_not_the_content() -> None:
    wrong = Attribution(INDIRECT.content, INDIRECT.cue, (at("journalists"),))
    counts = score([wrong, DIRECT])
    assert exact(counts, "content").f1 == 1.0
    assert exact(counts, "source").precision == 0.5
    assert exact(counts, "pair").precision == 0.5
    assert exact(counts, "quote").recall == 0.5
    content = len(TOKENS.of(INDIRECT.content)) + len(TOKENS.of(DIRECT.content))
    # pair overlap: all content tokens and "he" shared; "journalists" predicted, "Peskov" missed
    assert overlap(counts, "pair").precision == pytest.approx((content + 1) / (content + 2))
    assert overlap(counts, "pair").recall == pytest.approx((content + 1) / (content + 2))


def test_exact_needs_identical_tokens_overlap_gives_partial_credit() -> None:
    short = Attribution((at("the talks had stalled"),), INDIRECT.cue, INDIRECT.source)
    counts = score([short], gold=[INDIRECT])
    assert exact(counts, "content").f1 == 0.0
    assert exact(counts, "cue").f1 == 1.0  # cue and source exact whatever the content
    assert exact(counts, "source").f1 == 1.0
    assert overlap(counts, "content").precision == 1.0
    assert overlap(counts, "content").recall == pytest.approx(4 / 5)  # "that" missed


def test_a_pair_earns_nothing_for_a_right_speaker_on_the_wrong_quote() -> None:
    misplaced = Attribution((at("The ministry denied it."),), (), INDIRECT.source)
    counts = score([misplaced], gold=[INDIRECT])
    assert overlap(counts, "source").f1 == 1.0  # Citron's per-role overlap ignores the link
    assert overlap(counts, "pair").f1 == 0.0
    assert exact(counts, "pair").f1 == 0.0


def test_a_source_shared_by_two_quotes_counts_once() -> None:
    # "he said X, but Y": two gold quotes with one source span; we find one of them
    first = Attribution((DIRECT.content[0],), DIRECT.cue, DIRECT.source)
    second = Attribution((DIRECT.content[1],), DIRECT.cue, DIRECT.source)
    counts = score([first, second], gold=[first, second])
    assert overlap(counts, "source").f1 == 1.0  # not 2.0
    counts = score([first], gold=[first, second])
    assert overlap(counts, "source").precision == 1.0
    assert overlap(counts, "source").recall == 1.0  # the one "he" was found, for both
    assert overlap(counts, "pair").recall < 1.0  # the second content was not


def test_a_split_direct_quote_must_be_found_whole_for_an_exact_match() -> None:
    half = Attribution((DIRECT.content[0],), DIRECT.cue, DIRECT.source)
    counts = score([half], gold=[DIRECT])
    assert exact(counts, "content").f1 == 0.0
    assert exact(counts, "source").f1 == 1.0
    assert 0.0 < overlap(counts, "content").recall < 1.0
    assert overlap(counts, "content").precision == 1.0


def test_the_subset_scores_precision_and_recall_on_their_own_sides() -> None:
    # a prediction of the indirect quote is no false alarm in the direct subset's precision
    precision_side = score([DIRECT], gold=[INDIRECT, DIRECT])
    recall_side = score([INDIRECT, DIRECT], gold=[DIRECT])
    assert exact(precision_side, "pair", recall_side).f1 == 1.0
    assert overlap(precision_side, "pair", recall_side).f1 == 1.0


# ------------------------------------------------------------------------ direct quotes


def test_content_inside_quotation_marks_is_direct() -> None:
    mask = quoted_mask(TEXT)
    assert is_direct(DIRECT.content, TEXT, mask)
    assert not is_direct(INDIRECT.content, TEXT, mask)


def test_a_mixed_quote_is_not_direct_and_straight_marks_pair_up() -> None:
    text = 'She said the plan was "a disaster" for the town. "Never again," he said.'
    mask = quoted_mask(text)
    mixed = (text.index("the plan"), text.index(" for the town") + len(" for the town"))
    assert not is_direct((mixed,), text, mask)
    assert is_direct(((text.index('"Never'), text.index(" he said")),), text, mask)
    assert not is_direct(((text.index("he said"), len(text)),), text, mask)


def test_a_quote_that_never_closes_runs_to_the_end_of_its_paragraph() -> None:
    text = "\u201cWe will not stop, he said.\n\nNext paragraph."
    mask = quoted_mask(text)
    assert is_direct(((0, text.index("\n")),), text, mask)
    assert not is_direct(((text.index("Next"), len(text)),), text, mask)


# ------------------------------------------------------------------- our quality floor

SLICE = 20  # the first dev articles in sorted order
FLOOR_PAIR_OVERLAP = 0.75  # (content, source) overlap F1, all attributions (measured 0.795)
FLOOR_DIRECT_PAIR_OVERLAP = 0.85  # the same on direct quotations (measured 0.904)


@pytest.fixture(scope="module")
def polnear_scores() -> Any:
    if not (POLNEAR / "data" / "dev").is_dir():
        pytest.skip(f"PolNeAR is not at {POLNEAR} (../shared/eval/polnear)")
    try:
        from newsarchive.enrich.enricher import Enricher  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"the enricher is not importable yet: {exc}")
    import bench_quotes

    items = load_split("dev", POLNEAR, SLICE)
    nlp = bench_quotes.load_nlp()
    docs = list(nlp.pipe(item.text for item in items))
    cases = [bench_quotes.make_case(i, d) for i, d in zip(items, docs, strict=True)]
    run = bench_quotes.run_ours(items, nlp)
    assert run is not None
    return bench_quotes.score_run(cases, run)


def test_our_attribution_quality_stays_above_the_measured_floor(polnear_scores: Any) -> None:
    assert polnear_scores.prf("overlap", "pair").f1 >= FLOOR_PAIR_OVERLAP
    assert polnear_scores.prf("overlap", "pair", direct=True).f1 >= FLOOR_DIRECT_PAIR_OVERLAP
