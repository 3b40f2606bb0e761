"""What the store keeps of stories and near-duplicates, as the CLI and the web see it.

The store does not import the clusterer: ``put_groupings`` takes anything shaped like
``stories.cluster.Story`` (``StoryLike``), and gives back ``StoredStory`` records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from newsarchive.store.base import ListedArticle

DEDUP_STATE = "dedup"  # the DuplicateIndex's bytes
CLUSTER_STATE = "clusterer"  # the StoryClusterer's bytes
CATEGORY_STATE = "category-model"  # the CategoryModel's bytes


class StoryLike(Protocol):
    """A story as the clusterer reports it (``stories.cluster.Story`` has these fields)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def key_entities(self) -> tuple[str, ...]: ...
    @property
    def article_ids(self) -> tuple[str, ...]: ...
    @property
    def first(self) -> str | None: ...
    @property
    def last(self) -> str | None: ...


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
class StoredStory:
    """A story as the archive keeps it: ``articles`` counts its articles, duplicates too."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    first: str | None
    last: str | None
    articles: int
    merged_into: str | None = None


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


def story_ids(stories: Sequence[StoryLike]) -> dict[str, str]:
    """article id -> story id."""
    return {aid: story.id for story in stories for aid in story.article_ids}
