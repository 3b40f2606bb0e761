"""Stories, near-duplicates and predicted categories in the SQLite store (topics:
``sqlite_topics``).

A ``groupings`` row means the dedup index and the clusterer have seen the article: it
holds the article's story and the id of the original it near-duplicates. A new revision
of the article keeps its row (the grouping is recomputed only by a rebuild). A story the
clusterer no longer reports (it was merged) keeps its row, with ``merged_into`` pointing
at the story that now holds most of its articles, so its old address still leads there.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from newsarchive.errors import StoreError
from newsarchive.model import PredictedCategory
from newsarchive.store.grouping import GroupingCounts, StoryLike, TopicLike
from newsarchive.store.sqlite_topics import SQLiteTopics
from newsarchive.store.story_reads import StoryReads

_STORY_COLUMNS = "id, label, key_entities, first, last, articles, merged_into"


class SQLiteStories(StoryReads, SQLiteTopics):
    """The stories half of ``SQLiteStore`` (a mixin over its connection): the shared reads
    (``story_reads``) and SQLite's writes."""

    _db: sqlite3.Connection
    _readonly: bool
    path: Path
    _transaction: Callable[[], AbstractContextManager[None]]
    _STORIES_NEWEST = "stories s INDEXED BY stories_newest LEFT JOIN topics t ON t.id = s.topic"

    # -- writing ---------------------------------------------------------------

    def put_groupings(
        self,
        duplicates: Mapping[str, str | None],
        stories: Sequence[StoryLike],
        states: Mapping[str, bytes],
        *,
        rebuild: bool = False,
        topics: Sequence[TopicLike] = (),
    ) -> GroupingCounts:
        self._writable()
        now = _now()
        with self._transaction():
            if rebuild:
                self._db.execute("DELETE FROM groupings")
                self._db.execute("DELETE FROM stories")
                self._db.execute("DELETE FROM topics")
            known = {r[0] for r in self._db.execute("SELECT id FROM stories")}
            known_topics = {r[0] for r in self._db.execute("SELECT id FROM topics")}
            nums = self._nums(list(duplicates) + [a for s in stories for a in s.article_ids])
            self._db.executemany(
                "INSERT INTO groupings (article_num, story_id, duplicate_of, grouped_at)"
                " VALUES (?, NULL, ?, ?) ON CONFLICT (article_num) DO UPDATE"
                " SET duplicate_of = excluded.duplicate_of, grouped_at = excluded.grouped_at",
                [(nums[a], d, now) for a, d in duplicates.items() if a in nums],
            )
            self._assign(stories, nums, now)
            self._assign_topics(topics, now)
            for name, data in states.items():
                self._put_state(name, data, now)
        current, current_topics = {s.id for s in stories}, {t.id for t in topics}
        return GroupingCounts(
            grouped=sum(1 for a in duplicates if a in nums),
            duplicates=sum(1 for a, d in duplicates.items() if a in nums and d is not None),
            stories=len(current),
            new_stories=len(current - known),
            topics=len(current_topics),
            new_topics=len(current_topics - known_topics),
        )

    def _writable(self) -> None:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to group")

    def _assign(self, stories: Sequence[StoryLike], nums: dict[str, int], now: str) -> None:
        """Every article of ``stories`` gets its story; vanished stories are merged into
        the one holding most of their articles; duplicates follow their originals."""
        previous = self._stories_of_originals()
        wanted = {nums[a]: s.id for s in stories for a in s.article_ids if a in nums}
        self._db.executemany(
            "UPDATE groupings SET story_id = ? WHERE article_num = ?",
            [(sid, num) for num, sid in wanted.items() if previous.get(num) != sid],
        )
        self._db.execute(
            "UPDATE groupings SET story_id = (SELECT o.story_id FROM articles a"
            " JOIN groupings o ON o.article_num = a.num WHERE a.id = groupings.duplicate_of)"
            " WHERE duplicate_of IS NOT NULL"
        )
        self._merge_vanished(stories, previous, wanted, now)
        self._db.executemany(
            f"INSERT INTO stories ({_STORY_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
            " ON CONFLICT (id) DO UPDATE SET label = excluded.label,"
            " key_entities = excluded.key_entities, first = excluded.first,"
            " last = excluded.last, articles = excluded.articles, merged_into = NULL,"
            " updated_at = excluded.updated_at",
            [
                (s.id, s.label, json.dumps(list(s.key_entities), ensure_ascii=False), s.first,
                 s.last, 0, now)
                for s in stories
            ],
        )  # fmt: skip
        self._db.execute(
            "UPDATE stories SET articles = (SELECT count(*) FROM groupings g"
            " WHERE g.story_id = stories.id) WHERE merged_into IS NULL"
        )

    def _merge_vanished(
        self,
        stories: Sequence[StoryLike],
        previous: dict[int, str],
        wanted: dict[int, str],
        now: str,
    ) -> None:
        vanished, into = self._vanished_stories(stories, previous, wanted)
        for sid in vanished:
            target = into[sid].most_common(1)[0][0] if sid in into else None
            if target is None:
                self._db.execute("DELETE FROM stories WHERE id = ?", (sid,))
            else:
                self._db.execute(
                    "UPDATE stories SET merged_into = ?, articles = 0, updated_at = ? WHERE id = ?",
                    (target, now, sid),
                )
        # chains: a story merged into one that has itself been merged since
        self._db.execute(
            "UPDATE stories SET merged_into = (SELECT t.merged_into FROM stories t"
            " WHERE t.id = stories.merged_into) WHERE merged_into IN"
            " (SELECT id FROM stories WHERE merged_into IS NOT NULL)"
        )

    def put_predictions(self, items: Iterable[tuple[str, Sequence[PredictedCategory]]]) -> int:
        self._writable()
        written = 0
        with self._transaction():
            for article_id, predicted in items:
                found = self._db.execute(
                    "SELECT num FROM articles WHERE id = ?", (article_id,)
                ).fetchone()
                if found is None:
                    continue
                self._db.execute(
                    "DELETE FROM predicted_categories WHERE article_num = ?", (found[0],)
                )
                self._db.executemany(
                    "INSERT INTO predicted_categories VALUES (?, ?, ?, ?)",
                    [(found[0], n, p.name, p.confidence) for n, p in enumerate(predicted)],
                )
                written += 1
        return written

    def put_state(self, name: str, data: bytes) -> None:
        self._writable()
        with self._transaction():
            self._put_state(name, data, _now())

    def _put_state(self, name: str, data: bytes, now: str) -> None:
        self._db.execute(
            "INSERT INTO state (name, data, version, updated_at) VALUES (?, ?, 1, ?)"
            " ON CONFLICT (name) DO UPDATE SET data = excluded.data,"
            " version = state.version + 1, updated_at = excluded.updated_at",
            (name, data, now),
        )

    # -- reading ---------------------------------------------------------------

    def state(self, name: str) -> bytes | None:
        row = self._db.execute("SELECT data FROM state WHERE name = ?", (name,)).fetchone()
        return None if row is None else bytes(row[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
