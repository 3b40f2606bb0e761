"""Incremental clustering of articles into stories (events), and of stories into topics.

A new article is compared with the stories that share its strongest terms or its entities
(an inverted index, so the cost does not grow with the archive). Its score against a story
is the cosine of its term vector with the story's centroid, mixed with the overlap of the
names they share (the enricher's entities; without them, the capitalised phrases of the
text, ``names.py``), minus a penalty that grows with the days between the article and the
story's time span (an undated article, or an undated story, is judged on its text and
names alone). It joins the best story scoring at least ``threshold``, else it starts one.
After a join, the story is compared with its nearest rivals: two stories whose centroids
have come close (``merge_threshold``) merge, and the older id survives; a union-find of
story ids keeps ``story_of`` pointing at the survivor.

Every story belongs to a topic (``topics.py``): a story's first article picks it, and
topics merge as evidence grows. ``cluster_batch`` runs the same algorithm from scratch in
publication order, then merges the stories that have come close (``consolidate``); the
benchmark (``benchmarks/bench_stories.py``) measures how far it is from incremental
clustering in arrival order, at both levels.
"""

from __future__ import annotations

import io
import json
import math
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

import numpy as np

from newsarchive.model import Article, Enrichment, make_article_id
from newsarchive.stories import state
from newsarchive.stories import vectors as vec
from newsarchive.stories.labels import central_title, key_entities
from newsarchive.stories.names import capitalised_names
from newsarchive.stories.options import ClusterOptions
from newsarchive.stories.topics import TopicGrouper, overlap
from newsarchive.stories.vectors import SparseVector, TermWeights

__all__ = [
    "ClusterOptions", "Story", "StoryClusterer", "StoryItem", "Topic", "cluster_batch",
    "clustered", "story_id_for", "story_item",
]  # fmt: skip

FORMAT = "newsarchive-stories/3"
FORMAT_1 = "newsarchive-stories/1"  # no topics: read, and its topics rebuilt


@dataclass(frozen=True, slots=True)
class StoryItem:
    """What clustering reads of an article."""

    article_id: str
    title: str
    text: str
    entities: tuple[str, ...]
    published: str | None


