"""``newsarchive copy`` moves a whole archive, and ``migrate`` applies the schema.

A copy is the same archive: the same export (stories, topics, duplicates and predicted
categories included), the same raw inputs byte for byte, the same search results and the
same people.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsarchive.store import Location, open_store, shown_location
from newsarchive.store.base import SearchQuery
from newsarchive.store.sqlite_schema import LATEST
from newsarchive.store.tables import COPIED_TABLES
from tests.cli_support import run, wire_dump
from tests.store.documents import Draft, build_document
from tests.store.v3_archive import build_v3_archive

SEED = Path(__file__).resolve().parents[2] / "src/newsarchive/data/category-archive-russia.txt"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("original")
    archive, wire = folder / "news.db", folder / "wire.txt"
    wire.write_text(wire_dump("w", articles=6), encoding="utf-8")  # a second category
    for step in (["ingest", SEED, wire], ["enrich"], ["stories"], ["categorize", "--train"]):
        result = run([step[0], "--db", archive, *step[1:]], timeout=600)
        assert result.returncode == 0, result.stderr
    return archive


def _export(archive: Path | str) -> list[dict[str, object]]:
    result = run(["export", "--db", archive, "--format", "jsonl"])
    assert result.returncode == 0, result.stderr
    return sorted((json.loads(line) for line in result.stdout.splitlines()), key=lambda r: r["id"])


def test_a_copy_is_the_same_archive(
    original: Path, empty_location: Location, tmp_path: Path
) -> None:
    target = empty_location  # a new SQLite file, or an empty PostgreSQL database
    result = run(["copy", "--from", original, "--to", target])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"copied 16 articles ({_rows(original)} rows in {len(COPIED_TABLES)} tables) "
        f"from {original} to {shown_location(target)}"
    )

    assert _export(target) == _export(original)
    for archive in (original, target):
        assert run(["stats", "--db", archive]).returncode == 0
    with open_store(original, readonly=True) as before, open_store(target, readonly=True) as after:
        assert after.stats() == before.stats()
        assert after.categories() == before.categories()
        for query in ("Peskov", "Abu Dhabi", "talk*", "council"):
            hits = [h.id for h in before.search(SearchQuery(query)).hits]
            assert hits and [h.id for h in after.search(SearchQuery(query)).hits] == hits
        assert after.speakers() == before.speakers()
        assert after.stories() == before.stories() and before.stories().total > 0
        topics = before.topics(limit=1000)
        assert after.topics(limit=1000) == topics and topics.total > 0
        assert after.topic(topics.items[0].id) == before.topic(topics.items[0].id)
        seed_article = before.search(SearchQuery("Peskov")).hits[0].id
    shown = run(["show", seed_article, "--source", "--db", target])
    assert shown.returncode == 0 and shown.stdout == SEED.read_text(encoding="utf-8")

    back = tmp_path / "back.db"  # and back again: still the same archive
    assert run(["copy", "--from", target, "--to", back]).returncode == 0
    assert _export(back) == _export(original)


def _rows(archive: Path) -> int:
    with open_store(archive, readonly=True) as store:
        return sum(sum(1 for _ in part.rows) for part in store.dump_tables())


def test_copy_refuses_an_archive_that_has_articles(
    original: Path, archive_location: Location, tmp_path: Path
) -> None:
    target = archive_location
    other = tmp_path / "other.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("Russia", "Ruritania"), "utf-8")
    assert run(["ingest", "--db", target, other]).returncode == 0
    before = _export(target)

    result = run(["copy", "--from", original, "--to", target])
    assert result.returncode != 0
    assert result.stderr.strip() == (
        f"newsarchive: {shown_location(target)} already holds articles; "
        "copy into a new, empty archive"
    )
    assert _export(target) == before


def test_copy_from_a_missing_archive_says_so(tmp_path: Path) -> None:
    result = run(["copy", "--from", tmp_path / "missing.db", "--to", tmp_path / "new.db"])
    assert result.returncode != 0 and "missing.db does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new.db").exists()


def test_migrate_creates_then_has_nothing_to_do(tmp_path: Path) -> None:
    archive = tmp_path / "new.db"
    first = run(["migrate", "--db", archive])
    assert first.returncode == 0
    assert first.stdout.strip() == f"{archive}: created at schema version {LATEST}"
    again = run(["migrate", "--db", archive])
    assert again.stdout.strip() == f"{archive}: schema version {LATEST}, the latest; nothing to do"
    assert run(["stats", "--db", archive]).returncode == 0


def test_migrate_upgrades_an_old_archive_and_keeps_its_articles(tmp_path: Path) -> None:
    drafts = [Draft("An archived note", ("From the old days.",)), Draft("Another", ("Later.",))]
    document, articles = build_document(drafts)
    archive = build_v3_archive(tmp_path / "old.db", document, articles)
    result = run(["migrate", "--db", archive])
    assert result.returncode == 0
    assert result.stdout.strip() == f"{archive}: schema version 3 -> {LATEST}"
    with open_store(archive, readonly=True) as store:
        assert store.stats().articles == len(articles)
        assert store.get(articles[0].id) is not None


def test_no_command_prints_the_password(archive_location: Location) -> None:
    password = urlsplit(str(archive_location)).password
    naming = [
        run(["stats", "--db", archive_location]),
        run(["stats", "--json", "--db", archive_location]),
        run(["migrate", "--db", archive_location]),
    ]
    others = [run(["search", "nothing-matches-this", "--db", archive_location])]
    for result in naming + others:
        text = result.stdout + result.stderr
        assert result in others or shown_location(archive_location) in text
        assert password is None or f":{password}@" not in text
