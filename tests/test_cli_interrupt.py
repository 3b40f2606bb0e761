"""Ctrl-C during ``ingest`` keeps every completed file and nothing of the one in progress;
memory stays flat however many files a folder holds."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import pytest

from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file
from newsarchive.store import Location, open_store
from tests.backends import Backend, sqlite_only
from tests.cli_support import NEWSARCHIVE, invoke, stderr_lines, write_dumps


def _stored_sources(db: Location) -> int:
    try:
        with open_store(db, readonly=True) as store:
            return store.stats().sources
    except Exception:  # not created or not migrated yet
        return 0


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a background parent may have ignored it


def test_ctrl_c_keeps_completed_files_only(tmp_path: Path, empty_location: Location) -> None:
    paths = write_dumps(tmp_path / "dumps", 4000)
    db = empty_location
    proc = subprocess.Popen(
        [str(NEWSARCHIVE), "ingest", str(tmp_path / "dumps"), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    while _stored_sources(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr_lines(stderr)[-1].startswith("newsarchive: interrupted;")
    summary = re.fullmatch(r"(\d+) files: (\d+) added, 0 updated, 0 unchanged, 0 failed\n", stdout)
    assert summary is not None, stdout

    by_source: dict[str, set[str]] = defaultdict(set)
    with open_store(db, readonly=True) as store:  # opens: not corrupted
        stored = store.stats().sources
        for article in store.iter_articles():
            by_source[article.source.sha256].add(article.id)
    assert 20 <= stored < len(paths)
    assert len(by_source) == stored  # no source without its articles
    assert int(summary[1]) == stored and int(summary[2]) == 3 * stored
    expected = {}
    for path in paths:
        document = read_text_file(path)
        if document.sha256 in by_source:
            expected[document.sha256] = {a.id for a in split_archive_page(document)}
    assert by_source == expected  # every article of each stored file, nothing partial


def _peak_rss_kib(args: list[str]) -> int:
    """Peak RSS of ``newsarchive ARGS``, measured by a fresh parent that runs only it."""
    probe = (
        "import resource, subprocess, sys;"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(NEWSARCHIVE), *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return int(out.stdout)


@sqlite_only
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ off Linux")
def test_memory_stays_flat_with_the_number_of_files(tmp_path: Path) -> None:
    write_dumps(tmp_path / "small", 200)
    write_dumps(tmp_path / "large", 3000)
    small = _peak_rss_kib(["ingest", str(tmp_path / "small"), "--db", str(tmp_path / "s.db")])
    large = _peak_rss_kib(["ingest", str(tmp_path / "large"), "--db", str(tmp_path / "l.db")])
    assert large - small < 20 * 1024, (small, large)  # 15x the files, under 20 MiB more


def test_python_heap_stays_flat_with_the_number_of_files(tmp_path: Path, backend: Backend) -> None:
    write_dumps(tmp_path / "small", 100)
    write_dumps(tmp_path / "large", 1500)
    peaks = []
    tracemalloc.start()
    try:
        for name in ("small", "large"):
            tracemalloc.reset_peak()
            result = invoke(["ingest", tmp_path / name, "--db", backend.fresh()])
            assert result.exit_code == 0
            peaks.append(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5 + 1024**2, peaks  # 15x the files, about the same peak
