"""Reading speed on a real news WARC: our page path against trafilatura alone, same run.

The 621 ``resource`` records of ``../shared/eval/l3s-gn1/L3S-GN1-reconstructed.warc.gz``
(real 2008 news pages; the ``conversion`` records, annotated copies, are skipped) are read
into memory first, so file IO and WARC parsing are not timed. Then, in one process, each
system reads every record, page by page:

- trafilatura alone: ``trafilatura.extract(html, url=..., output_format="json",
  with_metadata=True)`` on the record's bytes (it decodes them itself);
- ours: ``ingest.decode.make_document`` + ``extract.page.read_article_page``;
- ours, whole dispatch: ``make_document`` + ``extract.dispatch.read_document(...,
  follow=False)`` (sniffing, listing detection, the article or listing reader), what
  ``newsarchive ingest`` runs per page (a crawl also collects each page's links).

Rounds alternate the order of the systems (A B C, C B A, ...) after a warm-up pass, so
neither gets the warmer caches. Each page's time is its median over the rounds, in CPU
seconds of this process (``time.process_time``; the machine is shared, so wall time moves
more) and in wall seconds. Throughput = pages / the sum of the per-page medians;
percentiles are over pages. Targets (issue 4): ours/trafilatura throughput >= 0.85,
p99 ours/trafilatura <= 1.5. With ``--cli``, ``newsarchive ingest WARC --db TMP`` is also
run end to end under ``/usr/bin/time -v`` for its wall time and peak RSS.

    python benchmarks/bench_warc.py [--rounds 3] [--limit N] [--cli] [--write-docs]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docs_section import write_section
from eval_sets import SHARED_EVAL, has_module

WARC = SHARED_EVAL / "l3s-gn1" / "L3S-GN1-reconstructed.warc.gz"
BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Record:
    url: str | None
    record_id: str | None
    offset: int
    data: bytes


def load_records(path: Path, limit: int | None = None) -> list[Record]:
    """The ``resource`` records' bytes, in file order."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records: list[Record] = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.resource):
            headers = record.headers
            records.append(
                Record(
                    headers.get("WARC-Target-URI"),
                    headers.get("WARC-Record-ID"),
                    record.stream_pos,
                    record.reader.read(),
                )
            )
            if limit is not None and len(records) >= limit:
                break
    return records


# ------------------------------------------------------------------------------ systems


def read_trafilatura(record: Record) -> Any:
    import trafilatura

    return trafilatura.extract(
        record.data, url=record.url, output_format="json", with_metadata=True
    )


def _document(record: Record) -> Any:
    from newsarchive.ingest.decode import make_document

    return make_document(
        record.data,
        url=record.url,
        path=None,
        media_type="text/html",
        declared_charset=None,
        record_id=record.record_id,
        record_offset=record.offset,
    )


def read_ours(record: Record) -> Any:
    from newsarchive.extract.page import read_article_page

    return read_article_page(_document(record))


def read_dispatch(record: Record) -> Any:
    from newsarchive.extract.dispatch import read_document

    return read_document(_document(record), follow=False)


@dataclass(frozen=True, slots=True)
class System:
    name: str
    read: Callable[[Record], Any]
    needs: tuple[str, ...]  # modules that must exist


SYSTEMS = (
    System("trafilatura alone (JSON with metadata)", read_trafilatura, ("trafilatura",)),
    System(
        "ours: decode + read_article_page",
        read_ours,
        ("newsarchive.ingest.decode", "newsarchive.extract.page"),
    ),
    System(
        "ours: decode + dispatch.read_document",
        read_dispatch,
        ("newsarchive.ingest.decode", "newsarchive.extract.dispatch"),
    ),
)


# ------------------------------------------------------------------------------ timing


@dataclass(slots=True)
class Timings:
    """Per page, the CPU and wall seconds of every round; failures by exception type."""

    cpu: list[list[float]]
    wall: list[list[float]]
    failures: Counter[str] = field(default_factory=Counter)

    @classmethod
    def empty(cls, pages: int) -> Timings:
        return cls([[] for _ in range(pages)], [[] for _ in range(pages)])


def time_pass(system: System, records: Sequence[Record], timings: Timings, count: bool) -> None:
    cpu_clock, wall_clock = time.process_time, time.perf_counter
    for i, record in enumerate(records):
        cpu, wall = cpu_clock(), wall_clock()
        try:
            system.read(record)
        except Exception as exc:  # a page we decline still took its time
            if count:
                timings.failures[type(exc).__name__] += 1
        timings.cpu[i].append(cpu_clock() - cpu)
        timings.wall[i].append(wall_clock() - wall)


def measure(
    systems: Sequence[System], records: Sequence[Record], rounds: int
) -> dict[str, Timings]:
    for system in systems:  # warm-up: imports, caches, lazily built tables
        time_pass(system, records[:20], Timings.empty(len(records)), count=False)
    timings = {s.name: Timings.empty(len(records)) for s in systems}
    for round_no in range(rounds):
        order = list(systems) if round_no % 2 == 0 else list(reversed(systems))
        for system in order:
            print(f"  round {round_no + 1}: {system.name}", file=sys.stderr, flush=True)
            time_pass(system, records, timings[system.name], count=round_no == 0)
    return timings


@dataclass(frozen=True, slots=True)
class Summary:
    """Throughput (pages/s) and latency percentiles (ms), in CPU and wall time."""

    rate_cpu: float
    rate_wall: float
    p50: float
    p95: float
    p99: float
    p99_wall: float
    worst: float
    failed: Counter[str]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summarise(timings: Timings) -> Summary:
    cpu = [statistics.median(t) for t in timings.cpu]
    wall = [statistics.median(t) for t in timings.wall]
    return Summary(
        rate_cpu=len(cpu) / sum(cpu),
        rate_wall=len(wall) / sum(wall),
        p50=percentile(cpu, 0.50) * 1e3,
        p95=percentile(cpu, 0.95) * 1e3,
        p99=percentile(cpu, 0.99) * 1e3,
        p99_wall=percentile(wall, 0.99) * 1e3,
        worst=max(cpu) * 1e3,
        failed=timings.failures,
    )


