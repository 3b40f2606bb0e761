"""Topics in the SQLite store: each story's topic, and the topics themselves.

Written by ``put_groupings`` (after the stories, in the same transaction) from the
clusterer's whole current list of topics. A topic the clusterer no longer reports was
merged: its row stays, with ``merged_into`` pointing at the topic that now holds most of
its stories, so its old address still leads there (as a merged story's does).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from newsarchive.store.grouping import TOPIC_COLUMNS, TopicLike
from newsarchive.store.statements import SQLiteStatements
from newsarchive.store.topic_reads import TopicReads


class SQLiteTopics(TopicReads, SQLiteStatements):
    """The topics part of ``SQLiteStore`` (a mixin over its connection): the shared reads
    (``topic_reads``) and SQLite's writes."""

    _db: sqlite3.Connection
    _TOPICS_NEWEST = "topics INDEXED BY topics_newest"

    # -- writing (inside put_groupings' transaction) ------------------------------

    def _assign_topics(self, topics: Sequence[TopicLike], now: str) -> None:
        changes = self._topic_changes(topics)
        previous, merged, wanted = changes.previous, changes.merged, changes.wanted
        self._db.execute(
            "UPDATE stories SET topic = NULL WHERE topic IS NOT NULL AND merged_into IS NOT NULL"
        )
        self._db.executemany(
            "UPDATE stories SET topic = ? WHERE id = ? AND merged_into IS NULL",
            [(None, sid) for sid in previous if sid not in merged and sid not in wanted]
            + [(tid, sid) for sid, tid in wanted.items() if previous.get(sid) != tid],
        )
        self._db.executemany(
            f"INSERT INTO topics ({TOPIC_COLUMNS}, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 0, 0, NULL, ?)"
            " ON CONFLICT (id) DO UPDATE SET label = excluded.label,"
            " key_entities = excluded.key_entities, first = excluded.first,"
            " last = excluded.last, merged_into = NULL, updated_at = excluded.updated_at",
            [
                (t.id, t.label, json.dumps(list(t.key_entities), ensure_ascii=False), t.first,
                 t.last, now)
                for t in topics
            ],
        )  # fmt: skip
        self._merge_topics(changes.targets, now)
        self._db.execute(
            "UPDATE topics SET stories = (SELECT count(*) FROM stories s"
            " WHERE s.topic = topics.id), articles = (SELECT coalesce(sum(s.articles), 0)"
            " FROM stories s WHERE s.topic = topics.id) WHERE merged_into IS NULL"
        )

    def _merge_topics(self, targets: dict[str, str | None], now: str) -> None:
        self._db.executemany(
            "DELETE FROM topics WHERE id = ?", [(t,) for t, into in targets.items() if not into]
        )
        self._db.executemany(
            "UPDATE topics SET merged_into = ?, stories = 0, articles = 0, updated_at = ?"
            " WHERE id = ?",
            [(into, now, tid) for tid, into in targets.items() if into],
        )
        # chains: a topic merged into one that has itself been merged since
        self._db.execute(
            "UPDATE topics SET merged_into = (SELECT t.merged_into FROM topics t"
            " WHERE t.id = topics.merged_into) WHERE merged_into IN"
            " (SELECT id FROM topics WHERE merged_into IS NOT NULL)"
        )
