"""Benchmark the web archive under concurrent load at 1M articles, against a framework floor.

    python benchmarks/bench_web.py --articles 1000000 --workdir /tmp/nabench --write-docs

Builds (or reuses) ``WORKDIR/web.db`` with N synthetic articles through
``SQLiteStore.add_document``, starts the server on it, and drives it from a second process
over loopback with ``wrk`` (Debian package ``wrk``): each route gets a Lua script that cycles
through many URLs (categories and pages, article ids sampled from the database, selective
and common search queries), a fixed number of connections and a fixed duration. Setups
``WORKERSxCONNECTIONS``: 1x1 shows the service time, 1x8 and 2x8 concurrent load. The same
load against a bare Starlette app returning one of our pages gives the framework's floor.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_ROOT, iter_documents, load_pool
from docs_section import write_section
from newsarchive.store.sqlite import SQLiteStore
from newsarchive.store.sqlite_search import RANK_WINDOW

BIN = Path(sys.executable).parent
SEARCHES = (
    # selective: rare names and words
    "Kilroy-Silk", "Mourinho", "Akaev", "Blunkett", "Sarbanes", "Yukos", "Gazprom",
    # common words, phrases and prefixes
    "the", "said", "year", '"prime minister"', '"last year"', "elect*", "russ*", "market",
)  # fmt: skip


def count_articles(path: Path) -> int:
    if not path.exists():
        return 0
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        db.close()


def build_archive(path: Path, total: int, bbc: Path) -> None:
    """Reuse ``path`` when it already holds ``total`` articles, else build it afresh."""
    have = count_articles(path)
    if have >= total:
        print(f"reusing {path} ({have:,} articles)", file=sys.stderr)
        with SQLiteStore(path):  # applies any new migration
            pass
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    pool = load_pool(bbc)
    start = time.perf_counter()
    with SQLiteStore(path) as store:
        for done, (document, articles) in enumerate(iter_documents(pool, total), 1):
            store.add_document(document, articles)
            if done % 100 == 0:
                print(f"  {done * 1000:,} articles", file=sys.stderr)
    print(f"built {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)


WRK_SCRIPT = """
local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""
# uvicorn --workers binds its socket as socket.socket(family=...), whose proto is 0, so
# asyncio never sets TCP_NODELAY on the connections (it checks proto == IPPROTO_TCP) and
# every response waits ~40 ms for a delayed ACK. Both multi-worker servers get this fix.
NODELAY = """
import asyncio.base_events
import socket


def _set_nodelay(sock):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


asyncio.base_events._set_nodelay = _set_nodelay
"""
FLOOR_APP = (
    NODELAY
    + """
from pathlib import Path
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

PAGE = Path(__file__).with_name("page.html").read_bytes()


async def page(request):
    return HTMLResponse(PAGE)


app = Starlette(routes=[Route("/{path:path}", page)])
"""
)
FACTORY_APP = (
    NODELAY
    + """
import os

from newsarchive.settings import Settings
from newsarchive.web import create_app


def app():
    return create_app(Settings.load(os.environ))
"""
)


@dataclass(frozen=True, slots=True)
class Load:
    """One wrk run: requests, seconds, latency percentiles (ms), failed requests."""

    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int
    non_2xx: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    """Wait for the server (opening a 1M-article archive may first run a migration)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=30):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    process.kill()
    sys.exit(f"{url} did not answer in {timeout:.0f} s")


def start(command: list[str], url: str, log: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWSARCHIVE_DB": str(db)}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    wait_until_up(url, process)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return str(response.read().decode("utf-8"))


def article_ids(db: Path, count: int, seed: int = 11) -> list[str]:
    """``count`` ids spread at random over the whole archive."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        low, high = conn.execute("SELECT min(num), max(num) FROM articles").fetchone()
        rng = random.Random(seed)
        nums = rng.sample(range(low, high + 1), min(count, high - low + 1))
        ids: list[str] = []
        for start_at in range(0, len(nums), 500):
            chunk = nums[start_at : start_at + 500]
            marks = ",".join("?" * len(chunk))
            found = conn.execute(f"SELECT num, id FROM articles WHERE num IN ({marks})", chunk)
            by_num = dict(found.fetchall())
            ids += [by_num[n] for n in chunk if n in by_num]
        return ids
    finally:
        conn.close()