@dataclass(frozen=True, slots=True)
class Story:
    """A story (one event or development): its label, key entities, articles in timeline
    order, time span, and the topic it belongs to."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    article_ids: tuple[str, ...]
    first: str | None
    last: str | None
    topic: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    """Related stories: a label (the most central story's), key entities, the stories
    oldest first, and the time span of their articles."""

    id: str
    label: str
    key_entities: tuple[str, ...]
    story_ids: tuple[str, ...]
    first: str | None
    last: str | None


def story_item(article: Article, enrichment: Enrichment | None) -> StoryItem:
    """An article as clustering sees it: title, summary and body; the enrichment's
    people, organisations and places by canonical name, most mentioned first."""
    text = "\n".join(p for p in (article.summary, *article.paragraphs) if p)
    entities: tuple[str, ...] = ()
    if enrichment is not None:
        ranked = sorted(enrichment.entities, key=lambda e: -len(e.mentions))
        entities = tuple(dict.fromkeys(e.name for e in ranked))
    return StoryItem(article.id, article.headline, text, entities, article.published)


def story_id_for(article_id: str) -> str:
    """A story's id: derived from the article that started it."""
    return make_article_id(f"story:{article_id}")


def _day(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _gap(day: int | None, first: int | None, last: int | None) -> int:
    if day is None or first is None or last is None:
        return 0
    return max(first - day, day - last, 0)


class _Story:
    __slots__ = (
        "centroid", "entities", "first", "first_day", "id", "key_cache", "key_size",
        "last", "last_day", "members", "norm", "seq",
    )  # fmt: skip

    def __init__(self, story_id: str, seq: int) -> None:
        self.id = story_id
        self.seq = seq
        self.centroid: dict[int, float] = {}
        self.norm = 0.0
        self.entities: Counter[str] = Counter()
        self.members: list[int] = []
        self.first: str | None = None
        self.last: str | None = None
        self.first_day: int | None = None
        self.last_day: int | None = None
        self.key_cache: frozenset[str] = frozenset()
        self.key_size = -1

    def keys(self, count: int) -> frozenset[str]:
        if self.key_size != len(self.members):
            self.key_cache = frozenset(name for name, _ in self.entities.most_common(count))
            self.key_size = len(self.members)
        return self.key_cache

    def add_dates(self, published: str | None, day: int | None) -> None:
        if published is None or day is None:
            return
        if self.first_day is None or day < self.first_day:
            self.first, self.first_day = published, day
        if self.last_day is None or day > self.last_day:
            self.last, self.last_day = published, day

    def gap_to(self, other: _Story) -> int:
        """Days between the two time spans (0 when they overlap or either is undated)."""
        if self.first_day is None or self.last_day is None:
            return 0
        return max(
            _gap(self.first_day, other.first_day, other.last_day),
            _gap(self.last_day, other.first_day, other.last_day),
        ) * (not _spans_overlap(self, other))


def _spans_overlap(a: _Story, b: _Story) -> bool:
    if None in (a.first_day, a.last_day, b.first_day, b.last_day):
        return True
    return a.first_day <= b.last_day and b.first_day <= a.last_day  # type: ignore[operator]


class StoryClusterer:
    """Stories built one article at a time, and their topics; see the module docstring."""

    def __init__(self, options: ClusterOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self._weights = TermWeights()
        self._ids: list[str] = []
        self._titles: list[str] = []
        self._published: list[str | None] = []
        self._entities: list[tuple[str, ...]] = []  # the names each article was filed with
        self._vectors: list[SparseVector] = []
        self._joined: list[str] = []  # the story each article joined (before later merges)
        self._index: dict[str, int] = {}
        self._stories: dict[str, _Story] = {}
        self._parent: dict[str, str] = {}
        self._term_postings: dict[int, list[str]] = {}
        self._entity_postings: dict[str, list[str]] = {}
        self._topics = TopicGrouper(self.options)
        self._seq = 0

    def __len__(self) -> int:
        return len(self._ids)

    # -- the algorithm ---------------------------------------------------------------------

    def add(self, item: StoryItem, *, counted: bool = False) -> str:
        """File one article; the id of the story it joins or starts. An article already
        filed is not filed again: its current story is returned. ``counted``: its terms
        were counted beforehand (``count``)."""
        if item.article_id in self._index:
            return self.story_of(item.article_id)
        keep = self.options.keep_terms
        vector = self._weights.add(item.title, item.text, keep=keep, counted=counted)
        names = item.entities
        if not names and self.options.text_names:
            names = capitalised_names(item.title, item.text)
        day = _day(item.published)
        scored = self._score_candidates(vector, names, day)
        if scored and scored[0][0] >= self.options.threshold:
            story = scored[0][1]
        else:
            story = self._new_story(item.article_id)
        self._file(item, names, vector, day, story)
        self._topics.add(story.id, vector, names, (s.id for _, s in scored))
        if scored and story is scored[0][1]:
            story = self._merge_rivals(story, [s for _, s in scored[1:4]])
        return story.id

    def count(self, item: StoryItem) -> None:
        """Count an article's terms in the document frequencies before it is added (with
        ``counted=True``): from scratch, every article weighs terms as the whole set does."""
        if item.article_id not in self._index:
            self._weights.count(item.title, item.text)

    def consolidate(self) -> int:
        """Merge the stories whose centroids have come close (``merge_threshold``), each
        compared with the stories sharing its strongest terms or names, until none do: what
        one pass in arrival order can miss. The number of merges."""
        merges = 0
        for sid in [s.id for s in sorted(self._stories.values(), key=lambda s: s.seq)]:
            if sid not in self._stories:
                continue
            story = self._stories[sid]
            terms = vec.top_terms(story.centroid, self.options.query_terms)
            names = [n for n, _ in story.entities.most_common(self.options.key_entity_count)]
            rivals = [r for r in self._lookup(terms, names) if r is not story]
            before = len(self._stories)
            self._merge_rivals(story, rivals[: self.options.candidates])
            merges += before - len(self._stories)
        return merges

    def _candidates(self, vector: SparseVector, names: tuple[str, ...]) -> list[_Story]:
        found = self._lookup(vector.terms[: self.options.query_terms].tolist(), names)
        return found[: self.options.candidates]

    def _lookup(self, terms: Iterable[int], names: Sequence[str]) -> list[_Story]:
        limit = self.options.postings
        counts: Counter[str] = Counter()
        for term in terms:
            for sid in self._term_postings.get(term, ())[-limit:]:
                counts[self._find(sid)] += 1
        for name in names[: self.options.key_entity_count]:
            for sid in self._entity_postings.get(name, ())[-limit:]:
                counts[self._find(sid)] += 1
        return [self._stories[sid] for sid, _ in counts.most_common()]

    def _score_candidates(
        self, vector: SparseVector, names: tuple[str, ...], day: int | None
    ) -> list[tuple[float, _Story]]:
        count = self.options.key_entity_count
        scored = []
        for story in self._candidates(vector, names):
            text = vec.dot(vector, story.centroid) / story.norm if story.norm else 0.0
            score = self._blend(text, names[:count], story.keys(count))
            penalty = self._penalty(_gap(day, story.first_day, story.last_day))
            scored.append((score - penalty, story))
        scored.sort(key=lambda pair: (-pair[0], pair[1].seq))
        return scored

    def _blend(self, text: float, names: Iterable[str], keys: frozenset[str]) -> float:
        """Text similarity, mixed with name overlap when both sides name some (an article
        without names is judged on its text alone)."""
        shared = overlap(names, keys)
        if shared < 0:
            return text
        weight = self.options.entity_weight
        return (1.0 - weight) * text + weight * shared

    def _penalty(self, gap_days: int) -> float:
        if gap_days <= 0:
            return 0.0
        opts = self.options
        return opts.time_penalty * (1.0 - math.exp(-gap_days / opts.time_scale_days))

    def _new_story(self, article_id: str) -> _Story:
        story = _Story(story_id_for(article_id), self._seq)
        self._seq += 1
        self._stories[story.id] = story
        self._parent[story.id] = story.id
        return story

    def _file(
        self,
        item: StoryItem,
        names: tuple[str, ...],
        vector: SparseVector,
        day: int | None,
        story: _Story,
    ) -> None:
        index = len(self._ids)
        self._index[item.article_id] = index
        self._ids.append(item.article_id)
        self._titles.append(item.title)
        self._published.append(item.published)
        self._entities.append(names)
        self._vectors.append(vector)
        self._joined.append(story.id)
        self._join(story, index, day)

    def _join(self, story: _Story, index: int, day: int | None) -> None:
        vector, names = self._vectors[index], self._entities[index]
        story.members.append(index)
        story.entities.update(dict.fromkeys(names, 1))
        story.add_dates(self._published[index], day)
        vec.add_into(story.centroid, vector)
        if len(story.centroid) > 2 * self.options.centroid_terms:
            story.centroid = vec.prune(story.centroid, self.options.centroid_terms)
        story.norm = vec.norm(story.centroid)
        self._post(story.id, vector, names)

    def _post(self, sid: str, vector: SparseVector, names: Sequence[str]) -> None:
        for term in vector.terms[: self.options.query_terms].tolist():
            self._append(self._term_postings.setdefault(term, []), sid)
        for name in names[: self.options.key_entity_count]:
            self._append(self._entity_postings.setdefault(name, []), sid)

    def _append(self, posting: list[str], sid: str) -> None:
        if not posting or posting[-1] != sid:
            posting.append(sid)
            if len(posting) > 2 * self.options.postings:
                del posting[: -self.options.postings]

    def _merge_rivals(self, story: _Story, rivals: list[_Story]) -> _Story:
        count = self.options.key_entity_count
        for rival in rivals:
            if rival.id not in self._stories or rival.id == story.id:
                continue
            text = vec.dict_dot(story.centroid, rival.centroid) / (story.norm * rival.norm or 1.0)
            score = self._blend(text, story.keys(count), rival.keys(count))
            if score - self._penalty(story.gap_to(rival)) >= self.options.merge_threshold:
                story = self._merge(story, rival)
        return story

    def _merge(self, a: _Story, b: _Story) -> _Story:
        keep, gone = (a, b) if a.seq < b.seq else (b, a)
        vec.add_dict_into(keep.centroid, gone.centroid)
        keep.centroid = vec.prune(keep.centroid, self.options.centroid_terms)
        keep.norm = vec.norm(keep.centroid)
        keep.entities.update(gone.entities)
        keep.members.extend(gone.members)
        keep.members.sort()
        keep.add_dates(gone.first, gone.first_day)
        keep.add_dates(gone.last, gone.last_day)
        keep.key_size = -1
        self._parent[gone.id] = keep.id
        del self._stories[gone.id]
        self._topics.merge_stories(keep.id, gone.id)
        return keep

    def _find(self, sid: str) -> str:
        root = sid
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[sid] != root:
            self._parent[sid], sid = root, self._parent[sid]
        return root

    # -- reading ---------------------------------------------------------------------------

    def story_of(self, article_id: str) -> str:
        """The current story of a filed article (following merges); KeyError if not filed."""
        return self._find(self._joined[self._index[article_id]])

    def topic_of(self, article_id: str) -> str:
        """The current topic of a filed article's story; KeyError if not filed."""
        return self._topics.topic_of(self.story_of(article_id))

    def stories(self) -> list[Story]:
        """Every story, oldest first, with its articles in timeline order (undated last)."""
        return [self._story(story) for story in sorted(self._stories.values(), key=_by_seq)]

    def _story(self, story: _Story) -> Story:
        members = sorted(
            story.members,
            key=lambda i: (self._published[i] is None, self._published[i] or "", i),
        )
        label = central_title(
            [self._titles[i] for i in members],
            [self._vectors[i] for i in members],
            story.centroid,
        )
        return Story(
            id=story.id,
            label=label,
            key_entities=key_entities(story.entities, len(members)),
            article_ids=tuple(self._ids[i] for i in members),
            first=story.first,
            last=story.last,
            topic=self._topics.topic_of(story.id),
        )

    def topics(self) -> list[Topic]:
        """Every topic, oldest first: its stories oldest first, labelled by the story whose
        articles are closest to the topic's (on a tie, the older)."""
        stories: dict[str, list[_Story]] = {}
        for story in sorted(self._stories.values(), key=_by_seq):
            stories.setdefault(self._topics.topic_of(story.id), []).append(story)
        out = []
        for tid, centroid, names, size in self._topics.live():
            members = stories.get(tid, [])
            central = max(members, key=lambda s: _closeness(s, centroid), default=None)
            days = [d for s in members for d in (s.first, s.last) if d is not None]
            out.append(
                Topic(
                    id=tid,
                    label=self._story(central).label if central is not None else "",
                    key_entities=key_entities(names, size),
                    story_ids=tuple(s.id for s in members),
                    first=min(days, default=None),
                    last=max(days, default=None),
                )
            )
        return out

    # -- bytes -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The whole state as an uncompressed ``.npz`` of plain arrays and one JSON document
        (no pickle): the arrays are hashed term ids and weights, which compress poorly, and
        compressing cost seconds on every write of a large archive."""
        live = sorted(self._stories.values(), key=_by_seq)
        meta = {
            "format": FORMAT,
            "options": asdict(self.options),
            "documents": self._weights.documents,
            "seq": self._seq,
            "articles": [
                self._ids, self._titles, self._published, [list(e) for e in self._entities],
                self._joined,
            ],
            "parent": self._parent,
            "stories": [
                [s.id, s.seq, s.first, s.last, s.members, sorted(s.entities.items())] for s in live
            ],
            "topics": self._topics.to_meta(),
        }  # fmt: skip
        arrays = {
            "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8),
            "df": self._weights.df,
            **state.pack("vec", [(v.terms, v.weights) for v in self._vectors]),
            **state.pack("cen", [state.dict_row(s.centroid) for s in live]),
            **state.pack("top", [state.dict_row(c) for c in self._topics.centroids()]),
        }
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryClusterer:
        """A clusterer from ``to_bytes``. A state of format 1 (before topics) keeps its
        articles, stories and options; its topics are rebuilt from its articles."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            loaded = {name: arrays[name] for name in arrays.files}
        meta = json.loads(loaded["meta"].tobytes().decode("utf-8"))
        if meta.get("format") not in (FORMAT, FORMAT_1):
            raise ValueError(f"not a story clusterer state ({meta.get('format')!r})")
        known = {f.name for f in fields(ClusterOptions)}
        self = cls(ClusterOptions(**{k: v for k, v in meta["options"].items() if k in known}))
        self._weights = TermWeights(loaded["df"].astype(np.int32), meta["documents"])
        self._seq = meta["seq"]
        ids, titles, published, entities, joined = meta["articles"]
        self._ids, self._titles, self._published, self._joined = ids, titles, published, joined
        self._entities = [tuple(e) for e in entities]
        self._index = {article_id: i for i, article_id in enumerate(ids)}
        self._vectors = [SparseVector(t, w) for t, w in state.unpack("vec", loaded)]
        self._parent = meta["parent"]
        for row, centroid in zip(meta["stories"], state.unpack("cen", loaded), strict=True):
            story = _loaded_story(row)
            story.centroid = state.row_dict(centroid)
            story.norm = vec.norm(story.centroid)
            self._stories[story.id] = story
        for i, vector in enumerate(self._vectors):
            self._post(self._find(self._joined[i]), vector, self._entities[i])
        if "topics" in meta:
            centroids = [state.row_dict(row) for row in state.unpack("top", loaded)]
            self._topics = TopicGrouper.from_meta(self.options, meta["topics"], centroids)
        else:
            self._rebuild_topics()
        return self

    def _rebuild_topics(self) -> None:
        """Topics for a state that had none: its articles replayed in arrival order, each
        with its current story, against the stories sharing its terms or names."""
        for i, vector in enumerate(self._vectors):
            names = self._entities[i]
            rivals = [s.id for s in self._candidates(vector, names)]
            self._topics.add(self._find(self._joined[i]), vector, names, rivals)


def _by_seq(story: _Story) -> int:
    return story.seq


def _closeness(story: _Story, centroid: dict[int, float]) -> float:
    return vec.dict_dot(story.centroid, centroid) / (story.norm or 1.0)


def _loaded_story(row: list[Any]) -> _Story:
    sid, seq, first, last, members, counts = row
    story = _Story(sid, seq)
    story.members, story.entities = members, Counter(dict(counts))
    story.add_dates(first, _day(first))
    story.add_dates(last, _day(last))
    return story


def clustered(items: Sequence[StoryItem], options: ClusterOptions | None = None) -> StoryClusterer:
    """Stories and topics from scratch: the incremental algorithm over ``items`` in
    publication order (undated articles last, in the given order), then ``consolidate``."""
    order = sorted(
        range(len(items)),
        key=lambda i: (
            _day(items[i].published) is None,
            items[i].published or "",
            zlib.crc32(items[i].article_id.encode("utf-8")),
        ),
    )
    clusterer = StoryClusterer(options)
    for i in order:
        clusterer.add(items[i])
    clusterer.consolidate()
    return clusterer


def cluster_batch(
    items: Sequence[StoryItem], options: ClusterOptions | None = None
) -> dict[str, str]:
    """Stories from scratch (``clustered``): article id -> story id."""
    clusterer = clustered(items, options)
    return {item.article_id: clusterer.story_of(item.article_id) for item in items}
