"""What the store keeps of stories, topics and near-duplicates, as the CLI and the web
see it.

The store does not import the clusterer: ``put_groupings`` takes anything shaped like
``stories.cluster.Story`` and ``Topic`` (``StoryLike``, ``TopicLike``), and gives back
``StoredStory`` and ``StoredTopic`` records. The pure parts both backends share (reading a
row, deciding where a vanished topic went) live here too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from newsarchive.model import TopicRef
from newsarchive.store.base import ListedArticle

DEDUP_STATE = "dedup"  # the DuplicateIndex's bytes
CLUSTER_STATE = "clusterer"  # the StoryClusterer's bytes
CATEGORY_STATE = "category-model"  # the CategoryModel's bytes


class _Clustered(Protocol):
    """What the clusterer reports of a story and of a topic alike."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def key_entities(self) -> tuple[str, ...]: ...
    @property
    def first(self) -> str | None: ...
    @property
    def last(self) -> str | None: ...


class StoryLike(_Clustered, Protocol):
    """A story as the clusterer reports it (``stories.cluster.Story`` has these fields)."""

    @property
    def article_ids(self) -> tuple[str, ...]: ...


class TopicLike(_Clustered, Protocol):
    """A topic as the clusterer reports it (``stories.cluster.Topic`` has these fields)."""

    @property
    def story_ids(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story to store, when there is no clusterer's ``Story`` at hand (tests, imports)."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    article_ids: tuple[str, ...]
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class TopicRecord:
    """A topic to store, when there is no clusterer's ``Topic`` at hand (tests, imports)."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    story_ids: tuple[str, ...]
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A story as the archive keeps it: ``articles`` counts its articles, duplicates too;
    ``topic`` is the topic it belongs to (None before topics were stored)."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    first: str | None
    last: str | None
    articles: int
    merged_into: str | None = None
    topic: TopicRef | None = None


@dataclass(frozen=True, slots=True)
class StoredTopic:
    """A topic as the archive keeps it: its current stories and their articles
    (duplicates too) counted; a merged topic keeps its row, pointing at the survivor."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    first: str | None
    last: str | None
    stories: int
    articles: int
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class TopicPage:
    """A topic with its stories, oldest first (undated last), and its articles per day
    (``days``: the first ten characters of each dated article's ``published``, with
    the number of articles, in order; the web checks they are dates)."""

    topic: StoredTopic
    stories: tuple[StoredStory, ...]
    days: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class TopicList:
    items: tuple[StoredTopic, ...]
    total: int


@dataclass(frozen=True, slots=True)
class StoryPage:
    """A story with its articles, oldest first (undated last); duplicates carry
    ``duplicate_of``."""

    story: StoredStory
    articles: tuple[ListedArticle, ...]


@dataclass(frozen=True, slots=True)
class StoryList:
    items: tuple[StoredStory, ...]
    total: int


@dataclass(frozen=True, slots=True)
class GroupingCounts:
    """What one ``put_groupings`` wrote."""

    grouped: int  # articles seen for the first time (or again, after a rebuild)
    duplicates: int  # of those, near-duplicates of an earlier article
    stories: int  # current stories after the write
    new_stories: int  # stories that did not exist before the write
    topics: int = 0  # current topics after the write
    new_topics: int = 0  # topics that did not exist before the write


def story_ids(stories: Sequence[StoryLike]) -> dict[str, str]:
    """article id -> story id."""
    return {aid: story.id for story in stories for aid in story.article_ids}


def story_topics(topics: Sequence[TopicLike]) -> dict[str, str]:
    """story id -> topic id."""
    return {sid: topic.id for topic in topics for sid in topic.story_ids}


def vanished_topics(
    vanished: Iterable[str],
    previous: Mapping[str, str],
    merged: Mapping[str, str],
    wanted: Mapping[str, str],
) -> dict[str, str | None]:
    """Where each vanished topic went: the current topic now holding most of the stories
    it had (``previous``: story -> its stored topic; a story merged since, per
    ``merged``, counts for the story it joined; ``wanted``: story -> its topic now), the
    older id on a tie; None when none of its stories is left (the topic is dropped)."""
    votes: dict[str, Counter[str]] = {}
    for story_id, old in previous.items():
        now = wanted.get(story_id) or wanted.get(merged.get(story_id, ""))
        if now is not None and now != old:
            votes.setdefault(old, Counter())[now] += 1
    return {tid: votes[tid].most_common(1)[0][0] if tid in votes else None for tid in vanished}


def stored_story(row: Sequence[object]) -> StoredStory:
    """A ``StoredStory`` from ``STORY_SELECT``'s columns."""
    sid, label, entities, first, last, articles, merged_into, topic, topic_label = row
    return StoredStory(
        id=str(sid),
        label=str(label),
        key_entities=tuple(json.loads(str(entities))),
        first=None if first is None else str(first),
        last=None if last is None else str(last),
        articles=int(str(articles)),
        merged_into=None if merged_into is None else str(merged_into),
        topic=None if topic is None else TopicRef(str(topic), str(topic_label or "")),
    )


def stored_topic(row: Sequence[object]) -> StoredTopic:
    """A ``StoredTopic`` from ``TOPIC_COLUMNS``."""
    tid, label, entities, first, last, stories, articles, merged_into = row
    return StoredTopic(
        id=str(tid),
        label=str(label),
        key_entities=tuple(json.loads(str(entities))),
        first=None if first is None else str(first),
        last=None if last is None else str(last),
        stories=int(str(stories)),
        articles=int(str(articles)),
        merged_into=None if merged_into is None else str(merged_into),
    )


# a story with its topic's label: ``FROM stories s LEFT JOIN topics t ON t.id = s.topic``
STORY_SELECT = (
    "s.id, s.label, s.key_entities, s.first, s.last, s.articles, s.merged_into, s.topic, t.label"
)
STORY_FROM = "stories s LEFT JOIN topics t ON t.id = s.topic"
TOPIC_COLUMNS = "id, label, key_entities, first, last, stories, articles, merged_into"
