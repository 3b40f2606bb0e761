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

from newsarchive.store.grouping import (
    STORY_FROM,
    STORY_SELECT,
    TOPIC_COLUMNS,
    StoredTopic,
    TopicLike,
    TopicList,
    TopicPage,
    stored_story,
    stored_topic,
    story_topics,
    vanished_topics,
)

MAX_TOPIC_STORIES = 1_000  # a topic page lists at most this many


class SQLiteTopics:
    """The topics part of ``SQLiteStore`` (a mixin over its connection)."""

    _db: sqlite3.Connection

    # -- writing (inside put_groupings' transaction) ------------------------------

    def _assign_topics(self, topics: Sequence[TopicLike], now: str) -> None:
        previous = {
            str(sid): str(tid)
            for sid, tid in self._db.execute(
                "SELECT id, topic FROM stories WHERE topic IS NOT NULL"
            )
        }
        merged = {
            str(sid): str(into)
            for sid, into in self._db.execute(
                "SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"
            )
        }
        wanted = story_topics(topics)
        current = {t.id for t in topics}
        vanished = [
            str(tid)
            for (tid,) in self._db.execute("SELECT id FROM topics WHERE merged_into IS NULL")
            if tid not in current
        ]
        targets = vanished_topics(vanished, previous, merged, wanted)
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
        self._merge_topics(targets, now)
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

    # -- reading ---------------------------------------------------------------

    def topic(self, topic_id: str) -> TopicPage | None:
        found = self._topic_row(topic_id)
        if found is not None and found.merged_into is not None:
            found = self._topic_row(found.merged_into)
        if found is None:
            return None
        stories = tuple(
            stored_story(row)
            for row in self._db.execute(
                f"SELECT {STORY_SELECT} FROM {STORY_FROM} WHERE s.topic = ?"
                " ORDER BY s.first IS NULL, s.first, s.id LIMIT ?",
                (found.id, MAX_TOPIC_STORIES),
            )
        )
        days = tuple(
            (str(day), int(n))
            for day, n in self._db.execute(
                "SELECT substr(a.published, 1, 10) AS day, count(*) FROM stories s"
                " JOIN groupings g ON g.story_id = s.id JOIN articles a ON a.num = g.article_num"
                " WHERE s.topic = ? AND a.published IS NOT NULL GROUP BY day ORDER BY day",
                (found.id,),
            )
        )
        return TopicPage(found, stories, days)

    def _topic_row(self, topic_id: str) -> StoredTopic | None:
        row = self._db.execute(
            f"SELECT {TOPIC_COLUMNS} FROM topics WHERE id = ?", (topic_id,)
        ).fetchone()
        return None if row is None else stored_topic(row)

    def topics(self, limit: int = 20, offset: int = 0) -> TopicList:
        rows = self._db.execute(
            f"SELECT {TOPIC_COLUMNS} FROM topics INDEXED BY topics_newest"
            " WHERE merged_into IS NULL ORDER BY coalesce(last, '') DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (max(limit, 0), max(offset, 0)),
        ).fetchall()
        total = self._db.execute(
            "SELECT count(*) FROM topics WHERE merged_into IS NULL"
        ).fetchone()[0]
        return TopicList(tuple(stored_topic(r) for r in rows), int(total))
