"""The whole pipeline, WARC file to enriched archive, in articles per second, one machine.

The single-machine path as a user runs it on 2 cores: ``newsarchive ingest WARC --workers 2
--db TMP`` (reading and extracting in two worker processes, storing in this one), then
``newsarchive enrich --workers 2 --db TMP`` (the language model in two processes). Both
are timed as real processes (wall seconds; CPU seconds are not reported, as the worker
processes are a forkserver's children, which ``getrusage`` does not see); the rate is
articles stored and enriched over the two commands' wall time.
Target (issue 7): >= 13 articles/s on 2 cores (3x CC-NEWS's average of 4.4/s).

With ``--batch``, ``newsarchive batch WARC --db TMP --cores 2`` is timed too (Spark's
start-up included: it is what a user waits for).

    python benchmarks/bench_pipeline.py [--warc PATH] [--rounds 1] [--batch]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_sets import SHARED_EVAL

WARC = SHARED_EVAL / "l3s-gn1" / "L3S-GN1-reconstructed.warc.gz"
NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")
TARGET = 13.0


@dataclass(frozen=True, slots=True)
class Timed:
    wall: float
    summary: str


def timed(args: list[str]) -> Timed:
    """One ``newsarchive`` command: its wall seconds and its last line."""
    start = time.perf_counter()
    done = subprocess.run([str(NEWSARCHIVE), *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"newsarchive {' '.join(args)} failed: {done.stderr[-2000:]}")
    return Timed(wall, done.stdout.strip().splitlines()[-1])


def enriched_articles(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT count(*) FROM enrichments").fetchone()
    return int(count)


def single_process(warc: Path, folder: Path) -> tuple[Timed, Timed, int]:
    db = folder / "pipeline.db"
    db.unlink(missing_ok=True)
    ingest = timed(["ingest", str(warc), "--workers", "2", "--db", str(db)])
    enrich = timed(["enrich", "--workers", "2", "--db", str(db)])
    articles = enriched_articles(db)
    size = db.stat().st_size
    print(
        f"archive: {size / 1e6:.1f} MB for {articles} enriched articles"
        f" ({size / max(articles, 1) / 1e3:.1f} kB an article, HTML included)"
    )
    return ingest, enrich, articles


def batch(warc: Path, folder: Path) -> tuple[Timed, int]:
    db = folder / "batch.db"
    db.unlink(missing_ok=True)
    run = timed(["batch", str(warc), "--db", str(db), "--cores", "2"])
    return run, enriched_articles(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warc", type=Path, default=WARC)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--batch", action="store_true", help="also time newsarchive batch")
    args = parser.parse_args()
    if not args.warc.is_file():
        raise SystemExit(f"{args.warc} is absent: the public evaluation data is needed")
    print(f"input: {args.warc} ({args.warc.stat().st_size / 1e6:.1f} MB)")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| path | round | wall s | articles | articles/s | target |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(1, args.rounds + 1):
            ingest, enrich, articles = single_process(args.warc, folder)
            wall = ingest.wall + enrich.wall
            rate = articles / wall
            verdict = "met" if rate >= TARGET else "not met"
            print(
                f"| ingest --workers 2 + enrich --workers 2 | {n} | {wall:.1f}"
                f" (ingest {ingest.wall:.1f},"
                f" enrich {enrich.wall:.1f}) | {articles} | {rate:.1f} |"
                f" >= {TARGET:g}: {verdict} |"
            )
            if args.batch:
                run, batched = batch(args.warc, folder)
                print(
                    f"| batch --cores 2 --db (Spark start-up included) | {n} | {run.wall:.1f} |"
                    f" {batched} | {batched / run.wall:.1f} | |"
                )
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
