"""What the story and topic pages show: a story's timeline, a topic's stories, and their
articles per day as the geometry of a bar chart (``charts.timeline_chart``, drawn by the
template as inline SVG, with a table of the same numbers). Pure: built from store
objects, no HTML."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote

from newsarchive.store.base import ListedArticle, Store
from newsarchive.store.grouping import StoredStory, StoredTopic, StoryList, TopicList
from newsarchive.web.charts import TimelineChart, as_day, per_bucket, timeline_chart
from newsarchive.web.problems import not_found

SAME_STORY_LINKS = 8


def story_path(story_id: str) -> str:
    return f"/story/{quote(story_id, safe='')}"


def topic_path(topic_id: str) -> str:
    return f"/topic/{quote(topic_id, safe='')}"


@dataclass(frozen=True, slots=True)
class StoryView:
    story: StoredStory
    articles: tuple[ListedArticle, ...]  # oldest first, undated last
    chart: TimelineChart | None
    counts: tuple[tuple[str, int], ...]  # the chart's numbers, for its table
    bucket: str


def story_view(store: Store, story_id: str) -> StoryView:
    page = store.story(story_id)
    if page is None:
        raise not_found(f"The story {story_id!r}")
    days = Counter(as_day(a.published) for a in page.articles if a.published)
    bucket, counts = per_bucket(days)
    return StoryView(
        page.story, page.articles, timeline_chart(bucket, counts), tuple(counts), bucket
    )


def stories_list(store: Store, page: int, size: int) -> StoryList:
    return store.stories(size, (page - 1) * size)


@dataclass(frozen=True, slots=True)
class TopicView:
    topic: StoredTopic
    stories: tuple[StoredStory, ...]  # oldest first, undated last
    chart: TimelineChart | None
    counts: tuple[tuple[str, int], ...]  # the chart's numbers, for its table
    bucket: str


def topic_view(store: Store, topic_id: str) -> TopicView:
    page = store.topic(topic_id)
    if page is None:
        raise not_found(f"The topic {topic_id!r}")
    bucket, counts = per_bucket(dict(page.days))
    return TopicView(
        page.topic, page.stories, timeline_chart(bucket, counts), tuple(counts), bucket
    )


def topics_list(store: Store, page: int, size: int) -> TopicList:
    return store.topics(size, (page - 1) * size)


def same_story(store: Store, story_id: str | None, article_id: str) -> tuple[ListedArticle, ...]:
    """The other articles of the article's story (a few, in time order), for its page."""
    if story_id is None:
        return ()
    page = store.story(story_id)
    if page is None:
        return ()
    others = [a for a in page.articles if a.id != article_id]
    return tuple(others[:SAME_STORY_LINKS])
