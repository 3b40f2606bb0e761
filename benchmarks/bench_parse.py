"""Parsing speed of the dump reader, on one core, against a naive splitter in the same run.

Generates (or reuses) at least 100 MB of category-archive dumps recombined from the real
BBC paragraphs in ../shared/eval/bbc-fulltext (see corpus.py), then reads every file
through ``read_text_file`` + ``split_archive_page`` in this one process. The peer is the
least any reader must do: decode, normalise (NFC, spaces) and split on blank lines.

    python benchmarks/bench_parse.py [--dumps DIR] [--megabytes 100] [--write-docs]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from corpus import DEFAULT_ROOT, load_pool, write_dumps
from docs_section import write_section
from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file

PER_FILE = 2000  # articles per generated dump file (corpus.write_dumps)


def parse_ours(path: Path) -> int:
    return len(split_archive_page(read_text_file(path)))


def parse_naive(path: Path) -> int:
    text = unicodedata.normalize("NFC", path.read_bytes().decode("utf-8"))
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    return sum(1 for b in blocks if b)


def timed(files: list[Path], parse: Callable[[Path], int]) -> tuple[float, int]:
    start = time.process_time()
    count = sum(parse(f) for f in files)
    return time.process_time() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dumps", type=Path, help="reuse dumps written earlier")
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    folder = args.dumps or Path(tempfile.mkdtemp(prefix="newsarchive-dumps-"))
    if not any(folder.glob("*.txt")):
        write_dumps(load_pool(args.bbc), folder, args.megabytes, PER_FILE)
    files = sorted(folder.glob("*.txt"))
    size = sum(f.stat().st_size for f in files) / 1e6
    naive_s, blocks = timed(files, parse_naive)
    ours_s, articles = timed(files, parse_ours)
    expected = PER_FILE * len(files)
    largest = max(f.stat().st_size for f in files) / 1e6
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = "\n".join(
        [
            "| reader | CPU s | MB/s (one core) | output |",
            "|---|---|---|---|",
            f"| naive: decode + NFC + split on blank lines | {naive_s:.1f} | "
            f"{size / naive_s:.1f} | {blocks:,} blocks |",
            f"| newsarchive `split_archive_page` | {ours_s:.1f} | {size / ours_s:.1f} | "
            f"{articles:,} articles (generated: {expected:,}) |",
            "",
            f"Corpus: {len(files)} dump files, {size:.0f} MB. Ratio ours/naive: "
            f"{naive_s / ours_s:.2f}x. Peak RSS of the process: {rss:.0f} MB "
            f"(one file at a time; largest file {largest:.1f} MB).",
        ]
    )
    print(table)
    if args.write_docs:
        write_section("Parsing dumps", table)


if __name__ == "__main__":
    main()
