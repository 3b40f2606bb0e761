"""Stories, near-duplicates and predicted categories in the PostgreSQL store: the same rows
and the same behaviour as ``sqlite_stories``.

Grouping is sequential by nature (the dedup index and the clusterer are one state each):
each ``put_groupings`` holds an advisory lock, and checks that the states it replaces are
the ones this store read. A second ``newsarchive stories`` running on the same archive is
then refused at its first write, with a message, instead of overwriting the first's
states; the batches it wrote before are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from newsarchive.errors import StoreError
from newsarchive.model import PredictedCategory
from newsarchive.store.grouping import GroupingCounts, StoryLike, TopicLike
from newsarchive.store.pg_enrich import Connection
from newsarchive.store.pg_topics import PGTopics
from newsarchive.store.story_reads import StoryReads

GROUPING_LOCK = 0x6E61_6772  # advisory lock key of groupings and stories (per database)
PREDICTION_LOCK = 0x6E61_7072  # of predicted categories
_STORY_COLUMNS = "id, label, key_entities, first, last, articles, merged_into"


class PGStories(StoryReads, PGTopics):
    """The stories half of ``PostgresStore`` (a mixin over its connection): the shared reads
    (``story_reads``) and PostgreSQL's writes."""

    _db: Connection
    path: str  # the URL as messages show it
    _writable: Callable[[str], None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _IDS_PER_QUERY = 5_000

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
        self._writable("group")
        now = _now()
        with self._transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (GROUPING_LOCK,))
            if not rebuild:
                self._check_states(states)
            if rebuild:
                self._db.execute("DELETE FROM groupings")
                self._db.execute("DELETE FROM stories")
                self._db.execute("DELETE FROM topics")
            known = {str(r[0]) for r in self._db.execute("SELECT id FROM stories")}
            known_topics = {str(r[0]) for r in self._db.execute("SELECT id FROM topics")}
            nums = self._nums(list(duplicates) + [a for s in stories for a in s.article_ids])
            self._db.cursor().executemany(
                "INSERT INTO groupings (article_num, story_id, duplicate_of, grouped_at)"
                " VALUES (%s, NULL, %s, %s) ON CONFLICT (article_num) DO UPDATE"
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

    def _state_versions(self) -> dict[str, int]:
        """The version of each state as this store last read or wrote it (0: absent)."""
        versions: dict[str, int] | None = getattr(self, "_seen_state_versions", None)
        if versions is None:
            versions = {}
            self._seen_state_versions = versions
        return versions

    def _check_states(self, states: Mapping[str, bytes]) -> None:
        seen = self._state_versions()
        wanted = [name for name in states if name in seen]
        if not wanted:
            return
        stored = {
            str(name): int(version)
            for name, version in self._db.execute(
                "SELECT name, version FROM state WHERE name = ANY(%s)", (wanted,)
            )
        }
        if any(stored.get(name, 0) != seen[name] for name in wanted):
            raise StoreError(
                f"{self.path} was grouped by another process meanwhile (the batches"
                " grouped so far are stored); run 'newsarchive stories' again once it is done"
            )

    def _assign(self, stories: Sequence[StoryLike], nums: dict[str, int], now: str) -> None:
        """Every article of ``stories`` gets its story; vanished stories are merged into
        the one holding most of their articles; duplicates follow their originals."""
        previous = self._stories_of_originals()
        wanted = {nums[a]: s.id for s in stories for a in s.article_ids if a in nums}
        self._db.cursor().executemany(
            "UPDATE groupings SET story_id = %s WHERE article_num = %s",
            [(sid, num) for num, sid in wanted.items() if previous.get(num) != sid],
        )
        self._db.execute(
            "UPDATE groupings d SET story_id = o.story_id FROM (SELECT g.article_num,"
            " (SELECT og.story_id FROM articles a JOIN groupings og ON og.article_num = a.num"
            " WHERE a.id = g.duplicate_of) AS story_id FROM groupings g"
            " WHERE g.duplicate_of IS NOT NULL) o"
            " WHERE d.article_num = o.article_num AND d.story_id IS DISTINCT FROM o.story_id"
        )
        self._merge_vanished(stories, previous, wanted, now)
        self._upsert_stories(stories, now)
        self._db.execute(
            "UPDATE stories s SET articles = c.n FROM (SELECT st.id, count(g.article_num) AS n"
            " FROM stories st LEFT JOIN groupings g ON g.story_id = st.id"
            " WHERE st.merged_into IS NULL GROUP BY st.id) c"
            " WHERE s.id = c.id AND s.articles != c.n"
        )

    def _upsert_stories(self, stories: Sequence[StoryLike], now: str) -> None:
        """The clusterer's current stories, copied in and merged in one statement; a
        story whose fields are unchanged is not written again."""
        latest = {s.id: s for s in stories}  # a story given twice: its last fields
        self._db.execute(
            'CREATE TEMPORARY TABLE incoming_stories (id text COLLATE "C",'
            ' label text COLLATE "C", key_entities text COLLATE "C", first text COLLATE "C",'
            ' last text COLLATE "C") ON COMMIT DROP'
        )
        with self._db.cursor().copy(
            "COPY incoming_stories (id, label, key_entities, first, last) FROM STDIN"
        ) as copy:
            for s in latest.values():
                entities = json.dumps(list(s.key_entities), ensure_ascii=False)
                copy.write_row((s.id, s.label, entities, s.first, s.last))
        self._db.execute(
            f"INSERT INTO stories ({_STORY_COLUMNS}, updated_at)"
            " SELECT id, label, key_entities, first, last, 0, NULL, %s FROM incoming_stories"
            " ON CONFLICT (id) DO UPDATE SET label = excluded.label,"
            " key_entities = excluded.key_entities, first = excluded.first,"
            " last = excluded.last, merged_into = NULL, updated_at = excluded.updated_at"
            " WHERE (stories.label, stories.key_entities, stories.first, stories.last,"
            " stories.merged_into) IS DISTINCT FROM (excluded.label, excluded.key_entities,"
            " excluded.first, excluded.last, NULL::text)",
            (now,),
        )
        self._db.execute("DROP TABLE incoming_stories")

    def _merge_vanished(
        self,
        stories: Sequence[StoryLike],
        previous: dict[int, str],
        wanted: dict[int, str],
        now: str,
    ) -> None:
        vanished, into = self._vanished_stories(stories, previous, wanted)
        gone = [sid for sid in vanished if sid not in into]
        if gone:
            self._db.execute("DELETE FROM stories WHERE id = ANY(%s)", (gone,))
        self._db.cursor().executemany(
            "UPDATE stories SET merged_into = %s, articles = 0, updated_at = %s WHERE id = %s",
            [(into[sid].most_common(1)[0][0], now, sid) for sid in vanished if sid in into],
        )
        # chains: a story merged into one that has itself been merged since
        self._db.execute(
            "UPDATE stories SET merged_into = (SELECT t.merged_into FROM stories t"
            " WHERE t.id = stories.merged_into) WHERE merged_into IN"
            " (SELECT id FROM stories WHERE merged_into IS NOT NULL)"
        )

    def put_predictions(self, items: Iterable[tuple[str, Sequence[PredictedCategory]]]) -> int:
        self._writable("group")
        given = list(items)
        with self._transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (PREDICTION_LOCK,))
            nums = self._nums([article_id for article_id, _ in given])
            latest = {nums[a]: predicted for a, predicted in given if a in nums}
            if latest:
                self._db.execute(
                    "DELETE FROM predicted_categories WHERE article_num = ANY(%s)", (list(latest),)
                )
            self._db.cursor().executemany(
                "INSERT INTO predicted_categories (article_num, position, name, confidence)"
                " VALUES (%s, %s, %s, %s)",
                [
                    (num, n, p.name, p.confidence)
                    for num, predicted in latest.items()
                    for n, p in enumerate(predicted)
                ],
            )
        return sum(1 for article_id, _ in given if article_id in nums)

    def put_state(self, name: str, data: bytes) -> None:
        self._writable("group")
        with self._transaction():
            self._put_state(name, data, _now())

    def _put_state(self, name: str, data: bytes, now: str) -> None:
        row = self._db.execute(
            "INSERT INTO state (name, data, version, updated_at) VALUES (%s, %s, 1, %s)"
            " ON CONFLICT (name) DO UPDATE SET data = excluded.data,"
            " version = state.version + 1, updated_at = excluded.updated_at RETURNING version",
            (name, data, now),
        ).fetchone()
        if row is not None:
            self._state_versions()[name] = int(row[0])

    # -- reading ---------------------------------------------------------------

    def state(self, name: str) -> bytes | None:
        row = self._db.execute(
            "SELECT data, version FROM state WHERE name = %s", (name,)
        ).fetchone()
        self._state_versions()[name] = 0 if row is None else int(row[1])
        return None if row is None else bytes(row[0])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
