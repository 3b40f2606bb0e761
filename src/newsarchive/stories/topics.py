"""Topics: event stories grouped by subject, incrementally (a football season, a public
figure, a peace process: many stories, one topic).

A topic's members are the articles of its stories; it keeps their term vectors summed
and the summed similarity of every pair of them, so its *cohesion* (the mean similarity
between members) is known at any size. When an article starts a new story, the story is
given a topic: the article's mean similarity to each candidate topic's members (average
link) is divided by that topic's cohesion raised to ``topic_cohesion_exponent``, mixed with
the overlap of key entities, and the best topic scoring ``topic_threshold`` takes the
story, else the story starts a topic. A loose topic (many events of one subject) thus
accepts an article about as close to it as its members are to each other, while a tight
one (a single event) stays apart from its neighbours. An article joining an existing story
joins that story's topic; after each article the topic is compared with its rivals the
same relative way, and two topics scoring ``topic_merge_threshold`` merge (the older id
survives, a union-find keeps the others pointing at it). Two stories merging merge their
topics. A topic's id derives from the story that started it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from newsarchive.model import make_article_id
from newsarchive.stories import vectors as vec
from newsarchive.stories.options import ClusterOptions
from newsarchive.stories.vectors import SparseVector


def topic_id_for(story_id: str) -> str:
    """A topic's id: derived from the story that started it."""
    return make_article_id(f"topic:{story_id}")


def overlap(a: Iterable[str], b: frozenset[str]) -> float:
    """Shared names over the smaller set; -1 when either side names none."""
    sa = frozenset(a)
    if not sa or not b:
        return -1.0
    return len(sa & b) / min(len(sa), len(b))


class _Topic:
    __slots__ = ("centroid", "entities", "id", "key_cache", "key_size", "pairs", "seq", "size")

    def __init__(self, topic_id: str, seq: int) -> None:
        self.id = topic_id
        self.seq = seq
        self.centroid: dict[int, float] = {}  # the members' vectors summed (pruned)
        self.pairs = 0.0  # the similarities of every pair of members, summed
        self.size = 0  # members (articles)
        self.entities: Counter[str] = Counter()
        self.key_cache: frozenset[str] = frozenset()
        self.key_size = -1

    def cohesion(self, prior: float) -> float:
        """The mean similarity between members, ``prior`` counting as one more pair."""
        return (prior + self.pairs) / (1.0 + self.size * (self.size - 1) / 2)

    def keys(self, count: int) -> frozenset[str]:
        if self.key_size != self.size:
            self.key_cache = frozenset(name for name, _ in self.entities.most_common(count))
            self.key_size = self.size
        return self.key_cache


