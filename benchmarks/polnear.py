"""PolNeAR attributions (brat standoff) and Citron's attribution metrics, as pure functions.

Loading: ``../shared/eval/polnear/data/dev`` holds ``text/<article>.txt`` and
``attributions/<article>_<annotator>.ann``. Some articles have several annotators; we score
against one .ann per article, the first in sorted order (the lowest annotator id), so every
article counts once.

Spans are compared on tokens, as Citron does (bbc/citron ``citron/metrics.py``, described in
``scripts/evaluate/README.md``): each character span (discontinuous brat spans included) becomes
the set of non-whitespace tokens it touches, in one tokenisation shared by gold and every
system. For each role (cue, source, content):

- exact match: a predicted quote is a true positive when some gold quote has the same cue
  (cue metric), or an overlapping cue and the same source (source metric), or an overlapping
  cue and the same content (content metric); a gold quote with no such predicted quote is a
  false negative. "Whole quote" exact needs cue, source and content all equal.
- overlap: precision = the predicted tokens of a role that lie in gold spans of that role /
  all predicted tokens of the role; recall = the gold tokens of the role that lie in
  predicted spans / all gold tokens of the role; summed over quotes. "Whole quote" overlap
  sums the three roles. Two departures from Citron's script, both only where it misreports:
  it sums shared tokens over every (predicted, gold) pair, so a source shared by two quotes
  ("he said X and added Y", common in PolNeAR) counts twice and scores can pass 1; and it
  passes the predicted and gold totals of the whole-quote metric in swapped order.

Added for "who said what", which Citron has no single number for:

- (content, source) pairs, exact: a predicted quote matches a gold quote with the same
  content and the same source tokens, whatever the cue;
- (content, source) pairs, overlap: as the overlap above over content and source tokens
  together, but a quote's tokens count only against the quotes on the other side whose
  content overlaps its own (so a right speaker on the wrong quote earns nothing).

"Direct" quotations are those whose content lies inside quotation marks: at least
``DIRECT_SHARE`` of its non-space characters are between an opening and a closing mark (“…”
or "…", a quote left open running to the end of its paragraph). The same test selects the
predicted quotes of the subset, scored against all gold quotes for precision (a predicted
quote matching a mixed or indirect gold quote is no false alarm), while every prediction is
scored against the direct gold quotes for recall.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear"
DIRECT_SHARE = 0.8

Spans = tuple[tuple[int, int], ...]  # [start, end) character spans, possibly discontinuous


# ------------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class Attribution:
    """One quote in character spans: what was said (content), the cue and the source."""

    content: Spans
    cue: Spans = ()
    source: Spans = ()


@dataclass(frozen=True, slots=True)
class PolnearDoc:
    name: str
    annotator: str
    text: str
    attributions: tuple[Attribution, ...]


def parse_spans(field: str) -> Spans:
    """``"12 20;25 30"`` -> ((12, 20), (25, 30))."""
    spans = []
    for part in field.split(";"):
        start, end = part.split()
        spans.append((int(start), int(end)))
    return tuple(spans)


def parse_ann(ann: str) -> tuple[Attribution, ...]:
    """The attributions of one brat .ann: each ``E`` line links its Content, Cue and Source
    ``T`` spans (several of a role are merged); an event without content is skipped."""
    spans: dict[str, Spans] = {}
    events: list[dict[str, list[str]]] = []
    for line in ann.splitlines():
        if line.startswith("T"):
            tid, middle, *_ = line.split("\t")
            _, _, where = middle.partition(" ")
            spans[tid] = parse_spans(where)
        elif line.startswith("E"):
            _, args, *_ = line.split("\t")
            roles: dict[str, list[str]] = {}
            for arg in args.split():
                name, _, tid = arg.partition(":")
                roles.setdefault(re.sub(r"\d+$", "", name), []).append(tid)
            events.append(roles)
    found = []
    for roles in events:
        by_role = {
            name: tuple(s for tid in tids for s in spans.get(tid, ()))
            for name, tids in roles.items()
        }
        if by_role.get("Content"):
            found.append(
                Attribution(by_role["Content"], by_role.get("Cue", ()), by_role.get("Source", ()))
            )
    return tuple(found)


def load_split(
    split: str = "dev", root: Path = POLNEAR, limit: int | None = None
) -> list[PolnearDoc]:
    """Every article of ``split`` with its first annotator's attributions (sorted order)."""
    folder = root / "data" / split
    docs = []
    for text_path in sorted((folder / "text").glob("*.txt")):
        anns = sorted((folder / "attributions").glob(f"{text_path.stem}_*.ann"))
        if not anns:
            continue
        annotator = anns[0].stem.rsplit("_", 1)[1]
        text = text_path.read_text(encoding="utf-8")
        docs.append(
            PolnearDoc(text_path.stem, annotator, text, parse_ann(anns[0].read_text("utf-8")))
        )
        if limit is not None and len(docs) >= limit:
            break
    return docs


