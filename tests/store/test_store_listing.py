"""Listings of a store (SQLite and PostgreSQL): category pages newest first, totals,
neighbours, related-link titles, and SQLite's v2 migration that indexes them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.model import RelatedLink
from newsarchive.store import Location, listing, open_store
from newsarchive.store.base import ListingQuery, Store
from newsarchive.store.sqlite import SQLiteStore
from tests.backends import SQLITE, Backend, sqlite_only
from tests.store.documents import Draft, build_document

DATED = [Draft(f"Dated story {n}", ("Body.",), published=f"2024-05-{n:02d}") for n in (3, 1, 2)]
UNDATED = [Draft(f"Undated story {n}", ("Body.",)) for n in (1, 2)]
OTHER = Draft("Sport story", ("Body.",), categories=("sport",), published="2024-06-01")


def ids(store: Store, query: ListingQuery) -> list[str]:
    return [item.id for item in store.list_articles(query).items]


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_document(*build_document([*DATED, *UNDATED, OTHER]))
    return store


def test_newest_first_undated_last_in_page_order(filled: Store) -> None:
    assert ids(filled, ListingQuery("world")) == [
        DATED[0].id,  # 05-03
        DATED[2].id,  # 05-02
        DATED[1].id,  # 05-01
        UNDATED[0].id,  # undated: as the page listed them, top first
        UNDATED[1].id,
    ]
    assert ids(filled, ListingQuery())[0] == OTHER.id
    assert filled.list_articles(ListingQuery("world")).total == 5
    assert filled.list_articles(ListingQuery()).total == 6


def test_pages_and_dates(filled: Store) -> None:
    page = filled.list_articles(ListingQuery("world", limit=2, offset=2))
    assert [i.id for i in page.items] == [DATED[1].id, UNDATED[0].id] and page.total == 5
    assert filled.list_articles(ListingQuery("world", offset=50)).items == ()
    dated = filled.list_articles(ListingQuery("world", date_from="2024-05-02"))
    assert [i.id for i in dated.items] == [DATED[0].id, DATED[2].id] and dated.total == 2
    until = filled.list_articles(ListingQuery(date_to="2024-05-01"))
    assert [i.id for i in until.items] == [DATED[1].id] and until.total == 1
    assert filled.list_articles(ListingQuery("nowhere")).total == 0


def test_listed_fields(filled: Store) -> None:
    item = filled.list_articles(ListingQuery("sport")).items[0]
    assert (item.headline, item.lead, item.categories) == ("Sport story", "Body.", ("sport",))
    assert item.published == "2024-06-01" and item.first_seen


def test_a_new_date_moves_the_article_in_its_listing(filled: Store) -> None:
    redated = Draft("Dated story 1", ("Body, corrected.",), published="2024-05-09")
    filled.add_document(*build_document([redated], path="second.txt"))
    assert ids(filled, ListingQuery("world"))[0] == DATED[1].id
    assert filled.list_articles(ListingQuery("world", date_from="2024-05-09")).total == 1


def test_totals_follow_new_articles(filled: Store) -> None:
    query = ListingQuery(date_from="2024-01-01")
    assert filled.list_articles(query).total == 4
    filled.add_document(*build_document([Draft("Late", ("B.",), published="2024-07-01")]))
    assert filled.list_articles(query).total == 5
    assert filled.stats().articles == 7


def test_neighbours(filled: Store) -> None:
    middle = filled.neighbours(DATED[2].id, "world")
    assert middle.newer is not None and middle.newer.id == DATED[0].id
    assert middle.older is not None and middle.older.id == DATED[1].id
    edge = filled.neighbours(DATED[1].id, "world")  # oldest dated, then the undated
    assert edge.older is not None and edge.older.id == UNDATED[0].id
    last = filled.neighbours(UNDATED[1].id, "world")
    assert last.older is None and last.newer is not None and last.newer.id == UNDATED[0].id
    assert filled.neighbours(OTHER.id, "world").newer is None
    assert filled.neighbours("nope", "world").older is None


def test_resolve_titles(filled: Store) -> None:
    titled = Draft("Its summary", ("Body.",), title="A Titled Story", published="2024-01-01")
    filled.add_document(*build_document([titled], path="titled.txt"))
    found = filled.resolve_titles(
        ["a titled   story", "Its summary", "Dated story 2", "Not archived", "", "A Titled"]
    )
    assert found == {
        "a titled   story": titled.id,
        "Its summary": titled.id,
        "Dated story 2": DATED[2].id,
    }


def test_category_name_by_slug(store: Store) -> None:
    store.add_document(*build_document([Draft("S", ("B.",), categories=("Middle East",))]))
    assert store.category_name("middle-east") == "Middle East"
    assert store.category_name("middle") is None


@sqlite_only
def test_v2_backfills_an_older_archive(db_path: Path) -> None:
    with SQLiteStore(db_path) as old:
        old.add_document(*build_document([*DATED, *UNDATED, OTHER]))
    db = sqlite3.connect(db_path)  # take it back to v1: what v2 to v7 added goes
    v5 = ("enrichments", "article_entities", "quotes", "figures", "entities")
    for table in (*v5, "groupings", "stories", "predicted_categories", "state", "topics"):
        db.execute(f"DROP TABLE {table}")
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_schema WHERE sql LIKE '%category_articles%'"
        " OR name IN ('articles_title_key', 'articles_summary_key', 'fetch_state')"
    ).fetchall():
        db.execute(f"DROP {kind} IF EXISTS {name}")
    for column in ("media_type", "record_id", "record_offset", "fetched_at", "http_status"):
        db.execute(f"ALTER TABLE sources DROP COLUMN {column}")
    db.execute("PRAGMA user_version = 1")
    db.close()
    with SQLiteStore(db_path) as store:
        assert ids(store, ListingQuery("world"))[:2] == [DATED[0].id, DATED[2].id]
        assert store.list_articles(ListingQuery("world")).total == 5


def test_related_titles_in_a_real_article(store: Store) -> None:
    target = Draft("The target story", ("Body.",))
    store.add_document(*build_document([target]))
    assert store.resolve_titles([RelatedLink("THE TARGET STORY").title]) == {
        "THE TARGET STORY": target.id
    }


def test_stats_are_counted_once_for_every_store_of_an_archive(
    filled: Store, archive_location: Location, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = open_store(archive_location, readonly=True)
    try:
        counted = filled.stats()
        if backend.name == SQLITE:  # a file's rows are counted once, whichever store asks
            fail = lambda self: pytest.fail("counted again")  # noqa: E731
            monkeypatch.setattr(SQLiteStore, "_count_rows", fail)
        assert reader.stats() == counted and counted.articles == 6
        assert (counted.earliest, counted.latest) == ("2024-05-01", "2024-06-01")
        monkeypatch.undo()
        filled.add_document(*build_document([Draft("Late", ("B.",), published="2024-07-01")]))
        assert reader.stats().articles == 7 and reader.stats().latest == "2024-07-01"
    finally:
        reader.close()


def test_deep_pages_seek_from_anchors_and_follow_new_articles(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "ANCHOR_EVERY", 3)
    drafts = [Draft(f"Story {n}", ("Body.",), published=f"2024-05-{n:02d}") for n in range(1, 12)]
    store.add_document(*build_document([*drafts, *UNDATED]))
    newest_first = [d.id for d in reversed(drafts)] + [d.id for d in UNDATED]

    for offset in range(15):
        for limit in (1, 2, 4):
            page = store.list_articles(ListingQuery("world", limit=limit, offset=offset))
            assert [i.id for i in page.items] == newest_first[offset : offset + limit]
            assert page.total == 13
    dated = store.list_articles(ListingQuery("world", date_to="2024-05-10", offset=6, limit=9))
    assert [i.id for i in dated.items] == newest_first[7:11]

    late = Draft("Story 12", ("Body.",), published="2024-05-12")
    store.add_document(*build_document([late], path="late.txt"))
    page = store.list_articles(ListingQuery("world", limit=2, offset=7))
    assert [i.id for i in page.items] == [late.id, *newest_first][7:9]
