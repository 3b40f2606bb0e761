"""Opening a SQLite archive: creation, migrations, and files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.errors import StoreError
from newsarchive.store import open_store, sqlite_schema
from newsarchive.store.sqlite import SQLiteStore
from tests.store.documents import Draft, build_document

NOTE = Draft("A note kept across upgrades", ("Still here after the migration.",))


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_a_new_file_is_created_at_the_latest_version_in_wal_mode(db_path: Path) -> None:
    with open_store(db_path):
        pass

    assert user_version(db_path) == sqlite_schema.LATEST
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_older_database_is_upgraded_and_keeps_its_articles(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SQLiteStore(db_path) as store:
        store.add_document(*build_document([NOTE]))
    step = "ALTER TABLE articles ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", (*sqlite_schema.MIGRATIONS, step))
    monkeypatch.setattr(sqlite_schema, "LATEST", sqlite_schema.LATEST + 1)

    with SQLiteStore(db_path) as store:
        assert store.get(NOTE.id) is not None

    assert user_version(db_path) == sqlite_schema.LATEST
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT pinned FROM articles").fetchall() == [(0,)]


def test_a_failing_migration_changes_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SQLiteStore(db_path):
        pass
    version = user_version(db_path)
    steps = "CREATE TABLE half_done (x);\nSELECT * FROM no_such_table;"
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", (*sqlite_schema.MIGRATIONS, steps))
    monkeypatch.setattr(sqlite_schema, "LATEST", sqlite_schema.LATEST + 1)

    with pytest.raises(sqlite3.OperationalError):
        SQLiteStore(db_path)

    assert user_version(db_path) == version
    with sqlite3.connect(db_path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables


def test_a_database_from_a_newer_newsarchive_is_refused(db_path: Path) -> None:
    with SQLiteStore(db_path):
        pass
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {sqlite_schema.LATEST + 1}")

    with pytest.raises(StoreError, match="upgrade newsarchive") as caught:
        SQLiteStore(db_path)

    assert str(db_path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("Category Archive : Russia\n\n" * 200, encoding="utf-8")

    with pytest.raises(StoreError, match="is not a newsarchive database; pass another --db"):
        open_store(text_file)

    assert text_file.read_text(encoding="utf-8").startswith("Category Archive")


def test_another_programs_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")

    with pytest.raises(StoreError, match="not a newsarchive database"):
        open_store(other)

    with sqlite3.connect(other) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["invoices"]


def test_read_only_open_of_a_missing_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"

    with pytest.raises(StoreError, match="does not exist"):
        open_store(missing, readonly=True)

    assert not missing.exists()


def test_a_postgresql_url_is_not_supported_yet() -> None:
    with pytest.raises(StoreError, match="PostgreSQL support is not built yet; use a file path"):
        open_store("postgresql://localhost/news")
