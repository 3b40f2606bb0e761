"""Entity quality on ECB+ (test split): our people, organisations and places against the
raw spaCy NER of the same model, run in this one process on the same parsed documents.

Gold: the HUMAN_PART_PER (people), HUMAN_PART_ORG (organisations) and LOC_* (places)
mentions of ``../shared/eval/ecbplus/ECB+_xml.tar.gz``, topics 36-45, in the sentences
ECB+ annotated (``ECBplus_coreference_sentences.csv``; the URL line of ecbplus documents is
left out). ECB+ marks every mention of an event's participants, pronouns and descriptions
too; only *named* mentions are kept: those with a capitalised word other than a pronoun or a
determiner ("Warren Jeffs", "the FBI", not "he" or "the actress").

ECB+ marks only the participants of its events, so a correct name it did not mark counts as
a false positive for every system alike: compare precision between systems, not with other
benchmarks. A prediction matches a gold mention of the same class when they overlap (each
gold mention matched once); "exact" needs the same first and last character.

    python benchmarks/bench_entities.py [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_sets import require
from newsarchive.enrich.entities import find_entities
from newsarchive.enrich.nlp import load_pipeline, parse

TEST_TOPICS = range(36, 46)
CLASSES = ("PERSON", "ORG", "PLACE")
_GOLD_CLASS = {"HUMAN_PART_PER": "PERSON", "HUMAN_PART_ORG": "ORG"}
_MODEL_CLASS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
_NOT_NAMES = {"he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our",
              "the", "a", "an", "this", "that", "these", "those", "him", "them"}  # fmt: skip
_MENTION = re.compile(r"<(HUMAN_PART_PER|HUMAN_PART_ORG|LOC_\w+) m_id=\"(\d+)\"[^>]*>(.*?)</\1>",
                      re.S)  # fmt: skip
_TOKEN = re.compile(r'<token t_id="(\d+)" sentence="(\d+)" number="\d+">(.*?)</token>', re.S)

Span = tuple[int, int, str]  # start, end, class


@dataclass(frozen=True, slots=True)
class GoldDoc:
    name: str
    text: str  # the annotated sentences, one a line
    gold: tuple[Span, ...]


def load_test_docs(limit: int | None = None) -> list[GoldDoc]:
    folder = require("ecbplus")
    annotated = _annotated_sentences(folder / "ECBplus_coreference_sentences.csv")
    docs = []
    with tarfile.open(folder / "ECB+_xml.tar.gz") as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            topic = member.name.split("/")[-2] if member.name.count("/") >= 2 else ""
            if not member.isfile() or not topic.isdigit() or int(topic) not in TEST_TOPICS:
                continue
            name = Path(member.name).name.removesuffix(".xml")
            data = archive.extractfile(member)
            if data is None or name not in annotated:
                continue
            docs.append(_gold_doc(name, data.read().decode("utf-8"), annotated[name]))
            if limit and len(docs) >= limit:
                break
    return docs


def _annotated_sentences(path: Path) -> dict[str, set[int]]:
    sentences: dict[str, set[int]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = f"{row['Topic']}_{row['File']}"
            sentences.setdefault(name, set()).add(int(row["Sentence Number"]))
    return sentences


def _gold_doc(name: str, xml: str, keep: set[int]) -> GoldDoc:
    """The kept sentences as text (tokens joined by spaces), and the gold spans in it."""
    keep = {s for s in keep if not (name.endswith("ecbplus") and s == 0)}
    offsets: dict[str, tuple[int, int]] = {}
    lines: list[str] = []
    position, current, line = 0, None, []
    words: dict[str, str] = {}
    for t_id, sentence, token in _TOKEN.findall(xml):
        words[t_id] = token
        if int(sentence) not in keep:
            continue
        if current is not None and sentence != current:
            lines.append(" ".join(line))
            position += 1  # the newline
            line = []
        if line:
            position += 1  # the space
        current = sentence
        offsets[t_id] = (position, position + len(token))
        position += len(token)
        line.append(token)
    if line:
        lines.append(" ".join(line))
    gold = []
    for kind, _, body in _MENTION.findall(xml):
        anchors = [a for a in re.findall(r'<token_anchor t_id="(\d+)"', body) if a in offsets]
        if not anchors or not _is_named([words[a] for a in anchors]):
            continue
        label = _GOLD_CLASS.get(kind, "PLACE")
        gold.append((offsets[anchors[0]][0], offsets[anchors[-1]][1], label))
    return GoldDoc(name, "\n".join(lines), tuple(sorted(set(gold))))


def _is_named(words: list[str]) -> bool:
    return any(w[:1].isupper() and w.casefold() not in _NOT_NAMES for w in words)


# -- systems ---------------------------------------------------------------------------------


def ours(doc: object) -> Iterator[Span]:
    for entity in find_entities(doc):  # type: ignore[arg-type]
        label = "PLACE" if entity.label in ("GPE", "LOC") else entity.label
        for start, end in entity.mentions:
            yield start, end, label


def spacy_ner(doc: object) -> Iterator[Span]:
    for ent in doc.ents:  # type: ignore[attr-defined]
        if ent.label_ in _MODEL_CLASS:
            yield ent.start_char, ent.end_char, _MODEL_CLASS[ent.label_]


# -- scoring ---------------------------------------------------------------------------------


def score(gold: tuple[Span, ...], predicted: list[Span], counts: Counter[str]) -> None:
    for label in CLASSES:
        gold_spans = [g for g in gold if g[2] == label]
        pred_spans = sorted(set(p for p in predicted if p[2] == label))
        counts[f"{label} gold"] += len(gold_spans)
        counts[f"{label} predicted"] += len(pred_spans)
        unmatched = list(gold_spans)
        for start, end, _ in pred_spans:
            hit = next((g for g in unmatched if g[0] < end and start < g[1]), None)
            if hit is not None:
                unmatched.remove(hit)
                counts[f"{label} overlap"] += 1
                counts[f"{label} exact"] += hit[0] == start and hit[1] == end


def report(name: str, counts: Counter[str]) -> None:
    print(f"\n{name}")
    print(f"  {'class':8} {'gold':>5} {'pred':>5}  {'P':>5} {'R':>5} {'F1':>5}   exact F1")
    totals: Counter[str] = Counter()
    for label in [*CLASSES, "all"]:
        if label == "all":
            row = totals
            key = ""
        else:
            row, key = counts, f"{label} "
            for part in ("gold", "predicted", "overlap", "exact"):
                totals[part] += counts[f"{label} {part}"]
        gold, pred = row[f"{key}gold"], row[f"{key}predicted"]
        f1 = _f1(row[f"{key}overlap"], gold, pred)
        exact = _f1(row[f"{key}exact"], gold, pred)
        print(
            f"  {label:8} {gold:5d} {pred:5d}  {f1[0]:.3f} {f1[1]:.3f} {f1[2]:.3f}   {exact[2]:.3f}"
        )


def _f1(hits: int, gold: int, predicted: int) -> tuple[float, float, float]:
    p = hits / predicted if predicted else 0.0
    r = hits / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    args = parser.parse_args()
    docs = load_test_docs(args.limit)
    nlp = load_pipeline()
    counts = {"ours (find_entities)": Counter[str](), "spaCy NER (same model)": Counter[str]()}
    seconds = Counter[str]()
    for gold_doc, doc in zip(docs, parse(nlp, (d.text for d in docs)), strict=True):
        for name, system in (("ours (find_entities)", ours), ("spaCy NER (same model)", spacy_ner)):
            started = time.process_time()
            predicted = list(system(doc))
            seconds[name] += time.process_time() - started
            score(gold_doc.gold, predicted, counts[name])
    print(f"ECB+ test split: {len(docs)} documents, {sum(len(d.gold) for d in docs)} named gold "
          "mentions (overlap P/R/F1; exact F1)")  # fmt: skip
    for name, row in counts.items():
        report(f"{name}  [{seconds[name]:.1f} CPU s after parsing]", row)


if __name__ == "__main__":
    main()
