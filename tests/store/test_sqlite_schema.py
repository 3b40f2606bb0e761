"""Opening a SQLite archive: creation, migrations, and files that are not ours (the same
for a PostgreSQL archive: tests/store/test_store_open.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.errors import StoreError
from newsarchive.model import FetchState
from newsarchive.store import open_store, sqlite_schema
from newsarchive.store.base import IngestCounts, ListingQuery, SearchQuery
from newsarchive.store.sqlite import SQLiteStore
from tests.backends import sqlite_only
from tests.store.documents import Draft, build_document, html_page
from tests.store.v3_archive import build_v3_archive

pytestmark = sqlite_only

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


def test_a_v3_archive_opens_migrated_with_its_articles_and_search(db_path: Path) -> None:
    old = Draft("Harbour strike ends", ("Dockers return to work.",), published="2025-12-01")
    document, articles = build_document([NOTE, old])
    build_v3_archive(db_path, document, articles)
    assert user_version(db_path) == 3

    with SQLiteStore(db_path) as store:
        assert user_version(db_path) == sqlite_schema.LATEST >= 5
        assert [store.get(a.id) for a in articles] == articles
        assert store.search(SearchQuery("dockers")).total == 1
        assert store.list_articles(ListingQuery("world")).total == 2
        assert store.source_text(document.sha256) == document.text.encode("utf-8")
        info = store.source_info(document.sha256)
        assert info is not None and info.path == "archive.txt" and info.media_type is None
        # the same dump again is unchanged: hashes of old rows still match
        assert store.add_document(document, articles) == IngestCounts(unchanged=2)
        # and the archive takes pages from the web and fetch state
        page, article = html_page("https://example.com/a", "A page", ("Text.",), tags=("t",))
        assert store.add_document(page, [article]) == IngestCounts(added=1)
        assert store.get(article.id) == article
        state = FetchState("https://example.com/a", None, None, page.sha256, 200, "2026-01-02")
        store.record_fetch(state)
        assert store.fetch_state("https://example.com/a") == state
