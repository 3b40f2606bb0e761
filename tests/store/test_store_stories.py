"""Stories, topics, near-duplicates and predicted categories in a store (SQLite and
PostgreSQL): they round-trip through a reopened archive, hide duplicates from listings
(never deleting them), survive re-ingest, and come with SQLite's migrations v6 and v7,
which keep an older archive whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsarchive.model import Grouping, PredictedCategory, StoryRef, TopicRef
from newsarchive.store import Location, open_store, sqlite_schema
from newsarchive.store.base import ListingQuery, SearchQuery
from newsarchive.store.grouping import CLUSTER_STATE, DEDUP_STATE, StoryRecord, TopicRecord
from newsarchive.store.sqlite import SQLiteStore
from tests.backends import SQLITE, Backend, sqlite_only
from tests.store.documents import Draft, build_document

TALKS = [
    Draft(f"Talks in Abu Dhabi, day {n}", (f"Delegations met for the {n}th time.",),
          published=f"2026-01-{n:02d}")
    for n in (1, 2, 3)
]  # fmt: skip
COPY = Draft("Talks in Abu Dhabi, day 2 (wire copy)", ("Delegations met for the 2th time.",),
             published="2026-01-02")  # fmt: skip
GRAIN = Draft("Grain exports rise", ("Ports were busy.",), categories=(), published="2026-02-01")
TALKS_STORY = StoryRecord(
    "s-talks", "Talks in Abu Dhabi", ("Abu Dhabi", "Witkoff"),
    tuple(d.id for d in TALKS), "2026-01-01", "2026-01-03",
)  # fmt: skip
GRAIN_STORY = StoryRecord(
    "s-grain", "Grain exports rise", (), (GRAIN.id,), "2026-02-01", "2026-02-01"
)
TALKS_TOPIC = TopicRecord(
    "t-talks", "Talks in Abu Dhabi", ("Abu Dhabi",), ("s-talks",), "2026-01-01", "2026-01-03"
)
GRAIN_TOPIC = TopicRecord("t-grain", "Grain", (), ("s-grain",), "2026-02-01", "2026-02-01")


def fill(location: Location) -> None:
    with open_store(location) as store:
        store.add_document(*build_document([*TALKS, COPY, GRAIN]))
        store.put_groupings(
            {**{d.id: None for d in TALKS}, COPY.id: TALKS[1].id, GRAIN.id: None},
            [TALKS_STORY, GRAIN_STORY],
            {DEDUP_STATE: b"\x00dedup", CLUSTER_STATE: b"clusters"},
            topics=[TALKS_TOPIC, GRAIN_TOPIC],
        )


def test_groupings_round_trip_through_a_reopened_archive(archive_location: Location) -> None:
    fill(archive_location)
    with open_store(archive_location, readonly=True) as store:
        assert store.grouping(TALKS[0].id) == Grouping(
            StoryRef("s-talks", "Talks in Abu Dhabi"),
            topic=TopicRef("t-talks", "Talks in Abu Dhabi"),
        )
        copy = store.grouping(COPY.id)
        assert copy.duplicate_of == TALKS[1].id
        assert copy.story == StoryRef("s-talks", "Talks in Abu Dhabi")  # its original's
        assert store.state(DEDUP_STATE) == b"\x00dedup"
        assert store.state("nothing") is None
        page = store.story("s-talks")
        assert page is not None
        assert page.story.key_entities == ("Abu Dhabi", "Witkoff")
        assert page.story.articles == 4  # the duplicate too
        order = [a.id for a in page.articles]  # by date (same day: in ingest order)
        assert order[0] == TALKS[0].id and order[3] == TALKS[2].id
        assert set(order[1:3]) == {TALKS[1].id, COPY.id}
        dup = next(a for a in page.articles if a.id == COPY.id)
        assert dup.duplicate_of == TALKS[1].id
        listed = store.stories()
        assert [s.id for s in listed.items] == ["s-grain", "s-talks"]  # newest first
        assert listed.total == 2
        assert store.grouping_backlog() == 0
        assert list(store.articles_needing_grouping()) == []


def test_duplicates_are_hidden_from_listings_and_search_unless_asked(
    archive_location: Location,
) -> None:
    fill(archive_location)
    with open_store(archive_location) as store:
        shown = store.list_articles(ListingQuery("world"))
        assert COPY.id not in [a.id for a in shown.items]
        assert shown.total == 3
        every = store.list_articles(ListingQuery("world", duplicates=True))
        assert COPY.id in [a.id for a in every.items] and every.total == 4
        dup = next(a for a in every.items if a.id == COPY.id)
        assert dup.duplicate_of == TALKS[1].id
        assert COPY.id not in [a.id for a in store.list_articles(ListingQuery()).items]
        hits = store.search(SearchQuery("wire copy")).hits
        assert hits == ()
        assert [h.id for h in store.search(SearchQuery("wire copy", duplicates=True)).hits] == [
            COPY.id
        ]
        assert store.get(COPY.id) is not None  # never deleted
        # previous / next on an article page skip it too
        around = store.neighbours(TALKS[1].id, "world")
        assert COPY.id not in {a.id for a in (around.newer, around.older) if a is not None}


def test_groupings_survive_a_new_revision(archive_location: Location) -> None:
    fill(archive_location)
    edited = Draft(TALKS[0].summary, ("Delegations met again, a correction.",),
                   published=TALKS[0].published)  # fmt: skip
    with open_store(archive_location) as store:
        counts = store.add_document(*build_document([edited], path="again.txt"))
        assert counts.updated == 1
        assert store.grouping(TALKS[0].id).story == StoryRef("s-talks", "Talks in Abu Dhabi")
        assert store.grouping(TALKS[0].id).topic == TopicRef("t-talks", "Talks in Abu Dhabi")
        assert store.grouping_backlog() == 0  # a revision is not grouped again
        assert store.grouping(COPY.id).duplicate_of == TALKS[1].id


def test_new_articles_need_grouping_in_ingest_order(archive_location: Location) -> None:
    fill(archive_location)
    later = [Draft(f"Later story {n}", ("Body.",)) for n in range(3)]
    with open_store(archive_location) as store:
        store.add_document(*build_document(later, path="later.txt"))
        needing = [a.id for a in store.articles_needing_grouping()]
        # a page is stored bottom-up: ingest order is the reverse of the page's
        assert needing == [d.id for d in reversed(later)]
        assert store.grouping_backlog() == 3


def test_a_merged_story_leads_to_the_one_it_joined(archive_location: Location) -> None:
    fill(archive_location)
    merged = StoryRecord(
        "s-talks", "Talks in Abu Dhabi", (), (*TALKS_STORY.article_ids, GRAIN.id),
        "2026-01-01", "2026-02-01",
    )  # fmt: skip
    with open_store(archive_location) as store:
        counts = store.put_groupings({}, [merged], {})
        assert (counts.stories, counts.new_stories) == (1, 0)
        page = store.story("s-grain")
        assert page is not None and page.story.id == "s-talks"
        assert store.grouping(GRAIN.id).story == StoryRef("s-talks", "Talks in Abu Dhabi")
        assert [s.id for s in store.stories().items] == ["s-talks"]


def test_a_rebuild_forgets_every_grouping(archive_location: Location) -> None:
    fill(archive_location)
    with open_store(archive_location) as store:
        store.put_groupings({GRAIN.id: None}, [GRAIN_STORY], {}, rebuild=True)
        assert store.grouping(COPY.id) == Grouping()
        assert store.story("s-talks") is None
        assert store.topic("t-talks") is None and store.topics().total == 0
        assert store.grouping(GRAIN.id).topic is None  # no topics given
        assert store.grouping_backlog() == 4


def test_topics_round_trip_with_their_stories_and_days(archive_location: Location) -> None:
    fill(archive_location)
    with open_store(archive_location, readonly=True) as store:
        listed = store.topics()
        assert [t.id for t in listed.items] == ["t-grain", "t-talks"]  # newest first
        assert listed.total == 2
        assert [t.id for t in store.topics(limit=1, offset=1).items] == ["t-talks"]
        page = store.topic("t-talks")
        assert page is not None
        assert page.topic.label == "Talks in Abu Dhabi"
        assert page.topic.key_entities == ("Abu Dhabi",)
        assert (page.topic.first, page.topic.last) == ("2026-01-01", "2026-01-03")
        assert (page.topic.stories, page.topic.articles) == (1, 4)  # the duplicate too
        assert [s.id for s in page.stories] == ["s-talks"]
        assert page.stories[0].topic == TopicRef("t-talks", "Talks in Abu Dhabi")
        assert page.days == (("2026-01-01", 1), ("2026-01-02", 2), ("2026-01-03", 1))
        story = store.story("s-grain")
        assert story is not None and story.story.topic == TopicRef("t-grain", "Grain")
        assert store.stories().items[0].topic == TopicRef("t-grain", "Grain")
        assert store.grouping(COPY.id).topic == TopicRef("t-talks", "Talks in Abu Dhabi")
        assert store.topic("nothing") is None


def test_a_merged_topic_leads_to_the_one_it_joined(archive_location: Location) -> None:
    fill(archive_location)
    both = TopicRecord(
        "t-talks", "Talks and grain", (), ("s-talks", "s-grain"), "2026-01-01", "2026-02-01"
    )
    with open_store(archive_location) as store:
        counts = store.put_groupings({}, [TALKS_STORY, GRAIN_STORY], {}, topics=[both])
        assert (counts.topics, counts.new_topics) == (1, 0)
        page = store.topic("t-grain")
        assert page is not None and page.topic.id == "t-talks"
        assert (page.topic.stories, page.topic.articles) == (2, 5)
        assert [s.id for s in page.stories] == ["s-talks", "s-grain"]  # oldest first
        assert store.grouping(GRAIN.id).topic == TopicRef("t-talks", "Talks and grain")
        assert [t.id for t in store.topics().items] == ["t-talks"]
        # a later merge of the survivor: the old id follows the chain
        store.put_groupings(
            {}, [TALKS_STORY, GRAIN_STORY], {},
            topics=[TopicRecord("t-new", "New", (), both.story_ids, both.first, both.last)],
        )  # fmt: skip
        for old in ("t-grain", "t-talks"):
            moved = store.topic(old)
            assert moved is not None and moved.topic.id == "t-new"


def test_a_topic_without_stories_left_is_dropped(archive_location: Location) -> None:
    fill(archive_location)
    with open_store(archive_location) as store:
        store.put_groupings({}, [TALKS_STORY], {}, topics=[TALKS_TOPIC])  # grain: gone
        assert store.topic("t-grain") is None
        assert store.topics().total == 1


def test_states_are_versioned_and_replaced(archive_location: Location, backend: Backend) -> None:
    with open_store(archive_location) as store:
        store.put_state("model", b"one")
        store.put_state("model", b"two")
    with open_store(archive_location) as store:
        assert store.state("model") == b"two"
    version = backend.query(archive_location, "SELECT version FROM state WHERE name = 'model'")
    assert version == [(2,)]


def test_predicted_categories_are_kept_apart_from_the_source_ones(
    archive_location: Location,
) -> None:
    fill(archive_location)
    with open_store(archive_location) as store:
        assert [a.id for a in store.articles_without_categories()] == [GRAIN.id]
        written = store.put_predictions([(GRAIN.id, [PredictedCategory("business", 0.875)])])
        assert written == 1
        assert store.grouping(GRAIN.id).predicted_categories == (
            PredictedCategory("business", 0.875),
        )
        article = store.get(GRAIN.id)
        assert article is not None and article.categories == ()
        assert "business" not in [c.name for c in store.categories()]


@sqlite_only
def test_migration_v5_to_v6_keeps_the_archive(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_schema, "MIGRATIONS", sqlite_schema.MIGRATIONS[:5])
        patch.setattr(sqlite_schema, "LATEST", 5)
        with SQLiteStore(db_path) as store:
            store.add_document(*build_document([*TALKS, GRAIN]))
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (5,)
    with SQLiteStore(db_path) as store:
        assert {a.id for a in store.iter_articles()} == {*(d.id for d in TALKS), GRAIN.id}
        assert store.grouping_backlog() == 4
        assert store.list_articles(ListingQuery()).total == 4
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (sqlite_schema.LATEST,)


def test_migration_v6_to_v7_keeps_the_stories(archive_location: Location, backend: Backend) -> None:
    with open_store(archive_location) as store:
        store.add_document(*build_document([*TALKS, COPY, GRAIN]))
        store.put_groupings(
            {**{d.id: None for d in TALKS}, COPY.id: TALKS[1].id, GRAIN.id: None},
            [TALKS_STORY, GRAIN_STORY],
            {},
        )
    # back to v6: what v7 adds, removed
    for statement in ("DROP INDEX stories_topic", "ALTER TABLE stories DROP COLUMN topic",
                      "DROP TABLE topics"):  # fmt: skip
        backend.execute(archive_location, statement)
    if backend.name == SQLITE:
        backend.execute(archive_location, "PRAGMA user_version = 6")
    else:
        backend.execute(archive_location, "UPDATE schema_version SET version = 6")
    with open_store(archive_location) as store:
        assert store.grouping(COPY.id) == Grouping(
            StoryRef("s-talks", "Talks in Abu Dhabi"), TALKS[1].id
        )  # no topic yet
        assert store.topics().total == 0
        page = store.story("s-talks")
        assert page is not None and page.story.articles == 4 and page.story.topic is None
        store.put_groupings({}, [TALKS_STORY, GRAIN_STORY], {}, topics=[TALKS_TOPIC, GRAIN_TOPIC])
        assert store.grouping(COPY.id).topic == TopicRef("t-talks", "Talks in Abu Dhabi")
    if backend.name == SQLITE:
        assert backend.query(archive_location, "PRAGMA user_version") == [(sqlite_schema.LATEST,)]
    else:
        latest = [(sqlite_schema.LATEST,)]  # the two backends number their schema alike
        assert backend.query(archive_location, "SELECT max(version) FROM schema_version") == latest