def category_paths(base: str, rng: random.Random, deep: bool) -> list[str]:
    """Category pages linked from the home page: first pages, or pages deep in the archive."""
    slugs = sorted(set(re.findall(r'href="/category/([^"/?#]+)"', fetch(base + "/"))))
    if not slugs:
        sys.exit("the home page links no category")
    pages = [rng.choice((100, 500, 1000, 5000)) for _ in range(200)] if deep else None
    pages = pages or [rng.choice((1, 1, 1, 2, 3, 5, 10)) for _ in range(200)]
    return [f"/category/{rng.choice(slugs)}?page={page}" for page in pages]


def route_paths(base: str, db: Path) -> dict[str, list[str]]:
    rng = random.Random(5)
    selective, common = SEARCHES[:7], SEARCHES[7:]
    return {
        "home `/`": ["/"],
        "category, pages 1-10": category_paths(base, rng, deep=False),
        "category, pages 100-5000": category_paths(base, rng, deep=True),
        "article `/article/{id}` (random ids)": [f"/article/{i}" for i in article_ids(db, 5000)],
        "search, selective words": [f"/search?q={quote(q)}" for q in selective],
        "search, common words, phrases, prefixes": [f"/search?q={quote(q)}" for q in common],
        "search, mix (7 selective : 8 common)": [f"/search?q={quote(q)}" for q in SEARCHES],
    }


def wrk(base: str, paths: list[str], work: Path, seconds: int, connections: int) -> Load:
    script, listing = work / "paths.lua", work / "paths.txt"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), base, "--", str(listing)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, micros, p50, p95, p99, errors, non_2xx = map(int, line.split()[1:])
    return Load(requests, micros / 1e6, p50 / 1e3, p95 / 1e3, p99 / 1e3, errors, non_2xx)


@dataclass(frozen=True, slots=True)
class Target:
    """A target of the issue: a percentile under a bound and/or a rate above one."""

    percentile: str  # "p95" or "p99"
    ms: float
    rate: float = 0.0

    def met(self, load: Load) -> bool:
        return getattr(load, self.percentile) <= self.ms and load.rate >= self.rate

    def describe(self) -> str:
        rate = f", >= {self.rate:.0f}/s" if self.rate else ""
        return f"{self.percentile} <= {self.ms:.0f} ms{rate}"


def target_for(route: str) -> Target | None:
    if route.startswith("article"):
        return Target("p99", 50, 300)
    if route.startswith("category"):
        return Target("p99", 50)
    if route.startswith("search"):
        return Target("p95", 200)
    return None


def serve_command(db: Path, port: int, workers: int, folder: Path) -> list[str]:
    """One worker: ``newsarchive serve`` itself. More: the same app factory under
    ``uvicorn --workers`` (``newsarchive serve`` has no such option)."""
    if workers == 1:
        command = [str(BIN / "newsarchive"), "serve", "--db", str(db), "--host", "127.0.0.1"]
        return [*command, "--port", str(port)]
    (folder / "archive_app.py").write_text(FACTORY_APP, encoding="utf-8")
    return [*uvicorn_command("archive_app:app", folder, port, workers), "--factory"]


def uvicorn_command(app: str, folder: Path, port: int, workers: int) -> list[str]:
    command = [str(BIN / "uvicorn"), app, "--app-dir", str(folder), "--host", "127.0.0.1"]
    return [*command, "--port", str(port), "--workers", str(workers), "--log-level", "warning"]


@dataclass(frozen=True, slots=True)
class Setup:
    """Server worker processes, and wrk's concurrent connections."""

    workers: int
    connections: int

    @classmethod
    def parse(cls, text: str) -> Setup:
        workers, _, connections = text.partition("x")
        return cls(int(workers), int(connections))


def measure(
    base: str, routes: dict[str, list[str]], connections: int, args: argparse.Namespace
) -> dict[str, Load]:
    results: dict[str, Load] = {}
    for route, paths in routes.items():
        wrk(base, paths, args.workdir, args.warmup, connections)  # fill the caches
        results[route] = load = wrk(base, paths, args.workdir, args.seconds, connections)
        print(
            f"  {route}: {load.rate:,.0f}/s p50 {load.p50:.1f} p95 {load.p95:.1f}"
            f" p99 {load.p99:.1f} ms, {load.errors + load.non_2xx} failed",
            file=sys.stderr,
        )
    return results


