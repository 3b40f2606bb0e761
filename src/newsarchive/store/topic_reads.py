"""Reading topics back from either store, and what ``put_groupings`` reads of them
before it writes (``sqlite_topics`` and ``pg_topics`` write them their own way)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from newsarchive.store.statements import Statements

MAX_TOPIC_STORIES = 1_000  # a topic page lists at most this many


@dataclass(frozen=True, slots=True)
class TopicChanges:
    """What the clusterer's topics change: each story's stored topic (``previous``),
    where each merged story went (``merged``), each current story's topic (``wanted``)
    and where each vanished topic goes (``targets``; None: it is deleted)."""

    previous: dict[str, str]
    merged: dict[str, str]
    wanted: dict[str, str]
    targets: dict[str, str | None]


class TopicReads(Statements):
    """The topics a store holds (a mixin over its connection): what is the same on both
    backends."""

    _TOPICS_NEWEST = "topics"  # the table as ``topics`` walks it newest first

    def _topic_changes(self, topics: Sequence[TopicLike]) -> TopicChanges:
        previous = {
            str(sid): str(tid)
            for sid, tid in self._execute("SELECT id, topic FROM stories WHERE topic IS NOT NULL")
        }
        merged = {
            str(sid): str(into)
            for sid, into in self._execute(
                "SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"
            )
        }
        wanted = story_topics(topics)
        current = {t.id for t in topics}
        vanished = [
            str(tid)
            for (tid,) in self._execute("SELECT id FROM topics WHERE merged_into IS NULL")
            if tid not in current
        ]
        targets = vanished_topics(vanished, previous, merged, wanted)
        return TopicChanges(previous, merged, wanted, targets)

    def topic(self, topic_id: str) -> TopicPage | None:
        found = self._topic_row(topic_id)
        if found is not None and found.merged_into is not None:
            found = self._topic_row(found.merged_into)
        if found is None:
            return None
        stories = tuple(
            stored_story(row)
            for row in self._execute(
                f"SELECT {STORY_SELECT} FROM {STORY_FROM} WHERE s.topic = ?"
                " ORDER BY s.first IS NULL, s.first, s.id LIMIT ?",
                (found.id, MAX_TOPIC_STORIES),
            )
        )
        days = tuple(
            (str(day), int(n))
            for day, n in self._execute(
                "SELECT substr(a.published, 1, 10) AS day, count(*) FROM stories s"
                " JOIN groupings g ON g.story_id = s.id JOIN articles a ON a.num = g.article_num"
                " WHERE s.topic = ? AND a.published IS NOT NULL GROUP BY day ORDER BY day",
                (found.id,),
            )
        )
        return TopicPage(found, stories, days)

    def _topic_row(self, topic_id: str) -> StoredTopic | None:
        row = self._execute(
            f"SELECT {TOPIC_COLUMNS} FROM topics WHERE id = ?", (topic_id,)
        ).fetchone()
        return None if row is None else stored_topic(row)

    def topics(self, limit: int = 20, offset: int = 0) -> TopicList:
        rows = self._execute(
            f"SELECT {TOPIC_COLUMNS} FROM {self._TOPICS_NEWEST}"
            " WHERE merged_into IS NULL ORDER BY coalesce(last, '') DESC, id DESC"
            " LIMIT ? OFFSET ?",
            (max(limit, 0), max(offset, 0)),
        ).fetchall()
        total = self._count("SELECT count(*) FROM topics WHERE merged_into IS NULL")
        return TopicList(tuple(stored_topic(r) for r in rows), total)
