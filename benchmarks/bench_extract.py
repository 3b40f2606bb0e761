"""Extraction quality on public evaluation sets: our article reader against its peers.

Every system runs in this one process on the same pages of ``../shared/eval``:

- ours: ``newsarchive.extract.page.read_article_page`` on the page decoded as ingest
  decodes it (body = the paragraphs joined by blank lines);
- trafilatura: ``extract(html, include_comments=False)``, the settings of its published aeb
  run (the standard setting of its own evaluation), and the same with ``favor_precision``;
  metadata from ``bare_extraction(with_metadata=True)`` (authors split on "; ");
- readability-lxml: ``Document(html).summary(html_partial=True)`` as text (block elements
  on their own lines, as html-text does in the aeb run); ``short_title()``; ``author()``
  (the ``<meta name="author">``);
- newspaper4k: ``newspaper.article(url, input_html=html)`` (images not fetched):
  ``text``, ``title``, ``authors``, ``publish_date``.

Sets and scores (the rules of ``../shared/eval/README.md``, implemented in scoring.py):

- aeb (181 pages): body F1 / precision / recall / accuracy with the benchmark's token 4-gram
  metric, ± a bootstrap standard deviation; the stored output of the published trafilatura
  run is scored too, as a check of the scorer (published F1 0.958);
- trafilatura (990 pages): "with" / "without" snippets, micro precision, recall, accuracy, F1;
- fundus (258 pages): title, authors, publishing date, captions, photo credits, and the body
  (4-gram F1 against summary + headlines + paragraphs). A system without a field scores 0.

A crash (or more than ``--timeout`` seconds) on a page is an empty output for that system
on that page; crashes are counted and reported. CPU seconds per system are indicative only.

    python benchmarks/bench_extract.py [--sets aeb,trafilatura,fundus] [--only ours,trafilatura]
        [--limit N] [--bootstrap 1000] [--examples 5] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

from docs_section import write_section
from eval_sets import (
    SETS,
    AebCase,
    FundusCase,
    Page,
    SnippetCase,
    decode_html,
    document_for,
    has_module,
    load_aeb,
    load_aeb_output,
    load_fundus,
    load_trafilatura,
)
from newsarchive.model import Article
from scoring import (
    BodyScore,
    FoundCounts,
    SnippetCounts,
    author_f1,
    count_snippets,
    has_time,
    match_body,
    match_captions,
    match_credits,
    same_day,
    same_minute,
    score_bodies,
    title_contained,
    title_exact,
    total_snippets,
)

OURS_MODULE = "newsarchive.extract.page"
T = TypeVar("T")


# ------------------------------------------------------------------------------ systems


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a system gives for one page, in the fields the sets score."""

    body: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    captions: tuple[tuple[str, str | None], ...] = ()  # (text, credit)
    credits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class System:
    """A name, its body-only reader (aeb, trafilatura set), its all-fields reader (fundus),
    and the metadata fields it has at all (the others score 0)."""

    name: str
    body: Callable[[Page], str]
    fields: Callable[[Page], Extracted]
    has: frozenset[str]


def _ours_article(page: Page) -> Article:
    from newsarchive.extract.page import read_article_page  # may not exist yet: see main

    article: Article = read_article_page(document_for(page))
    return article


def ours_fields(page: Page) -> Extracted:
    article = _ours_article(page)
    return Extracted(
        body="\n\n".join(article.paragraphs),
        title=article.title,
        authors=tuple(article.authors),
        published=article.published,
        captions=tuple((c.text, c.credit) for c in article.captions if c.text),
        credits=tuple(c.credit for c in article.captions if c.credit),
    )


def ours_body(page: Page) -> str:
    return "\n\n".join(_ours_article(page).paragraphs)


def trafilatura_body(page: Page, precision: bool = False) -> str:
    import trafilatura

    text = trafilatura.extract(page.data, include_comments=False, favor_precision=precision)
    return str(text or "")


def trafilatura_fields(page: Page, precision: bool = False) -> Extracted:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.data,
        url=page.url,
        with_metadata=True,
        include_comments=False,
        favor_precision=precision,
        as_dict=False,
    )
    if doc is None or isinstance(doc, dict):
        return Extracted()
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Extracted(body=doc.text or "", title=doc.title, authors=authors, published=doc.date)


BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "pre", "table", "tr", "td", "th", "section", "article", "figure", "figcaption",
        "header", "footer", "dl", "dt", "dd", "hr",
    }
)  # fmt: skip


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, each block element on its own line (as html-text does)."""
    from lxml import html as lxml_html

    if not fragment.strip():
        return ""
    root = lxml_html.fromstring(fragment)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def readability_fields(page: Page) -> Extracted:
    from readability import Document as Readable

    readable = Readable(decode_html(page.data))
    title, author = readable.short_title(), readable.author()
    body = html_to_text(readable.summary(html_partial=True))
    authors = () if author in ("", "[no-author]") else (author,)
    return Extracted(body=body, title=title, authors=authors)


def readability_body(page: Page) -> str:
    from readability import Document as Readable

    return html_to_text(Readable(decode_html(page.data)).summary(html_partial=True))


def newspaper_fields(page: Page) -> Extracted:
    import newspaper

    url = page.url or "http://example.invalid/article.html"
    article = newspaper.article(url, input_html=decode_html(page.data), fetch_images=False)
    published = article.publish_date.isoformat() if article.publish_date else None
    return Extracted(
        body=article.text or "",
        title=article.title,
        authors=tuple(article.authors or ()),
        published=published,
    )


def newspaper_body(page: Page) -> str:
    return newspaper_fields(page).body


META = frozenset({"title", "authors", "published"})
SYSTEMS = {
    "ours": System("ours", ours_body, ours_fields, META | {"captions", "credits"}),
    "trafilatura": System("trafilatura", trafilatura_body, trafilatura_fields, META),
    "trafilatura-precision": System(
        "trafilatura-precision",
        lambda p: trafilatura_body(p, precision=True),
        lambda p: trafilatura_fields(p, precision=True),
        META,
    ),
    "readability": System(
        "readability", readability_body, readability_fields, frozenset({"title", "authors"})
    ),
    "newspaper4k": System("newspaper4k", newspaper_body, newspaper_fields, META),
}
LABELS = {
    "ours": "newsarchive (ours)",
    "trafilatura": "trafilatura {v}",
    "trafilatura-precision": "trafilatura {v} favor_precision",
    "readability": "readability-lxml {v}",
    "newspaper4k": "newspaper4k {v}",
}
DISTS = {
    "trafilatura": "trafilatura",
    "trafilatura-precision": "trafilatura",
    "readability": "readability-lxml",
    "newspaper4k": "newspaper4k",
}


def label(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version(DISTS[name]) if name in DISTS else ""
    except PackageNotFoundError:
        v = "?"
    return LABELS[name].format(v=v)


# ------------------------------------------------------------------------------ running


class PageTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def _raise(signum: int, frame: FrameType | None) -> None:
        raise PageTimeout(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(slots=True)
class Run:
    """One system over one set: outputs in page order, failures by exception type."""

    outputs: list[Any] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    failed_pages: list[str] = field(default_factory=list)
    first_error: dict[str, str] = field(default_factory=dict)  # by exception type
    cpu: float = 0.0


def run_system(pages: Sequence[Page], read: Callable[[Page], T], empty: T, timeout: int) -> Run:
    run = Run()
    start = time.process_time()
    for page in pages:
        try:
            with time_limit(timeout):
                run.outputs.append(read(page))
        except Exception as exc:  # a crash is an empty output, counted
            run.outputs.append(empty)
            run.failures[type(exc).__name__] += 1
            run.first_error.setdefault(type(exc).__name__, str(exc).split("\n")[0][:160])
            run.failed_pages.append(page.id)
    run.cpu = time.process_time() - start
    return run


def run_all(
    pages: Sequence[Page], systems: Sequence[System], fields: bool, timeout: int
) -> dict[str, Run]:
    runs: dict[str, Run] = {}
    for system in systems:
        print(f"  {system.name}: {len(pages)} pages", file=sys.stderr, flush=True)
        read: Callable[[Page], Any] = system.fields if fields else system.body
        runs[system.name] = run_system(pages, read, Extracted() if fields else "", timeout)
    return runs


# ------------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class Report:
    """One result table, rendered both for the terminal and for docs/benchmarks.md."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str]

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |"]
        lines.append("| --- " + "| ---: " * (len(self.headers) - 1) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        text = "\n".join(lines)
        previous = ""
        for note in self.notes:  # paragraphs apart; list items under their lead-in
            listed = note.startswith("- ") and (previous.startswith("- ") or previous.endswith(":"))
            text += ("\n" if listed else "\n\n") + note
            previous = note
        return text + "\n"

    def show(self, console: Console) -> None:
        table = Table(title=self.title, title_justify="left")
        for i, header in enumerate(self.headers):
            table.add_column(header, justify="left" if i == 0 else "right")
        for row in self.rows:
            table.add_row(*row)
        console.print(table)
        for note in self.notes:
            console.print(note, markup=False)
        console.print()


def failures_text(run: Run) -> str:
    return str(sum(run.failures.values()))


def failure_notes(runs: dict[str, Run]) -> list[str]:
    notes = []
    for name, run in runs.items():
        if run.failures:
            kinds = "; ".join(
                f"{k} {n} (first: {run.first_error[k]!r})" for k, n in run.failures.most_common()
            )
            notes.append(f"- {label(name)} failed on {sum(run.failures.values())} pages: {kinds}.")
    return notes


def verdict(ours: float, peer: float, peer_name: str, metric: str) -> str:
    if ours >= peer:
        return f"Target (ours >= {peer_name}, {metric}): **met** ({ours:.3f} vs {peer:.3f})."
    return (
        f"Target (ours >= {peer_name}, {metric}): **missed** by {peer - ours:.3f}"
        f" ({ours:.3f} vs {peer:.3f})."
    )


@dataclass(frozen=True, slots=True)
class SetResult:
    report: Report
    runs: dict[str, Run]
    cases: Sequence[Any]  # AebCase, SnippetCase or FundusCase, in page order


# ---------------------------------------------------------------------------------- aeb


def bench_aeb(systems: Sequence[System], args: argparse.Namespace) -> SetResult:
    cases: list[AebCase] = load_aeb(args.limit)
    print(f"aeb: {len(cases)} pages", file=sys.stderr)
    runs = run_all([c.page for c in cases], systems, fields=False, timeout=args.timeout)
    scores = {
        name: score_bodies(
            [match_body(c.body, out) for c, out in zip(cases, run.outputs, strict=True)],
            args.bootstrap,
        )
        for name, run in runs.items()
    }
    rows = [[label(name), *_body_cells(s), failures_text(runs[name]), f"{runs[name].cpu:.1f}"]
            for name, s in scores.items()]  # fmt: skip
    stored = load_aeb_output("trafilatura")
    ref = score_bodies(
        [match_body(c.body, stored.get(c.page.id, "")) for c in cases], args.bootstrap
    )
    published = "trafilatura 2.0.0, stored output of the published run"
    rows.append([published, *_body_cells(ref), "", ""])
    notes = [
        f"{len(cases)} pages; token 4-gram shingles, per-page P/R averaged, F1 of the averages,"
        " accuracy = identical token lists; ± = bootstrap standard deviation"
        f" ({args.bootstrap} resamples). The last row scores the benchmark's stored trafilatura"
        " output with this scorer (published: F1 0.958, P 0.938, R 0.978).",
        *failure_notes(runs),
    ]
    if "ours" in scores and "trafilatura" in scores:
        notes.append(verdict(scores["ours"].f1, scores["trafilatura"].f1, "trafilatura", "F1"))
    headers = ["system", "F1", "precision", "recall", "accuracy", "failed", "CPU s"]
    return SetResult(Report("Body text: aeb", headers, rows, notes), runs, cases)


def _body_cells(s: BodyScore) -> list[str]:
    pairs = [(s.f1, s.f1_std), (s.precision, s.precision_std), (s.recall, s.recall_std),
             (s.accuracy, s.accuracy_std)]  # fmt: skip
    return [f"{v:.3f} ± {sd:.3f}" if sd else f"{v:.3f}" for v, sd in pairs]


# -------------------------------------------------------------------------- trafilatura


def bench_snippets(systems: Sequence[System], args: argparse.Namespace) -> SetResult:
    cases: list[SnippetCase] = load_trafilatura(args.limit)
    print(f"trafilatura set: {len(cases)} pages", file=sys.stderr)
    runs = run_all([c.page for c in cases], systems, fields=False, timeout=args.timeout)
    totals: dict[str, SnippetCounts] = {
        name: total_snippets(
            count_snippets(out, c.with_, c.without)
            for c, out in zip(cases, run.outputs, strict=True)
        )
        for name, run in runs.items()
    }
    rows = [
        [
            label(name),
            f"{t.precision:.3f}",
            f"{t.recall:.3f}",
            f"{t.accuracy:.3f}",
            f"{t.f1:.3f}",
            failures_text(runs[name]),
            f"{runs[name].cpu:.1f}",
        ]
        for name, t in totals.items()
    ]
    first = next(iter(totals.values()))
    notes = [
        f'{len(cases)} pages, {first.tp + first.fn:,} "with" and {first.fp + first.tn:,}'
        ' "without" snippets, counted over all pages (micro). Published (trafilatura 2.2.0'
        " standard, 2026-08-04): P 0.906, R 0.943, accuracy 0.923, F1 0.924.",
        *failure_notes(runs),
    ]
    if "ours" in totals and "trafilatura" in totals:
        notes.append(verdict(totals["ours"].f1, totals["trafilatura"].f1, "trafilatura", "F1"))
    headers = ["system", "precision", "recall", "accuracy", "F1", "failed", "CPU s"]
    report = Report("Body text: trafilatura evaluation set", headers, rows, notes)
    return SetResult(report, runs, cases)


# ------------------------------------------------------------------------------- fundus


@dataclass(frozen=True, slots=True)
class FieldScores:
    """Per-field results of one system over the fundus pages."""

    title_exact: float
    title_contained: float
    authors: float
    day: float
    minute: tuple[int, int]  # pages with the same minute, pages where both state a time
    captions: FoundCounts
    credits: FoundCounts
    body: float


def score_fundus(cases: Sequence[FundusCase], outputs: Sequence[Extracted]) -> FieldScores:
    pairs = list(zip(cases, outputs, strict=True))
    n = max(len(pairs), 1)
    dated = [(c, o) for c, o in pairs if c.published]
    minutes = [same_minute(c.published, o.published) for c, o in dated]
    captioned = [(c, o) for c, o in pairs if c.captions]
    credited = [(c, o) for c, o in pairs if c.credits]
    return FieldScores(
        title_exact=sum(title_exact(c.title, o.title) for c, o in pairs) / n,
        title_contained=sum(title_contained(c.title, o.title) for c, o in pairs) / n,
        authors=sum(author_f1(c.authors, o.authors) for c, o in pairs) / n,
        day=sum(same_day(c.published, o.published) for c, o in dated) / max(len(dated), 1),
        minute=(sum(m is True for m in minutes), sum(m is not None for m in minutes)),
        captions=sum((match_captions(c.captions, o.captions) for c, o in captioned), FoundCounts()),
        credits=sum((match_credits(c.credits, o.credits) for c, o in credited), FoundCounts()),
        body=score_bodies([match_body(c.body, o.body) for c, o in pairs]).f1,
    )


FUNDUS_ROWS: list[tuple[str, str, Callable[[FieldScores], float]]] = [
    ("title, exact (normalised)", "title", lambda s: s.title_exact),
    ("title, one contains the other", "title", lambda s: s.title_contained),
    ("authors, set F1 per page", "authors", lambda s: s.authors),
    ("date, same calendar day", "published", lambda s: s.day),
    ("captions, recall", "captions", lambda s: s.captions.recall),
    ("captions, precision", "captions", lambda s: s.captions.precision),
    ("credits, recall", "credits", lambda s: s.credits.recall),
    ("credits, precision", "credits", lambda s: s.credits.precision),
    ("body, 4-gram F1", "body", lambda s: s.body),
]


def bench_fundus(systems: Sequence[System], args: argparse.Namespace) -> SetResult:
    cases: list[FundusCase] = load_fundus(args.limit)
    print(f"fundus: {len(cases)} pages", file=sys.stderr)
    runs = run_all([c.page for c in cases], systems, fields=True, timeout=args.timeout)
    scores = {name: score_fundus(cases, run.outputs) for name, run in runs.items()}
    by_name = {s.name: s for s in systems}
    rows = []
    for title, key, get in FUNDUS_ROWS:
        row = [title]
        for name, s in scores.items():
            has = key == "body" or key in by_name[name].has
            row.append(f"{get(s):.3f}" if has else "0 (no field)")
        rows.append(row)
        if key == "published":
            rows.append(_minute_row(scores))
    rows.append(["failed pages"] + [failures_text(r) for r in runs.values()])
    rows.append(["CPU s"] + [f"{r.cpu:.1f}" for r in runs.values()])
    notes = [_fundus_note(cases), *failure_notes(runs), *_fundus_verdicts(scores, by_name)]
    headers = ["field", *(label(name) for name in scores)]
    return SetResult(Report("Metadata: fundus", headers, rows, notes), runs, cases)


def _minute_row(scores: dict[str, FieldScores]) -> list[str]:
    cells = [
        f"{s.minute[0] / s.minute[1]:.3f} (n={s.minute[1]})" if s.minute[1] else "— (no time)"
        for s in scores.values()
    ]
    return ["date, same minute (of pages where both state a time)", *cells]


def _fundus_note(cases: Sequence[FundusCase]) -> str:
    captions = sum(len(c.captions) for c in cases)
    credits = sum(len(c.credits) for c in cases)
    timed = sum(has_time(c.published) for c in cases)
    return (
        f"{len(cases)} pages ({timed} with a publishing time); captions: "
        f"{sum(bool(c.captions) for c in cases)} pages with {captions} expected captions;"
        f" credits: {sum(bool(c.credits) for c in cases)} pages with {credits} distinct"
        " credit strings. Text is compared after NFKD, case folding, quote/dash, space and"
        " invisible-character normalisation; a caption or credit is found when ours contains"
        ' the expected text (or is at least 80% of it), credit labels ("Photo by", "Foto:",'
        ' "©") ignored, our caption also tried with its credit appended; precision counts'
        " our captions/credits on those pages that match an expected one. Authors: per-page"
        " F1 of the normalised name sets"
        ' (a leading "By" dropped), averaged over all pages. Body: the aeb metric against'
        " Fundus's summary + subheadings + paragraphs. The expected values are Fundus's own"
        " parser output, not independent annotations."
    )


def _fundus_verdicts(scores: dict[str, FieldScores], by_name: dict[str, System]) -> list[str]:
    if "ours" not in scores or len(scores) < 2:
        return []
    lines = ["Target (no peer better on any metadata field):"]
    for title, key, get in FUNDUS_ROWS[:-1]:
        peers = [(get(s), n) for n, s in scores.items() if n != "ours" and key in by_name[n].has]
        if not peers:
            lines.append(f"- {title}: ours {get(scores['ours']):.3f}, no peer has the field.")
            continue
        best, who = max(peers, key=lambda peer: peer[0])  # the first listed on a tie
        ours = get(scores["ours"])
        state = "met" if ours >= best else f"**missed** by {best - ours:.3f}"
        lines.append(f"- {title}: {state} (ours {ours:.3f}, best peer {label(who)} {best:.3f}).")
    return lines


# ---------------------------------------------------------------------- examples, dumps


def fundus_examples(cases: Sequence[FundusCase], run: Run, count: int) -> str:
    """Pages where ours misses a field, for whoever improves the extractor."""
    if not count:
        return ""
    checks: list[tuple[str, Callable[[FundusCase, Extracted], bool], str, str]] = [
        ("title", lambda c, o: title_exact(c.title, o.title), "title", "title"),
        ("authors", lambda c, o: author_f1(c.authors, o.authors) == 1.0, "authors", "authors"),
        ("date", lambda c, o: not c.published or same_day(c.published, o.published),
         "published", "published"),
        ("captions", lambda c, o: match_captions(c.captions, o.captions).recall == 1.0
         or not c.captions, "captions", "captions"),
        ("credits", lambda c, o: match_credits(c.credits, o.credits).recall == 1.0
         or not c.credits, "credits", "credits"),
    ]  # fmt: skip
    lines = []
    for name, ok, want, have in checks:
        misses = [(c, o) for c, o in zip(cases, run.outputs, strict=True) if not ok(c, o)]
        lines.append(f"## ours misses {name} on {len(misses)} of {len(cases)} pages")
        for c, o in misses[:count]:
            lines.append(f"- {c.page.id} {c.page.url}")
            lines.append(f"    expected: {getattr(c, want)!r}"[:400])
            lines.append(f"    ours:     {getattr(o, have)!r}"[:400])
    return "\n".join(lines)


def dump_outputs(folder: Path, set_name: str, pages: Sequence[Page], runs: dict[str, Run]) -> None:
    """Every system's output per page, as JSON, to look into by hand."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, run in runs.items():
        data = {
            page.id: (out if isinstance(out, str) else _as_dict(out))
            for page, out in zip(pages, run.outputs, strict=True)
        }
        path = folder / f"{set_name}.{name}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _as_dict(out: Extracted) -> dict[str, Any]:
    return {
        "title": out.title,
        "authors": list(out.authors),
        "published": out.published,
        "captions": [list(c) for c in out.captions],
        "credits": list(out.credits),
        "body": out.body,
    }


# --------------------------------------------------------------------------------- main


def pick_systems(only: str | None) -> list[System]:
    names = [n.strip() for n in only.split(",")] if only else list(SYSTEMS)
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        sys.exit(f"unknown system(s) {', '.join(unknown)}; known: {', '.join(SYSTEMS)}")
    if "ours" in names and not has_module(OURS_MODULE):
        print(f"ours is missing ({OURS_MODULE} does not exist yet): scoring the peers only",
              file=sys.stderr)  # fmt: skip
        names.remove("ours")
    return [SYSTEMS[n] for n in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="aeb,trafilatura,fundus")
    parser.add_argument("--only", help="systems, e.g. ours,trafilatura (default: all)")
    parser.add_argument("--limit", type=int, help="the first N pages of each set")
    parser.add_argument("--bootstrap", type=int, default=1000, help="aeb resamples (0: none)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per page and system")
    parser.add_argument("--examples", type=int, default=0, help="fundus misses of ours to show")
    parser.add_argument("--dump", type=Path, help="write every output as JSON to this folder")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sets = [s.strip() for s in args.sets.split(",")]
    if any(s not in SETS for s in sets):
        sys.exit(f"--sets takes some of {', '.join(SETS)}")
    systems = pick_systems(args.only)
    benches = {"aeb": bench_aeb, "trafilatura": bench_snippets, "fundus": bench_fundus}
    console = Console(width=max(Console().width, 150))
    reports: list[Report] = []
    for name in sets:
        try:
            result = benches[name](systems, args)
        except FileNotFoundError as exc:
            print(f"skipped {name}: {exc}", file=sys.stderr)
            continue
        result.report.show(console)
        reports.append(result.report)
        if args.dump:
            dump_outputs(args.dump, name, [c.page for c in result.cases], result.runs)
        if name == "fundus" and "ours" in result.runs and args.examples:
            print(fundus_examples(result.cases, result.runs["ours"], args.examples))
    if args.write_docs and reports:
        write_section("Extraction quality", _docs_body(reports, systems))


def _docs_body(reports: Sequence[Report], systems: Sequence[System]) -> str:
    head = (
        "All systems run in the same process on the same pages of `../shared/eval`"
        f" ({', '.join(label(s.name) for s in systems)}); see the script's docstring for the"
        " exact calls. A crash on a page is an empty output for that page. CPU seconds are"
        " those of one process on a shared 2-core machine, indicative only."
    )
    return "\n\n".join([head, *(r.markdown().strip() for r in reports)])


if __name__ == "__main__":
    main()