@dataclass(frozen=True, slots=True)
class Run:
    """One setup: our routes, and the floor serving one of our article pages."""

    setup: Setup
    ours: dict[str, Load]
    floor: Load
    page_bytes: int


def run_setup(db: Path, setup: Setup, args: argparse.Namespace) -> Run:
    """A fresh server for our routes, then the floor, each under the same load."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = args.workdir / f"serve-{setup.workers}.log"
    print(f"newsarchive, {setup.workers} worker(s), {setup.connections} conns", file=sys.stderr)
    process = start(serve_command(db, port, setup.workers, args.workdir), base + "/", log, db)
    try:
        routes = route_paths(base, db)
        articles = routes["article `/article/{id}` (random ids)"]
        page = fetch(base + articles[0])
        ours = measure(base, routes, setup.connections, args)
    finally:
        stop(process)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "floor.py").write_text(FLOOR_APP, encoding="utf-8")
        (Path(folder) / "page.html").write_text(page, encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = uvicorn_command("floor:app", Path(folder), port, setup.workers)
        process = start(command, base + "/", log, db)
        try:
            print("floor: bare Starlette", file=sys.stderr)
            floor = measure(base, {"floor": articles}, setup.connections, args)["floor"]
        finally:
            stop(process)
    return Run(setup, ours, floor, len(page.encode("utf-8")))


def table(runs: list[Run]) -> list[str]:
    lines = [
        "| route | workers | conns | req/s | vs floor | p50 ms | p95 ms | p99 ms | failed"
        " | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        for route, load in run.ours.items():
            target = target_for(route)
            verdict = ""
            if target is not None:
                verdict = f"{target.describe()}: {'met' if target.met(load) else '**missed**'}"
            lines.append(_row(route, run, load, verdict))
        name = f"floor: bare Starlette returning one {run.page_bytes / 1000:.0f} kB article page"
        lines.append(_row(name, run, run.floor, ""))
    return lines


def _row(route: str, run: Run, load: Load, verdict: str) -> str:
    return (
        f"| {route} | {run.setup.workers} | {run.setup.connections} | {load.rate:,.0f}"
        f" | {load.rate / run.floor.rate:.2f}x | {load.p50:.1f} | {load.p95:.1f}"
        f" | {load.p99:.1f} | {load.errors + load.non_2xx} | {verdict} |"
    )


def report(args: argparse.Namespace) -> str:
    db = args.workdir / "web.db"
    build_archive(db, args.articles, args.bbc)
    runs = [run_setup(db, Setup.parse(text), args) for text in args.setups]
    lines = [
        f"Archive: {count_articles(db):,} synthetic articles (`benchmarks/corpus.py`),"
        f" {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}. Load: wrk {_wrk_version()}"
        f" (1 thread) on the same machine over loopback, {args.warmup} s warm-up then"
        f" {args.seconds} s per route, each route cycling through its URLs; a fresh server per"
        " setup. One worker is `newsarchive serve`; two are the same app factory under"
        " `uvicorn --workers 2` (with TCP_NODELAY restored, see the script). The floor is a"
        " bare Starlette app returning one of our article pages from memory, same workers and"
        " load.",
        "",
        *table(runs),
        "",
        "With 1 connection a row is the time one request takes; with 8, requests queue for the"
        " CPU, so latency is about connections / throughput. A search costs what the store's"
        " FTS5 query costs (see Store: common words, phrases and prefixes with more than"
        f" {RANK_WINDOW:,} matches show the newest, unranked); one worker already runs SQLite"
        " on both cores (its queries run on a thread pool and release the GIL). The load"
        " generator shares the two cores, and figures move by tens of percent between runs"
        " on a shared machine.",
    ]
    return "\n".join(lines)


def _wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if len(out.split()) > 1 else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/nabench"))
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--setups",
        nargs="+",
        default=["1x1", "1x8", "2x8"],
        help="WORKERSxCONNECTIONS: 1x1 gives the service time, 1x8 and 2x8 concurrent load",
    )
    parser.add_argument("--build-only", action="store_true", help="only build the archive")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("skipped: wrk is not installed (apt-get install -y wrk)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.build_only:
        build_archive(args.workdir / "web.db", args.articles, args.bbc)
        return
    body = report(args)
    print(body)
    if args.write_docs:
        write_section("Web", body)


if __name__ == "__main__":
    main()