# ------------------------------------------------------------------------------ tokens


TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The non-whitespace tokens of a text as sorted character bounds."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def from_bounds(cls, bounds: Iterable[tuple[int, int]]) -> Tokens:
        ordered = sorted(bounds)
        return cls(tuple(s for s, _ in ordered), tuple(e for _, e in ordered))

    @classmethod
    def simple(cls, text: str) -> Tokens:
        """Words and single punctuation marks (for tests; the bench uses spaCy's tokens)."""
        return cls.from_bounds(m.span() for m in TOKEN.finditer(text))

    def of(self, spans: Spans) -> frozenset[int]:
        """The tokens any of ``spans`` touches."""
        found: set[int] = set()
        for start, end in spans:
            i = bisect_right(self.ends, start)  # first token ending after start
            while i < len(self.starts) and self.starts[i] < end:
                found.add(i)
                i += 1
        return frozenset(found)


@dataclass(frozen=True, slots=True)
class TokenQuote:
    cue: frozenset[int]
    source: frozenset[int]
    content: frozenset[int]


def tokenize(attributions: Iterable[Attribution], tokens: Tokens) -> list[TokenQuote]:
    return [
        TokenQuote(tokens.of(a.cue), tokens.of(a.source), tokens.of(a.content))
        for a in attributions
    ]


# ----------------------------------------------------------------------- direct quotes

OPENING = "“"
CLOSING = "”"
STRAIGHT = '"'


def quoted_mask(text: str) -> bytearray:
    """1 for each character inside quotation marks (marks included). Curly marks pair up;
    straight marks alternate; a mark left open closes at the end of its paragraph (a
    quotation running into the next paragraph reopens there with a new mark)."""
    mask = bytearray(len(text))
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n":
            if open_at is not None:
                mask[open_at:i] = b"\x01" * (i - open_at)
            open_at = None
        elif ch == OPENING or (ch == STRAIGHT and open_at is None):
            open_at = i if open_at is None else open_at
        elif ch in (CLOSING, STRAIGHT) and open_at is not None:
            mask[open_at : i + 1] = b"\x01" * (i + 1 - open_at)
            open_at = None
    if open_at is not None:
        mask[open_at:] = b"\x01" * (len(text) - open_at)
    return mask


def is_direct(content: Spans, text: str, mask: bytearray) -> bool:
    inside = total = 0
    for start, end in content:
        for i in range(max(start, 0), min(end, len(text))):
            if not text[i].isspace():
                total += 1
                inside += mask[i]
    return total > 0 and inside >= DIRECT_SHARE * total


# ----------------------------------------------------------------------------- scoring


@dataclass(slots=True)
class Counts:
    """Everything the metrics need, summed over documents."""

    predicted: int = 0
    gold: int = 0
    cue_tp: int = 0
    cue_fp: int = 0
    cue_fn: int = 0
    source_tp: int = 0
    source_fp: int = 0
    source_fn: int = 0
    content_tp: int = 0
    content_fp: int = 0
    content_fn: int = 0
    quote_tp: int = 0
    quote_fp: int = 0
    quote_fn: int = 0
    pair_tp: int = 0
    pair_fp: int = 0
    pair_fn: int = 0
    cue_hit_pred: int = 0  # predicted tokens found in gold spans of the role
    cue_hit_gold: int = 0  # gold tokens found in predicted spans of the role
    cue_pred: int = 0
    cue_gold: int = 0
    source_hit_pred: int = 0
    source_hit_gold: int = 0
    source_pred: int = 0
    source_gold: int = 0
    content_hit_pred: int = 0
    content_hit_gold: int = 0
    content_pred: int = 0
    content_gold: int = 0
    pair_hit_pred: int = 0
    pair_hit_gold: int = 0
    pair_pred: int = 0
    pair_gold: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _exact(
    predicted: Sequence[TokenQuote],
    gold: Sequence[TokenQuote],
    match: Callable[[TokenQuote, TokenQuote], bool],
) -> tuple[int, int, int]:
    tp = sum(1 for p in predicted if any(match(p, g) for g in gold))
    fn = sum(1 for g in gold if not any(match(p, g) for p in predicted))
    return tp, len(predicted) - tp, fn


