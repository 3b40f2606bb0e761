"""Reading stories, near-duplicates and predicted categories back from either store,
and what ``put_groupings`` reads of them before it writes (``sqlite_stories`` and
``pg_stories`` write them their own way)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from newsarchive.model import Article, Grouping, PredictedCategory, StoryRef, TopicRef
from newsarchive.store.base import ListedArticle
from newsarchive.store.grouping import (
    STORY_FROM,
    STORY_SELECT,
    StoredStory,
    StoryLike,
    StoryList,
    StoryPage,
    stored_story,
)
from newsarchive.store.statements import Statements

_MAX_STORY_ARTICLES = 1_000  # a story page lists at most this many


class StoryReads(Statements):
    """The stories a store holds (a mixin over its connection): what is the same on both
    backends."""

    _IDS_PER_QUERY = 500  # article ids looked up in one statement
    _STORIES_NEWEST = STORY_FROM  # the tables as ``stories`` walks them newest first
    _keyset: Callable[[str], Iterator[Article]]
    _listed: Callable[[list[int]], tuple[ListedArticle, ...]]

    # -- what put_groupings reads ------------------------------------------------

    def _nums(self, ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), self._IDS_PER_QUERY):
            condition, params = self._in("id", unique[start : start + self._IDS_PER_QUERY])
            found.update(
                (str(aid), int(num))
                for aid, num in self._execute(
                    f"SELECT id, num FROM articles WHERE {condition}", params
                )
            )
        return found

    def _stories_of_originals(self) -> dict[int, str]:
        """The story of each grouped article that is not a near-duplicate."""
        return {
            int(num): str(sid)
            for num, sid in self._execute(
                "SELECT article_num, story_id FROM groupings WHERE story_id IS NOT NULL"
                " AND duplicate_of IS NULL"
            )
        }

    def _vanished_stories(
        self, stories: Sequence[StoryLike], previous: dict[int, str], wanted: dict[int, str]
    ) -> tuple[list[str], dict[str, Counter[str]]]:
        """The stored stories the clusterer no longer reports, and for each (when any of
        its articles went on) how many of its articles each current story now holds."""
        current = {s.id for s in stories}
        into: dict[str, Counter[str]] = {}
        for num, old in previous.items():
            if old not in current and num in wanted:
                into.setdefault(old, Counter())[wanted[num]] += 1
        vanished = [
            str(sid)
            for (sid,) in self._execute("SELECT id FROM stories WHERE merged_into IS NULL")
            if sid not in current
        ]
        return vanished, into

    # -- reading ---------------------------------------------------------------

    def grouping(self, article_id: str) -> Grouping:
        row = self._execute(
            "SELECT a.num, g.story_id, g.duplicate_of, s.label, s.topic, t.label FROM articles a"
            " LEFT JOIN groupings g ON g.article_num = a.num"
            " LEFT JOIN stories s ON s.id = g.story_id LEFT JOIN topics t ON t.id = s.topic"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return Grouping()
        num, story_id, duplicate_of, label, topic_id, topic_label = row
        predicted = tuple(
            PredictedCategory(str(name), float(confidence))
            for name, confidence in self._execute(
                "SELECT name, confidence FROM predicted_categories WHERE article_num = ?"
                " ORDER BY position",
                (num,),
            )
        )
        story = StoryRef(story_id, label or "") if story_id is not None else None
        topic = TopicRef(topic_id, topic_label or "") if topic_id is not None else None
        return Grouping(story, duplicate_of, predicted, topic)

    def grouping_backlog(self) -> int:
        return self._count(
            "SELECT count(*) FROM articles a"
            " WHERE NOT EXISTS (SELECT 1 FROM groupings g WHERE g.article_num = a.num)"
        )

    def articles_needing_grouping(self, *, every: bool = False) -> Iterator[Article]:
        if every:
            return self._keyset("1 = 1")
        return self._keyset("NOT EXISTS (SELECT 1 FROM groupings g WHERE g.article_num = a.num)")

    def articles_without_categories(self) -> Iterator[Article]:
        return self._keyset(
            "NOT EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_num = a.num)"
        )

    def story(self, story_id: str) -> StoryPage | None:
        found = self._story_row(story_id)
        if found is not None and found.merged_into is not None:
            found = self._story_row(found.merged_into)
        if found is None:
            return None
        nums = [
            int(num)
            for (num,) in self._execute(
                "SELECT g.article_num FROM groupings g JOIN articles a ON a.num = g.article_num"
                " WHERE g.story_id = ? ORDER BY a.published IS NULL, a.published, a.num LIMIT ?",
                (found.id, _MAX_STORY_ARTICLES),
            )
        ]
        return StoryPage(found, self._listed(nums))

    def _story_row(self, story_id: str) -> StoredStory | None:
        row = self._execute(
            f"SELECT {STORY_SELECT} FROM {STORY_FROM} WHERE s.id = ?", (story_id,)
        ).fetchone()
        return None if row is None else stored_story(row)

    def stories(self, limit: int = 20, offset: int = 0) -> StoryList:
        rows = self._execute(
            f"SELECT {STORY_SELECT} FROM {self._STORIES_NEWEST}"
            " WHERE s.merged_into IS NULL ORDER BY coalesce(s.last, '') DESC, s.id DESC"
            " LIMIT ? OFFSET ?",
            (max(limit, 0), max(offset, 0)),
        ).fetchall()
        total = self._count("SELECT count(*) FROM stories WHERE merged_into IS NULL")
        return StoryList(tuple(stored_story(r) for r in rows), total)
