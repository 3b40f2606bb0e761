"""Topics: stories of one subject grouped, stories of another kept apart."""

from __future__ import annotations

from collections.abc import Callable

from newsarchive.stories.cluster import ClusterOptions, StoryClusterer, StoryItem, clustered
from newsarchive.stories.topics import topic_id_for
from tests.stories.test_cluster import QUAKE, TRANSFER, items


def test_a_topic_per_subject_named_after_its_first_story() -> None:
    clusterer = StoryClusterer()
    batch = items(QUAKE, "q", "2024-03-05") + items(TRANSFER, "t", "2024-03-05")
    for item in batch:
        clusterer.add(item)
    assert clusterer.topic_of("q0") == clusterer.topic_of("q2") != clusterer.topic_of("t1")
    assert clusterer.topic_of("q0") == topic_id_for(clusterer.story_of("q0"))
    quake = next(t for t in clusterer.topics() if t.id == clusterer.topic_of("q0"))
    assert quake.label in {title for title, _ in QUAKE}
    assert quake.first == quake.last == "2024-03-05"


def test_stories_merging_merge_their_topics() -> None:
    options = ClusterOptions(threshold=0.5, merge_threshold=0.2, text_names=False,
                             topic_threshold=5.0, topic_merge_threshold=5.0)  # fmt: skip
    clusterer = StoryClusterer(options)
    clusterer.add(StoryItem("a", "Reactor", "reactor coolant leak plant", (), None))
    clusterer.add(StoryItem("b", "Evacuation", "evacuation residents buses town", (), None))
    assert clusterer.topic_of("a") != clusterer.topic_of("b")
    bridge = "reactor coolant leak plant evacuation residents buses town"
    clusterer.add(StoryItem("c", "Reactor leak", bridge, (), None))
    assert clusterer.topic_of("a") == clusterer.topic_of("b") == clusterer.topic_of("c")
    assert len(clusterer.topics()) == 1


def test_topics_agree_from_scratch_and_in_any_order() -> None:
    batch = items(QUAKE, "q") + items(TRANSFER, "t")
    scratch = clustered(batch)
    expected = _together(scratch.topic_of, batch)
    for order in (batch, batch[::-1]):
        clusterer = StoryClusterer()
        for item in order:
            clusterer.add(item)
        assert _together(clusterer.topic_of, batch) == expected


def _together(topic_of: Callable[[str], str], batch: list[StoryItem]) -> set[tuple[str, str]]:
    ids = [item.article_id for item in batch]
    return {(a, b) for a in ids for b in ids if topic_of(a) == topic_of(b)}
