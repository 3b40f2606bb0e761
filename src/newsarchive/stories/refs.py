"""An article's grouping once a clusterer has seen a whole batch: its story and topic
(with their labels) and the original it near-duplicates (``parse --stories``, ``batch``)."""

from __future__ import annotations

from collections.abc import Callable

from newsarchive.model import Grouping, PredictedCategory, StoryRef, TopicRef
from newsarchive.stories.cluster import StoryClusterer

Grouper = Callable[[str, str | None, tuple[PredictedCategory, ...]], Grouping]


def grouper(clusterer: StoryClusterer) -> Grouper:
    """A function giving an article's ``Grouping`` from its id, its original (None for an
    original) and its predicted categories; a near-duplicate is in its original's story."""
    labels = {story.id: story.label for story in clusterer.stories()}
    topic_labels = {topic.id: topic.label for topic in clusterer.topics()}

    def grouping(
        article_id: str, original: str | None, predicted: tuple[PredictedCategory, ...] = ()
    ) -> Grouping:
        member = original or article_id
        story_id, topic_id = clusterer.story_of(member), clusterer.topic_of(member)
        return Grouping(
            StoryRef(story_id, labels.get(story_id, "")),
            original,
            predicted,
            TopicRef(topic_id, topic_labels.get(topic_id, "")),
        )

    return grouping
