"""Spark batch: 1 core against 2 on the same WARC, and the output against one process.

``newsarchive.batch.run_batch`` (read, extract, enrich, near-duplicates and stories, Parquet
out) runs on ``local[1]`` then ``local[2]``, each in a Spark session of its own started
before the clock starts (the JVM's start-up is not the batch's work; the Python workers'
start and the language model's loading are, once per worker). The speed-up is the wall time
on 1 core over that on 2. Target (issue 7): >= 1.7x.

Then the rows of the 2-core run are compared, field by field, with what
``newsarchive parse --enrich --stories WARC`` prints in one process (also timed): the
batch must give exactly the same articles, enrichments, near-duplicates and stories.

    python benchmarks/bench_batch.py [--warc PATH] [--rounds 1] [--split-size BYTES]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_sets import SHARED_EVAL
from newsarchive.batch import BatchOptions, record_of_row, run_batch, spark_session
from newsarchive.batch.plan import DEFAULT_SPLIT_BYTES
from newsarchive.pipeline import ReadOptions
from newsarchive.settings import Settings

WARC = SHARED_EVAL / "l3s-gn1" / "L3S-GN1-reconstructed.warc.gz"
NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")
TARGET = 1.7


def spark_run(master: str, warc: Path, out: Path, split_bytes: int) -> tuple[float, int]:
    """Wall seconds of one batch on ``master`` (the session started beforehand), articles."""
    options = BatchOptions(
        ReadOptions(max_bytes=Settings().max_bytes), stories=True, split_bytes=split_bytes
    )
    with spark_session(master) as run:
        start = time.perf_counter()
        report = run_batch(run.session, [str(warc)], options, out=str(out), overwrite=True)
        return time.perf_counter() - start, report.articles


def parsed(warc: Path) -> tuple[float, list[dict[str, Any]]]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(NEWSARCHIVE), "parse", "--enrich", "--stories", str(warc)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    return wall, [json.loads(line) for line in done.stdout.splitlines()]


def differences(out: Path, expected: list[dict[str, Any]]) -> list[str]:
    """Where the batch's rows differ from ``parse``'s objects (empty when identical)."""
    import pyarrow.parquet as pq

    rows = [record_of_row(row) for row in pq.read_table(out).to_pylist()]
    found: list[str] = []
    if len(rows) != len(expected):
        found.append(f"{len(rows)} rows, {len(expected)} parsed articles")
    for got, want in zip(rows, expected, strict=False):
        for field in sorted(set(got) | set(want)):
            if got.get(field, "<absent>") != want.get(field, "<absent>"):
                found.append(f"{want.get('id')}: {field}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warc", type=Path, default=WARC)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--split-size", type=int, default=DEFAULT_SPLIT_BYTES)
    args = parser.parse_args()
    if not args.warc.is_file():
        raise SystemExit(f"{args.warc} is absent: the public evaluation data is needed")
    print(f"input: {args.warc} ({args.warc.stat().st_size / 1e6:.1f} MB)")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n")
    print("| run | round | wall s | articles | articles/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for n in range(1, args.rounds + 1):
            for master in ("local[1]", "local[2]"):
                wall, articles = spark_run(master, args.warc, out, args.split_size)
                best[master] = min(best.get(master, wall), wall)
                print(f"| Spark {master} | {n} | {wall:.1f} | {articles} | {articles / wall:.1f} |")
        wall, expected = parsed(args.warc)
        print(f"| parse --enrich --stories (one process) | 1 | {wall:.1f} | {len(expected)} |"
              f" {len(expected) / wall:.1f} |")  # fmt: skip
        speedup = best["local[1]"] / best["local[2]"]
        verdict = "met" if speedup >= TARGET else "not met"
        print(f"\nSpeed-up local[2] over local[1] (best of {args.rounds}): {speedup:.2f}x"
              f" (target >= {TARGET}: {verdict})")  # fmt: skip
        found = differences(out, expected)
        if found:
            print(f"Spark output differs from parse in {len(found)} places: {found[:10]}")
        else:
            print(f"Spark output identical to parse --enrich --stories: {len(expected)} articles,"
                  " every field")  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if found:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
