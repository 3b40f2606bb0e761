"""Topics in the PostgreSQL store: the same rows and behaviour as ``sqlite_topics``.

The clusterer's topics and each story's topic are copied into temporary tables and
merged in a few statements (a batch of ``newsarchive stories`` gives every current topic
again); rows whose fields are unchanged are not written again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsarchive.store.grouping import TOPIC_COLUMNS, TopicLike
from newsarchive.store.pg_connection import PGStatements
from newsarchive.store.pg_enrich import Connection
from newsarchive.store.topic_reads import TopicReads


class PGTopics(TopicReads, PGStatements):
    """The topics part of ``PostgresStore`` (a mixin over its connection): the shared reads
    (``topic_reads``) and PostgreSQL's writes."""

    _db: Connection

    # -- writing (inside put_groupings' transaction) ------------------------------

    def _assign_topics(self, topics: Sequence[TopicLike], now: str) -> None:
        changes = self._topic_changes(topics)
        self._story_topics(changes.wanted)
        self._upsert_topics(topics, now)
        self._merge_topics(changes.targets, now)
        self._db.execute(
            "UPDATE topics t SET stories = c.stories, articles = c.articles FROM"
            " (SELECT tt.id, count(s.id) AS stories, coalesce(sum(s.articles), 0) AS articles"
            " FROM topics tt LEFT JOIN stories s ON s.topic = tt.id"
            " WHERE tt.merged_into IS NULL GROUP BY tt.id) c"
            " WHERE t.id = c.id"
            " AND (t.stories, t.articles) IS DISTINCT FROM (c.stories, c.articles)"
        )

    def _story_topics(self, wanted: dict[str, str]) -> None:
        """Each current story's topic (NULL when none is given); merged stories none."""
        self._db.execute(
            'CREATE TEMPORARY TABLE incoming_story_topics (id text COLLATE "C" PRIMARY KEY,'
            ' topic text COLLATE "C") ON COMMIT DROP'
        )
        with self._db.cursor().copy("COPY incoming_story_topics (id, topic) FROM STDIN") as copy:
            for row in wanted.items():
                copy.write_row(row)
        self._db.execute(
            "UPDATE stories s SET topic = i.topic FROM (SELECT st.id, w.topic FROM stories st"
            " LEFT JOIN incoming_story_topics w ON w.id = st.id AND st.merged_into IS NULL) i"
            " WHERE s.id = i.id AND s.topic IS DISTINCT FROM i.topic"
        )
        self._db.execute("DROP TABLE incoming_story_topics")

    def _upsert_topics(self, topics: Sequence[TopicLike], now: str) -> None:
        latest = {t.id: t for t in topics}  # a topic given twice: its last fields
        self._db.execute(
            'CREATE TEMPORARY TABLE incoming_topics (id text COLLATE "C",'
            ' label text COLLATE "C", key_entities text COLLATE "C", first text COLLATE "C",'
            ' last text COLLATE "C") ON COMMIT DROP'
        )
        with self._db.cursor().copy(
            "COPY incoming_topics (id, label, key_entities, first, last) FROM STDIN"
        ) as copy:
            for t in latest.values():
                entities = json.dumps(list(t.key_entities), ensure_ascii=False)
                copy.write_row((t.id, t.label, entities, t.first, t.last))
        self._db.execute(
            f"INSERT INTO topics ({TOPIC_COLUMNS}, updated_at)"
            " SELECT id, label, key_entities, first, last, 0, 0, NULL, %s FROM incoming_topics"
            " ON CONFLICT (id) DO UPDATE SET label = excluded.label,"
            " key_entities = excluded.key_entities, first = excluded.first,"
            " last = excluded.last, merged_into = NULL, updated_at = excluded.updated_at"
            " WHERE (topics.label, topics.key_entities, topics.first, topics.last,"
            " topics.merged_into) IS DISTINCT FROM (excluded.label, excluded.key_entities,"
            " excluded.first, excluded.last, NULL::text)",
            (now,),
        )
        self._db.execute("DROP TABLE incoming_topics")

    def _merge_topics(self, targets: dict[str, str | None], now: str) -> None:
        gone = [tid for tid, into in targets.items() if not into]
        if gone:
            self._db.execute("DELETE FROM topics WHERE id = ANY(%s)", (gone,))
        self._db.cursor().executemany(
            "UPDATE topics SET merged_into = %s, stories = 0, articles = 0, updated_at = %s"
            " WHERE id = %s",
            [(into, now, tid) for tid, into in targets.items() if into],
        )
        # chains: a topic merged into one that has itself been merged since
        self._db.execute(
            "UPDATE topics SET merged_into = (SELECT t.merged_into FROM topics t"
            " WHERE t.id = topics.merged_into) WHERE merged_into IN"
            " (SELECT id FROM topics WHERE merged_into IS NOT NULL)"
        )