class TopicGrouper:
    """The topic of every story, kept up to date article by article."""

    def __init__(self, options: ClusterOptions) -> None:
        self.options = options
        self._of_story: dict[str, str] = {}  # story id (when it started) -> topic id then
        self._topics: dict[str, _Topic] = {}
        self._parent: dict[str, str] = {}
        self._seq = 0

    def add(
        self,
        story_id: str,
        vector: SparseVector,
        entities: Sequence[str],
        rival_stories: Iterable[str],
    ) -> str:
        """File an article of ``story_id`` (a story new to the grouper gets a topic now);
        ``rival_stories`` are the stories it was compared with, whose topics are the
        candidates. The id of the article's topic, after any merge."""
        rivals = self._live_topics(rival_stories)
        names = entities[: self.options.key_entity_count]
        if story_id in self._of_story:
            topic = self._topics[self.topic_of(story_id)]
        else:
            topic = self._choose(vector, names, rivals) or self._new_topic(story_id)
            self._of_story[story_id] = topic.id
        self._file(topic, vector, names)
        for rival in rivals:
            live = rival.id in self._topics and rival.id != topic.id
            if live and self._pair_score(topic, rival) >= self.options.topic_merge_threshold:
                topic = self._merge(topic, rival)
        return topic.id

    def merge_stories(self, keep: str, gone: str) -> None:
        """Story ``gone`` merged into ``keep``: one story has one topic."""
        a, b = self.topic_of(keep), self.topic_of(gone)
        if a != b:
            self._merge(self._topics[a], self._topics[b])

    def topic_of(self, story_id: str) -> str:
        """The current topic of a story the grouper has seen (any id it ever had)."""
        return self._find(self._of_story[story_id])

    def __contains__(self, story_id: object) -> bool:
        return story_id in self._of_story

    # -- scoring ---------------------------------------------------------------------------

    def _live_topics(self, stories: Iterable[str]) -> list[_Topic]:
        seen = dict.fromkeys(self.topic_of(s) for s in stories if s in self._of_story)
        return [self._topics[t] for t in seen]

    def _choose(
        self, vector: SparseVector, names: Sequence[str], rivals: list[_Topic]
    ) -> _Topic | None:
        opts = self.options
        scored = []
        for topic in rivals:
            link = vec.dot(vector, topic.centroid) / max(topic.size, 1)
            text = self._relative(link, topic.cohesion(opts.topic_cohesion_prior))
            score = self._blend(text, names, topic.keys(opts.key_entity_count))
            scored.append((-score, topic.seq, topic))
        if not scored:
            return None
        score, _, best = min(scored)
        return best if -score >= opts.topic_threshold else None

    def _pair_score(self, a: _Topic, b: _Topic) -> float:
        prior = self.options.topic_cohesion_prior
        link = vec.dict_dot(a.centroid, b.centroid) / max(a.size * b.size, 1)
        cohesion = math.sqrt(max(a.cohesion(prior), 0.0) * max(b.cohesion(prior), 0.0))
        count = self.options.key_entity_count
        return self._blend(self._relative(link, cohesion), a.keys(count), b.keys(count))

    def _relative(self, link: float, cohesion: float) -> float:
        floor = self.options.topic_cohesion_floor
        return link / float(max(cohesion, floor) ** self.options.topic_cohesion_exponent)

    def _blend(self, text: float, names: Iterable[str], keys: frozenset[str]) -> float:
        shared = overlap(names, keys)
        if shared < 0:
            return text
        weight = self.options.topic_entity_weight
        return (1.0 - weight) * text + weight * shared

    # -- bookkeeping -----------------------------------------------------------------------

    def _new_topic(self, story_id: str) -> _Topic:
        topic = _Topic(topic_id_for(story_id), self._seq)
        self._seq += 1
        self._topics[topic.id] = topic
        self._parent[topic.id] = topic.id
        return topic

    def _file(self, topic: _Topic, vector: SparseVector, names: Sequence[str]) -> None:
        if topic.size:
            topic.pairs += vec.dot(vector, topic.centroid)
        topic.size += 1
        topic.entities.update(dict.fromkeys(names, 1))
        vec.add_into(topic.centroid, vector)
        if len(topic.centroid) > 2 * self.options.topic_centroid_terms:
            topic.centroid = vec.prune(topic.centroid, self.options.topic_centroid_terms)

    def _merge(self, a: _Topic, b: _Topic) -> _Topic:
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        keep.pairs += gone.pairs + vec.dict_dot(keep.centroid, gone.centroid)
        vec.add_dict_into(keep.centroid, gone.centroid)
        keep.centroid = vec.prune(keep.centroid, self.options.topic_centroid_terms)
        keep.size += gone.size
        keep.entities.update(gone.entities)
        keep.key_size = -1
        self._parent[gone.id] = keep.id
        del self._topics[gone.id]
        return keep

    def _find(self, tid: str) -> str:
        root = tid
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[tid] != root:
            self._parent[tid], tid = root, self._parent[tid]
        return root

    # -- reading and bytes -----------------------------------------------------------------

    def live(self) -> list[tuple[str, dict[int, float], Counter[str], int]]:
        """Every topic, oldest first: id, summed member vectors, entity counts, size."""
        topics = sorted(self._topics.values(), key=lambda t: t.seq)
        return [(t.id, t.centroid, t.entities, t.size) for t in topics]

    def to_meta(self) -> dict[str, Any]:
        topics = sorted(self._topics.values(), key=lambda t: t.seq)
        return {
            "seq": self._seq,
            "parent": self._parent,
            "of_story": self._of_story,
            "topics": [[t.id, t.seq, t.size, t.pairs, sorted(t.entities.items())] for t in topics],
        }

    def centroids(self) -> list[dict[int, float]]:
        return [t.centroid for t in sorted(self._topics.values(), key=lambda t: t.seq)]

    @classmethod
    def from_meta(
        cls, options: ClusterOptions, meta: dict[str, Any], centroids: Sequence[dict[int, float]]
    ) -> TopicGrouper:
        self = cls(options)
        self._seq, self._parent, self._of_story = meta["seq"], meta["parent"], meta["of_story"]
        for (tid, seq, size, pairs, counts), centroid in zip(
            meta["topics"], centroids, strict=True
        ):
            topic = _Topic(tid, seq)
            topic.size, topic.pairs, topic.entities = size, pairs, Counter(dict(counts))
            topic.centroid = centroid
            self._topics[tid] = topic
        return self
