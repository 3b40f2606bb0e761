"""Quality floors for our article reader on the public evaluation sets in ../shared/eval.

Each floor sits a little under what ``benchmarks/bench_extract.py`` measured (see
docs/benchmarks.md, "Extraction quality"), so a regression fails here while noise does not.
The scorers are the benchmarks' own (``benchmarks/scoring.py``). Reading the three sets
takes about a minute; the tests skip when the data is absent.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from bench_extract import Extracted, ours_body, ours_fields, score_fundus
from eval_sets import SHARED_EVAL, Page, load_aeb, load_fundus, load_trafilatura
from scoring import count_snippets, match_body, score_bodies, total_snippets

T = TypeVar("T")

# measured on 2026-11-26 (aeb 0.964, snippets 0.927; fundus title 0.810, authors 0.873,
# day 0.981, captions 0.844, credits 0.624, body 0.952) minus a margin
AEB_F1 = 0.955
SNIPPETS_F1 = 0.915
FUNDUS = {
    "title_exact": 0.78,
    "authors": 0.84,
    "day": 0.95,
    "captions_recall": 0.81,
    "credits_recall": 0.59,
    "body": 0.935,
}


def _need(name: str) -> None:
    if not (SHARED_EVAL / name).is_dir():
        pytest.skip(f"{SHARED_EVAL / name} is absent: the public evaluation data is needed")


def _read_all(pages: Sequence[Any], read: Callable[[Page], T], empty: T) -> list[T]:
    """Our output per page; a page we fail on is an empty output, as in the benchmark."""
    outputs: list[T] = []
    for page in pages:
        try:
            outputs.append(read(page))
        except Exception:
            outputs.append(empty)
    return outputs


def test_aeb_body_f1() -> None:
    _need("aeb")
    cases = load_aeb()
    outputs = _read_all([c.page for c in cases], ours_body, "")
    score = score_bodies([match_body(c.body, o) for c, o in zip(cases, outputs, strict=True)])
    assert score.f1 >= AEB_F1, f"aeb body F1 {score.f1:.3f} fell under {AEB_F1}"


def test_trafilatura_set_f1() -> None:
    _need("trafilatura")
    cases = load_trafilatura()
    outputs = _read_all([c.page for c in cases], ours_body, "")
    counts = total_snippets(
        count_snippets(o, c.with_, c.without) for c, o in zip(cases, outputs, strict=True)
    )
    assert counts.f1 >= SNIPPETS_F1, f"snippet F1 {counts.f1:.3f} fell under {SNIPPETS_F1}"


def test_fundus_fields() -> None:
    _need("fundus")
    cases = load_fundus()
    scores = score_fundus(cases, _read_all([c.page for c in cases], ours_fields, Extracted()))
    measured = {
        "title_exact": scores.title_exact,
        "authors": scores.authors,
        "day": scores.day,
        "captions_recall": scores.captions.recall,
        "credits_recall": scores.credits.recall,
        "body": scores.body,
    }
    low = {k: f"{v:.3f} < {FUNDUS[k]}" for k, v in measured.items() if v < FUNDUS[k]}
    assert not low, f"fundus fields under their floors: {low}"
