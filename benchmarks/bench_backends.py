"""The same archive on SQLite and on PostgreSQL: ingest and search, side by side.

    python benchmarks/bench_backends.py --articles 1000000 \
        --pg postgresql://newsarchive:newsarchive@127.0.0.1:5432/newsarchive --write-docs

(a) ingest: N synthetic articles (the BBC pool recombined, as in bench_store.py; 1,000 per
document) through ``Store.add_document`` of each backend, the same documents in the same
order, one backend after the other (each in a fresh process, so its peak memory is its
own; the PostgreSQL server's own processes are not counted in it);
(b) search latency at N articles, per query class (bench_store.py's classes), through each
backend's ``Store.search`` (20 hits with snippets and categories, as the web shows them):
p50/p95/p99 in ms over 20 runs per query, and PostgreSQL's p95 over SQLite's (target
issue 7: <= 2x for every class).

The PostgreSQL database ``--pg-db`` (default ``nabench``) on the server of ``--pg`` (an
admin URL) is dropped and created afresh for the run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_store import QUERIES, REPEATS, _describe, _maxrss_mb, percentiles
from corpus import DEFAULT_ROOT, iter_documents, load_pool
from docs_section import write_section
from newsarchive.store import open_store
from newsarchive.store.base import SearchQuery

DEFAULT_PG = "postgresql://newsarchive:newsarchive@127.0.0.1:5432/newsarchive"


def database_url(admin: str, name: str) -> str:
    return urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))


def fresh_database(admin: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    return database_url(admin, name)


def database_bytes(admin: str, name: str) -> int:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as db:
        row = db.execute("SELECT pg_database_size(%s)", (name,)).fetchone()
    return int(row[0]) if row else 0


def file_bytes(path: Path) -> int:
    import sqlite3

    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def ingest(location: str, total: int, bbc: Path) -> dict[str, Any]:
    """Add the corpus to the archive at ``location``; only ``add_document`` is timed."""
    pool = load_pool(bbc)
    seconds, raw = 0.0, 0
    with open_store(location) as store:
        for document, articles in iter_documents(pool, total):
            start = time.perf_counter()
            store.add_document(document, articles)
            seconds += time.perf_counter() - start
            raw += document.size
    return {"seconds": seconds, "raw_bytes": raw, "maxrss_mb": _maxrss_mb()}


def in_child(location: str, total: int, bbc: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", location, "--articles", str(total)]
    command += ["--bbc", str(bbc)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def time_search(location: str, queries: list[SearchQuery]) -> tuple[list[float], bool, list[str]]:
    samples: list[float] = []
    bounded = False
    top: list[str] = []
    with open_store(location, readonly=True) as store:
        for query in queries:
            first = store.search(query)  # warm the caches
            top.append(first.hits[0].id if first.hits else "")
            for _ in range(REPEATS):
                start = time.perf_counter()
                result = store.search(query)
                samples.append((time.perf_counter() - start) * 1000)
                bounded = bounded or result.bounded
    return samples, bounded, top


def report(args: argparse.Namespace) -> str:
    work: Path = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    sqlite_path = work / "backends.db"
    pg_url = database_url(args.pg, args.pg_db)
    saved = work / "backends-ingest.json"
    if args.search_only and saved.exists():
        runs = json.loads(saved.read_text())
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        fresh_database(args.pg, args.pg_db)
        runs = {
            "sqlite": in_child(str(sqlite_path), args.articles, args.bbc),
            "postgresql": in_child(pg_url, args.articles, args.bbc),
        }
        saved.write_text(json.dumps(runs))
    n = args.articles
    raw = runs["sqlite"]["raw_bytes"]
    sizes = {"sqlite": file_bytes(sqlite_path), "postgresql": database_bytes(args.pg, args.pg_db)}
    lines = [
        f"Corpus: {n:,} synthetic articles ({raw / 1e9:.2f} GB of dump text); both backends on"
        " this machine (2 cores), PostgreSQL 15 with its default settings on loopback.",
        "",
        "| ingest (`add_document`, 1,000 articles per document) | articles/s | vs SQLite "
        "| archive size | size / raw text | ingest process peak RSS |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("sqlite", "postgresql"):
        rate = n / runs[name]["seconds"]
        ratio = runs["sqlite"]["seconds"] / runs[name]["seconds"]
        lines.append(
            f"| {name} | {rate:,.0f} | {ratio:.2f}x | {sizes[name] / 1e9:.2f} GB "
            f"| {sizes[name] / raw:.2f}x | {runs[name]['maxrss_mb']:.0f} MB |"
        )
    lines += [
        "",
        f"| search at {n:,} articles (ms, {REPEATS} runs per query) | SQLite p50 | p95 | p99 "
        "| PostgreSQL p50 | p95 | p99 | p95 ratio | same top hit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    worst = 0.0
    for label, queries in QUERIES.items():
        lite, lite_bounded, lite_top = time_search(str(sqlite_path), queries)
        pg, pg_bounded, pg_top = time_search(pg_url, queries)
        a, b = percentiles(lite), percentiles(pg)
        ratio = b[1] / a[1] if a[1] else float("inf")
        worst = max(worst, ratio)
        same = sum(x == y for x, y in zip(lite_top, pg_top, strict=True))
        name = f"{label}: {', '.join(_describe(q) for q in queries)}"
        name += " (bounded)" if lite_bounded or pg_bounded else ""
        figures = " | ".join(f"{x:.1f}" for x in (*a, *b))
        lines.append(f"| {name} | {figures} | {ratio:.2f}x | {same}/{len(queries)} |")
    lines += [
        "",
        f"Worst p95 ratio PostgreSQL / SQLite over the query classes: {worst:.2f}x "
        "(target <= 2x). Same top hit: the first hit of each query is the same article on "
        "both backends (bounded queries list the newest matches, so ties in date may differ).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nabench"))
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--pg", default=DEFAULT_PG, help="an admin URL of the server")
    parser.add_argument("--pg-db", default="nabench", help="the database made for the run")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--search-only", action="store_true", help="reuse the last ingest")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ingest(args.child, args.articles, args.bbc)))
        return
    if not args.bbc.is_dir():
        sys.exit(f"skipped: the BBC corpus is not at {args.bbc} (pass --bbc DIR)")
    table = report(args)
    print(table)
    if args.write_docs:
        write_section("Backends: SQLite and PostgreSQL", table)


if __name__ == "__main__":
    main()
