"""A SQLite archive has one writer at a time: a second ingest is refused at once, with a
message saying why and what to do, and the archive is left as the first writer makes it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsarchive.store import open_store
from tests.cli_support import run, wire_dump

HOLDER = """
import sys
from newsarchive.store import open_store
store = open_store(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()
store.close()
"""


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    archive = tmp_path / "news.db"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(wire_dump("first"), encoding="utf-8")
    second.write_text(wire_dump("second"), encoding="utf-8")
    assert run(["ingest", "--db", archive, first]).returncode == 0

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(archive)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = run(["ingest", "--db", archive, second])
        # reading goes on meanwhile
        searched = run(["search", "--db", archive, "council"])
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)

    assert refused.returncode != 0
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "another newsarchive process" in lines[0] and "postgresql" in lines[0].lower()
    assert "Traceback" not in refused.stderr and "database is locked" not in refused.stderr
    assert searched.returncode == 0 and "Council first votes" in searched.stdout
    with open_store(archive, readonly=True) as store:
        assert store.stats().articles == 3  # the refused ingest wrote nothing

    # once the first writer is gone, the second ingest goes through
    assert run(["ingest", "--db", archive, second]).returncode == 0
    with open_store(archive, readonly=True) as store:
        assert store.stats().articles == 6


def test_readers_and_a_writer_at_once(tmp_path: Path) -> None:
    archive = tmp_path / "news.db"
    dump = tmp_path / "a.txt"
    dump.write_text(wire_dump("a"), encoding="utf-8")
    with open_store(archive) as writer:
        assert writer.stats().articles == 0
        result = run(["stats", "--db", archive])  # a reader while the writer is open
    assert result.returncode == 0
    assert run(["ingest", "--db", archive, dump]).returncode == 0


def test_the_web_upload_answers_busy_while_another_process_writes(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from newsarchive.settings import Settings
    from newsarchive.web import create_app

    archive = tmp_path / "news.db"
    first = tmp_path / "first.txt"
    first.write_text(wire_dump("first"), encoding="utf-8")
    assert run(["ingest", "--db", archive, first]).returncode == 0
    app = create_app(Settings(db=archive, ingest_token="s3cret"))
    auth = {"Authorization": "Bearer s3cret"}
    with TestClient(app) as client:
        with open_store(archive):  # another writer holds the archive
            busy = client.post("/api/ingest", content=wire_dump("web").encode(), headers=auth)
        assert busy.status_code == 503
        assert "another newsarchive process" in busy.json()["message"]
        done = client.post("/api/ingest", content=wire_dump("web").encode(), headers=auth)
        assert done.status_code == 200 and done.json()["added"] == 3