# -------------------------------------------------------------------------- end to end


@dataclass(frozen=True, slots=True)
class CliRun:
    seconds: float
    peak_mb: float
    articles: int
    exit_code: int
    summary: str  # the CLI's own last line ("621 documents: ... added, ... failed")


def run_cli(warc: Path) -> CliRun | None:
    """``newsarchive ingest WARC --db TMP`` under /usr/bin/time -v: wall time, peak RSS."""
    cli = BIN / "newsarchive"
    if not cli.exists() or not Path("/usr/bin/time").exists():
        print("skipped --cli: needs the newsarchive script and /usr/bin/time", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "warc.db"
        command = ["/usr/bin/time", "-v", str(cli), "ingest", "--db", str(db), str(warc)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        return CliRun(
            seconds=seconds,
            peak_mb=int(rss.group(1)) / 1024 if rss else float("nan"),
            articles=_count_articles(db),
            exit_code=done.returncode,
            summary=_summary_line(done.stdout + done.stderr),
        )


def _summary_line(output: str) -> str:
    lines = [line for line in output.splitlines() if re.match(r"\d+ documents?:", line)]
    return lines[-1].strip() if lines else output.strip()[-300:]


def _count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


# ------------------------------------------------------------------------------ report


def verdicts(summaries: dict[str, Summary]) -> list[str]:
    names = list(summaries)
    base = summaries[names[0]]
    lines = []
    for name in names[1:]:
        ours = summaries[name]
        rate, p99 = ours.rate_cpu / base.rate_cpu, ours.p99 / base.p99
        rate_state = "met" if rate >= 0.85 else f"**missed** by {0.85 - rate:.2f}"
        p99_state = "met" if p99 <= 1.5 else f"**missed** by {p99 - 1.5:.2f}"
        lines.append(
            f"- {name}: throughput {rate:.2f}x trafilatura's (target >= 0.85: {rate_state};"
            f" wall {ours.rate_wall / base.rate_wall:.2f}x), p99 {p99:.2f}x"
            f" (target <= 1.5: {p99_state}; wall {ours.p99_wall / base.p99_wall:.2f}x)."
        )
    return lines


def table(summaries: dict[str, Summary]) -> list[str]:
    lines = [
        "| system | pages/s (CPU) | pages/s (wall) | p50 ms | p95 ms | p99 ms | p99 ms (wall)"
        " | slowest ms | declined or failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, s in summaries.items():
        failed = ", ".join(f"{k} {n}" for k, n in s.failed.most_common()) or "0"
        lines.append(
            f"| {name} | {s.rate_cpu:.1f} | {s.rate_wall:.1f} | {s.p50:.1f} | {s.p95:.1f}"
            f" | {s.p99:.1f} | {s.p99_wall:.1f} | {s.worst:.0f} | {failed} |"
        )
    return lines


def cli_lines(run: CliRun | None, pages: int) -> list[str]:
    if run is None:
        return []
    return [
        "",
        "End to end, `newsarchive ingest WARC --db TMP` (reading the file, decoding, extracting,"
        " storing, as the CLI runs it) under `/usr/bin/time -v`; peak RSS is that of the"
        " largest single process it waited for:",
        "",
        "| wall s | pages/s | peak RSS MB | articles stored | exit code | the CLI's summary |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {run.seconds:.1f} | {pages / run.seconds:.1f} | {run.peak_mb:.0f} | {run.articles}"
        f" | {run.exit_code} | {run.summary} |",
    ]


def report(args: argparse.Namespace) -> str:
    if not args.warc.exists():
        sys.exit(f"skipped: the WARC is not at {args.warc}")
    records = load_records(args.warc, args.limit)
    size = sum(len(r.data) for r in records) / 1e6
    systems = [s for s in SYSTEMS if all(has_module(m) for m in s.needs)]
    for missing in (s for s in SYSTEMS if s not in systems):
        print(f"missing: {missing.name} (a module does not exist yet)", file=sys.stderr)
    print(f"{len(records)} records, {size:.1f} MB of HTML in memory", file=sys.stderr)
    summaries = {name: summarise(t) for name, t in measure(systems, records, args.rounds).items()}
    cli = run_cli(args.warc) if args.cli else None
    lines = [
        f"Input: the {len(records)} `resource` records of"
        f" `l3s-gn1/L3S-GN1-reconstructed.warc.gz` ({size:.1f} MB of HTML, read into memory"
        " first: file IO and WARC parsing are not timed; the conversion records skipped)."
        f" One process, {args.rounds} rounds after a warm-up, the systems' order alternating"
        " per round; a page's time is its median over the rounds; throughput is pages over"
        " the sum of those times. CPU time is this process's (`time.process_time`), wall"
        f" time is `time.perf_counter`; {os.cpu_count()} CPUs shared with other work, so wall"
        " figures move by tens of percent between runs.",
        "",
        *table(summaries),
        "",
        *verdicts(summaries),
        *cli_lines(cli, len(load_records(args.warc)) if args.limit else len(records)),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warc", type=Path, default=WARC)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, help="only the first N records")
    parser.add_argument("--cli", action="store_true", help="also time `newsarchive ingest`")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    body = report(args)
    print(body)
    if args.write_docs:
        write_section("Reading WARC pages", body)


if __name__ == "__main__":
    main()