def _add(c: Counts, name: str, n: int) -> None:
    setattr(c, name, getattr(c, name) + n)


def score_document(predicted: Sequence[TokenQuote], gold: Sequence[TokenQuote]) -> Counts:
    c = Counts(predicted=len(predicted), gold=len(gold))
    c.cue_tp, c.cue_fp, c.cue_fn = _exact(predicted, gold, lambda p, g: p.cue == g.cue)
    c.source_tp, c.source_fp, c.source_fn = _exact(
        predicted, gold, lambda p, g: bool(p.cue & g.cue) and p.source == g.source
    )
    c.content_tp, c.content_fp, c.content_fn = _exact(
        predicted, gold, lambda p, g: bool(p.cue & g.cue) and p.content == g.content
    )
    c.quote_tp, c.quote_fp, c.quote_fn = _exact(
        predicted,
        gold,
        lambda p, g: p.cue == g.cue and p.source == g.source and p.content == g.content,
    )
    c.pair_tp, c.pair_fp, c.pair_fn = _exact(
        predicted, gold, lambda p, g: p.content == g.content and p.source == g.source
    )
    for role in ("cue", "source", "content"):
        gold_union = frozenset().union(*(getattr(g, role) for g in gold))
        pred_union = frozenset().union(*(getattr(p, role) for p in predicted))
        for p in predicted:
            _add(c, f"{role}_pred", len(getattr(p, role)))
            _add(c, f"{role}_hit_pred", len(getattr(p, role) & gold_union))
        for g in gold:
            _add(c, f"{role}_gold", len(getattr(g, role)))
            _add(c, f"{role}_hit_gold", len(getattr(g, role) & pred_union))
    for p in predicted:  # pairs: sources count only next to an overlapping content
        linked = [g for g in gold if p.content & g.content]
        c.pair_pred += len(p.content) + len(p.source)
        if linked:
            c.pair_hit_pred += len(p.content & frozenset().union(*(g.content for g in linked)))
            c.pair_hit_pred += len(p.source & frozenset().union(*(g.source for g in linked)))
    for g in gold:
        linked_p = [p for p in predicted if p.content & g.content]
        c.pair_gold += len(g.content) + len(g.source)
        if linked_p:
            c.pair_hit_gold += len(g.content & frozenset().union(*(p.content for p in linked_p)))
            c.pair_hit_gold += len(g.source & frozenset().union(*(p.source for p in linked_p)))
    return c


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


METRICS = ("cue", "source", "content", "quote", "pair")
LABELS = {
    "cue": "cue",
    "source": "source",
    "content": "content",
    "quote": "whole quote",
    "pair": "(content, source)",
}


def exact(c: Counts, metric: str, recall_side: Counts | None = None) -> PRF:
    """Citron's exact P/R/F1; with ``recall_side``, precision comes from ``c`` and recall
    from ``recall_side`` (a subset: its predictions scored against all gold for precision,
    all predictions against its gold for recall)."""
    r = recall_side or c
    tp, fp = getattr(c, f"{metric}_tp"), getattr(c, f"{metric}_fp")
    r_tp, r_fn = getattr(r, f"{metric}_tp"), getattr(r, f"{metric}_fn")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = r_tp / (r_tp + r_fn) if r_tp + r_fn else 0.0
    return PRF(precision, recall, _f1(precision, recall))


def _overlap_sums(c: Counts, metric: str) -> tuple[int, int, int, int]:
    """(predicted tokens found in gold, predicted tokens, gold tokens found, gold tokens)."""
    roles = ("cue", "source", "content") if metric == "quote" else (metric,)
    return (
        sum(getattr(c, f"{role}_hit_pred") for role in roles),
        sum(getattr(c, f"{role}_pred") for role in roles),
        sum(getattr(c, f"{role}_hit_gold") for role in roles),
        sum(getattr(c, f"{role}_gold") for role in roles),
    )


def overlap(c: Counts, metric: str, recall_side: Counts | None = None) -> PRF:
    """Citron's overlap P/R/F1 (``recall_side`` as for ``exact``)."""
    hit_pred, predicted, _, _ = _overlap_sums(c, metric)
    _, _, hit_gold, gold = _overlap_sums(recall_side or c, metric)
    precision = hit_pred / predicted if predicted else 0.0
    recall = hit_gold / gold if gold else 0.0
    return PRF(precision, recall, _f1(precision, recall))
