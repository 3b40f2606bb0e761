"""The pipeline enrichment runs tags, parses and finds entities exactly as the model's own
pipeline does: its lighter attribute ruler changes only what nothing here reads."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from newsarchive.enrich.nlp import EXCLUDED, MODEL, PARAGRAPH_BREAKS, load_pipeline

SEED = Path(__file__).resolve().parents[2] / "src/newsarchive/data/category-archive-russia.txt"
TEXTS = [
    SEED.read_text(encoding="utf-8"),
    "“We’re not going anywhere,” she said. Isn't it? The U.S.-based firm's CEO, Mr. O'Neil, "
    "told reporters at 3:30 p.m. that 1,200 jobs would go — 'gonna' be hard.\n\nY'all ain't "
    "seen nothin' yet, the spokesman added; prices rose 4.5% to $1.2bn in Q3.",
]


def _full_ruler() -> Language:
    nlp = spacy.load(MODEL, exclude=list(EXCLUDED))
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


def test_the_lighter_pipeline_reads_text_as_the_models_own() -> None:
    ours, theirs = load_pipeline(), _full_ruler()
    assert "attribute_ruler" in theirs.pipe_names
    assert len(ours.get_pipe("attribute_ruler").patterns) < len(  # type: ignore[attr-defined]
        theirs.get_pipe("attribute_ruler").patterns  # type: ignore[attr-defined]
    )
    for text in TEXTS:
        a, b = ours(text), theirs(text)
        assert [(t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.is_sent_start) for t in a] == [
            (t.text, t.tag_, t.pos_, t.dep_, t.head.i, t.is_sent_start) for t in b
        ]
        assert [(e.start, e.end, e.label_) for e in a.ents] == [
            (e.start, e.end, e.label_) for e in b.ents
        ]
