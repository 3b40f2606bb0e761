"""Benchmark the SQLite store against a bare FTS5 table, on a synthetic BBC corpus.

    python benchmarks/bench_store.py --articles 1000000 --workdir /tmp/nabench --write-docs

(a) ingest: N articles through ``SQLiteStore.add_document`` (1,000 per document) and
the same texts bulk-inserted into a bare FTS5 table, batch after batch in one process
(so both see the same machine load);
(b) search latency at N articles, the store's ``search`` against a bare bm25 query;
(c) peak memory (maxrss) of that ingest process at a tenth of N and at N.
Only the store/FTS calls are timed, not generating the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_ROOT, iter_documents, load_pool
from docs_section import write_section
from newsarchive.model import Article
from newsarchive.store.base import SearchQuery, SortOrder
from newsarchive.store.sqlite import SQLiteStore
from newsarchive.store.sqlite_search import RANK_WINDOW

TOKENIZER = "porter unicode61 remove_diacritics 2"
QUERIES: dict[str, list[SearchQuery]] = {
    "selective, bm25-ranked (119-1,835 matches)": [
        SearchQuery(t)
        for t in (
            "Sarbanes AND Oxley AND auditors",
            "Mourinho AND Abramovich",
            "Mourinho AND referee AND Barcelona",
            '"Kilroy-Silk" AND Blunkett AND asylum',
            'Blunkett AND "identity cards"',
        )
    ],
    "rare names (each over 2,000 matches in this recombined corpus)": [
        SearchQuery(t) for t in ("Kilroy-Silk", "Mourinho", "Akaev", "Blunkett", "Sarbanes")
    ],
    "very common terms": [SearchQuery(t) for t in ("the", "said", "year")],
    "common phrases": [SearchQuery(t) for t in ('"prime minister"', '"last year"')],
    "prefix": [SearchQuery(t) for t in ("elect*", "russ*")],
    "filtered (bare: unfiltered)": [
        SearchQuery("the", date_from="2020-01-01", date_to="2020-01-31"),
        SearchQuery("the", date_from="2018-01-01"),
        SearchQuery("Akaev", date_from="2018-01-01", sort=SortOrder.NEWEST),
        SearchQuery("said", category="tech"),
        SearchQuery("Mourinho", category="sport", sort=SortOrder.NEWEST),
    ],
}
REPEATS = 20


def ingest_both(work: Path, total: int, bbc: Path) -> dict[str, Any]:
    """Each batch goes to the bare table and then to the store, so both see the same load."""
    pool = load_pool(bbc)
    bare = _bare_table(work / "bare.db")
    seconds = {"bare": 0.0, "store": 0.0}
    raw = 0
    with SQLiteStore(work / "store.db") as store:
        for document, articles in iter_documents(pool, total):
            rows = [(a.title, a.summary, a.body, _captions(a)) for a in articles]
            start = time.perf_counter()
            bare.execute("BEGIN")
            bare.executemany("INSERT INTO fts VALUES (?, ?, ?, ?)", rows)
            bare.execute("COMMIT")
            middle = time.perf_counter()
            store.add_document(document, articles)
            seconds["bare"] += middle - start
            seconds["store"] += time.perf_counter() - middle
            raw += document.size
    bare.close()
    return {**seconds, "raw_bytes": raw, "maxrss_mb": _maxrss_mb()}


def _bare_table(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, captions,"
        f" tokenize='{TOKENIZER}')"
    )
    return db


def _captions(article: Article) -> str:
    return "\n".join(f"{c.text}\n{c.credit}" if c.credit else c.text for c in article.captions)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(work: Path, total: int, bbc: Path) -> dict[str, Any]:
    """Run the ingest in a fresh process, so its peak memory is its own."""
    work.mkdir(parents=True, exist_ok=True)
    for name in ("bare.db", "store.db"):
        for suffix in ("", "-wal", "-shm"):
            (work / f"{name}{suffix}").unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", "--workdir", str(work)]
    command += ["--articles", str(total), "--bbc", str(bbc)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def db_size(path: Path) -> int:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sum(
        Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists()
    )


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]


def time_store(path: Path, queries: list[SearchQuery]) -> tuple[list[float], bool]:
    samples: list[float] = []
    bounded = False
    with SQLiteStore(path, readonly=True) as store:
        for query in queries:
            store.search(query)  # warm the page cache
            for _ in range(REPEATS):
                start = time.perf_counter()
                result = store.search(query)
                samples.append((time.perf_counter() - start) * 1000)
                bounded = bounded or result.bounded
    return samples, bounded


def time_bare(path: Path, queries: list[SearchQuery]) -> list[float]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    sql = (
        "SELECT rowid, bm25(fts, 10.0, 5.0, 1.0, 2.0) AS score FROM fts"
        " WHERE fts MATCH ? ORDER BY score LIMIT 20"
    )
    samples: list[float] = []
    for text in (q.text for q in queries):
        expression = text if '"' in text or "*" in text else f'"{text}"'
        db.execute(sql, (expression,)).fetchall()
        for _ in range(REPEATS):
            start = time.perf_counter()
            db.execute(sql, (expression,)).fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    db.close()
    return samples


def _describe(query: SearchQuery) -> str:
    parts = [query.text]
    if query.date_from or query.date_to:
        parts.append(f"{query.date_from or '…'}..{query.date_to or '…'}")
    if query.category:
        parts.append(f"in {query.category}")
    if query.sort is SortOrder.NEWEST:
        parts.append("newest first")
    return " ".join(parts)


def report(args: argparse.Namespace) -> str:
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    n, small = args.articles, max(args.articles // 10, 1000)
    saved = work / "ingest-figures.json"
    if args.search_only and saved.exists():
        probe, run = json.loads(saved.read_text())
    else:
        probe = in_child(work / "small", small, args.bbc)
        run = in_child(work, n, args.bbc)
        saved.write_text(json.dumps([probe, run]))
    raw = run["raw_bytes"]
    store_size, bare_size = db_size(work / "store.db"), db_size(work / "bare.db")
    lines = [
        f"Corpus: {n:,} synthetic articles ({raw / 1e9:.2f} GB of dump text), "
        f"{os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}.",
        "",
        "| ingest | docs/s | ratio | database size | size / raw text |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| bare FTS5 insert | {n / run['bare']:,.0f} | 1.00x | {bare_size / 1e9:.2f} GB "
        f"| {bare_size / raw:.2f}x |",
        f"| SQLiteStore.add_document | {n / run['store']:,.0f} "
        f"| {run['bare'] / run['store']:.2f}x | {store_size / 1e9:.2f} GB "
        f"| {store_size / raw:.2f}x |",
        "",
        f"| search at {n:,} articles (ms, {REPEATS} runs per query) | store p50 | p95 | p99 "
        "| bare bm25 p50 | p95 | p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, queries in QUERIES.items():
        ours, bounded = time_store(work / "store.db", queries)
        theirs = time_bare(work / "bare.db", queries)
        a, b = percentiles(ours), percentiles(theirs)
        name = f"{label}: {', '.join(_describe(q) for q in queries)}"
        name += " (bounded)" if bounded else ""
        figures = " | ".join(f"{x:.1f}" for x in (*a, *b))
        lines.append(f"| {name} | {figures} |")
    lines += [
        "",
        "Store times are `SQLiteStore.search` with 20 hits, snippets and categories; bare times are"
        " `SELECT rowid, bm25(...) ... ORDER BY score LIMIT 20` over every match. (bounded): the"
        f" query has more than {RANK_WINDOW:,} matches, so the store shows the newest,"
        " unranked (`SearchResult.bounded`).",
        "",
        "| ingest process peak memory (maxrss) | articles | MB |",
        "| --- | ---: | ---: |",
        f"| a tenth of the corpus | {small:,} | {probe['maxrss_mb']:.0f} |",
        f"| the whole corpus | {n:,} | {run['maxrss_mb']:.0f} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nabench"))
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="reuse the databases and ingest figures of the last run in --workdir",
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ingest_both(args.workdir, args.articles, args.bbc)))
        return
    if not args.bbc.is_dir():
        sys.exit(f"skipped: the BBC corpus is not at {args.bbc} (pass --bbc DIR)")
    table = report(args)
    print(table)
    if args.write_docs:
        write_section("Store", table)


if __name__ == "__main__":
    main()
