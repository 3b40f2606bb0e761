"""Story clustering: what a reader of the archive would notice about its stories."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from newsarchive.model import Article, Enrichment, Entity, SourceRef
from newsarchive.stories.cluster import (
    ClusterOptions,
    StoryClusterer,
    StoryItem,
    cluster_batch,
    clustered,
    story_item,
)

QUAKE = [
    (
        "Magnitude 7.1 earthquake strikes central Chile",
        "A magnitude 7.1 earthquake struck central Chile on Tuesday, shaking buildings in "
        "Santiago and Valparaiso. The Chilean seismological service said the quake's epicentre "
        "was near the coastal town of Constitucion. Officials reported power cuts and a "
        "tsunami warning along the coast.",
    ),
    (
        "Chile earthquake: tsunami warning lifted after 7.1 quake near Constitucion",
        "Chilean authorities lifted a tsunami warning hours after a magnitude 7.1 earthquake "
        "near Constitucion. The quake shook Santiago, and residents of Valparaiso fled to "
        "higher ground. The seismological service recorded strong aftershocks.",
    ),
    (
        "Aftershocks rattle Santiago a day after Chile earthquake",
        "Aftershocks rattled Santiago and Constitucion on Wednesday, a day after the "
        "magnitude 7.1 earthquake in central Chile. The seismological service said power "
        "had returned to most homes in Valparaiso and the tsunami warning was not renewed.",
    ),
]
TRANSFER = [
    (
        "Arsenal sign Norwegian striker Haaland in record transfer",
        "Arsenal have signed the Norwegian striker Erling Haaland from Borussia Dortmund "
        "for a club record fee, the London club said. The forward agreed a five-year "
        "contract and will wear the number nine shirt at the Emirates.",
    ),
    (
        "Haaland completes record move from Dortmund to Arsenal",
        "Erling Haaland completed his record transfer from Borussia Dortmund to Arsenal on "
        "Friday. The Norwegian striker signed a five-year contract and told the club's "
        "website he was proud to wear the number nine shirt at the Emirates.",
    ),
]


def items(
    texts: Sequence[tuple[str, str]], prefix: str, published: str | None = None
) -> list[StoryItem]:
    return [
        StoryItem(f"{prefix}{i}", title, body, (), published)
        for i, (title, body) in enumerate(texts)
    ]


def add_all(clusterer: StoryClusterer, batch: Sequence[StoryItem]) -> list[str]:
    return [clusterer.add(item) for item in batch]


def bcubed_f1(a: Sequence[str], b: Sequence[str]) -> float:
    pairs = Counter(zip(a, b, strict=True))
    sa, sb = Counter(a), Counter(b)
    p = sum(n * n / sb[y] for (_, y), n in pairs.items()) / len(a)
    r = sum(n * n / sa[x] for (x, _), n in pairs.items()) / len(a)
    return 2 * p * r / (p + r)


def test_one_event_together_and_another_apart() -> None:
    clusterer = StoryClusterer()
    quake = add_all(clusterer, items(QUAKE, "q", "2024-03-05"))
    transfer = add_all(clusterer, items(TRANSFER, "t", "2024-03-06"))
    assert len({clusterer.story_of(f"q{i}") for i in range(3)}) == 1
    assert len({clusterer.story_of(f"t{i}") for i in range(2)}) == 1
    assert clusterer.story_of("q0") != clusterer.story_of("t0")
    assert quake[1:] == [quake[0], quake[0]] and transfer[1] == transfer[0]
    assert len(clusterer.stories()) == 2


def test_incremental_and_batch_agree_on_a_small_set() -> None:
    batch = items(QUAKE, "q", "2024-03-05") + items(TRANSFER, "t", "2024-03-06")
    batch += items([(t, b.replace("Arsenal", "Chelsea")) for t, b in TRANSFER], "c")
    from_scratch = cluster_batch(batch)
    for seed in range(5):
        order = list(batch)
        random.Random(seed).shuffle(order)
        clusterer = StoryClusterer()
        add_all(clusterer, order)
        incremental = [clusterer.story_of(item.article_id) for item in batch]
        assert bcubed_f1([from_scratch[i.article_id] for i in batch], incremental) >= 0.9


def test_merges_keep_story_of_consistent_and_the_older_id() -> None:
    options = ClusterOptions(threshold=0.5, merge_threshold=0.2, text_names=False)
    clusterer = StoryClusterer(options)
    first = clusterer.add(StoryItem("a", "Reactor", "reactor coolant leak plant", (), None))
    second = clusterer.add(
        StoryItem("b", "Evacuation", "evacuation residents buses town", (), None)
    )
    assert first != second
    bridge = "reactor coolant leak plant evacuation residents buses town"
    joined = clusterer.add(StoryItem("c", "Reactor leak", bridge, (), None))
    assert joined == first  # the surviving story keeps the older id
    assert {clusterer.story_of(a) for a in "abc"} == {first}
    (story,) = clusterer.stories()
    assert story.id == first and set(story.article_ids) == {"a", "b", "c"}


def test_every_article_is_in_exactly_the_story_story_of_names() -> None:
    clusterer = StoryClusterer()
    batch = items(QUAKE, "q") + items(TRANSFER, "t") + items(QUAKE[:1], "again")
    add_all(clusterer, batch)
    seen = [a for story in clusterer.stories() for a in story.article_ids]
    assert sorted(seen) == sorted(item.article_id for item in batch)
    for story in clusterer.stories():
        assert all(clusterer.story_of(a) == story.id for a in story.article_ids)


def test_round_trip_through_bytes_keeps_stories_and_what_comes_next() -> None:
    batch = items(QUAKE, "q", "2024-03-05") + items(TRANSFER[:1], "t", "2024-03-06")
    clusterer = StoryClusterer()
    add_all(clusterer, batch)
    data = clusterer.to_bytes()
    assert isinstance(data, bytes)
    loaded = StoryClusterer.from_bytes(data)
    assert loaded.stories() == clusterer.stories()
    later = StoryItem("t1", *TRANSFER[1], (), "2024-03-07")
    assert loaded.add(later) == clusterer.add(later)
    assert loaded.stories() == clusterer.stories()


def test_re_adding_an_article_keeps_its_story() -> None:
    clusterer = StoryClusterer()
    batch = items(QUAKE, "q")
    first = add_all(clusterer, batch)
    assert add_all(clusterer, batch) == first
    assert len(clusterer) == 3


def test_undated_articles_cluster_by_text() -> None:
    clusterer = StoryClusterer()
    add_all(clusterer, items(QUAKE[:2], "dated", "2024-03-05"))
    undated = clusterer.add(StoryItem("undated", *QUAKE[2], (), None))
    assert undated == clusterer.story_of("dated0")
    (story,) = clusterer.stories()
    assert (story.first, story.last) == ("2024-03-05", "2024-03-05")
    assert story.article_ids[-1] == "undated"  # timeline: undated last


def test_articles_far_apart_in_time_need_more_evidence() -> None:
    options = ClusterOptions(time_penalty=0.5)
    title, body = QUAKE[0]
    near, far = StoryClusterer(options), StoryClusterer(options)
    near.add(StoryItem("q", title, body, (), "2024-03-05"))
    far.add(StoryItem("q", title, body, (), "2024-03-05"))
    assert near.add(StoryItem("later", *QUAKE[2], (), "2024-03-06")) == near.story_of("q")
    assert far.add(StoryItem("later", *QUAKE[2], (), "2026-03-06")) != far.story_of("q")


def test_label_is_a_member_title_and_key_entities_are_shared() -> None:
    clusterer = StoryClusterer()
    for i, (title, body) in enumerate(QUAKE):
        clusterer.add(StoryItem(f"q{i}", title, body, ("Chile", "Santiago", f"x{i}"), None))
    (story,) = clusterer.stories()
    assert story.label in {title for title, _ in QUAKE}
    assert story.key_entities[:2] == ("Chile", "Santiago")
    assert not any(name.startswith("x") for name in story.key_entities)


def test_empty_text_never_crashes() -> None:
    clusterer = StoryClusterer()
    empty = [
        StoryItem("e1", "", "", (), None),
        StoryItem("e2", "", "", (), "not a date"),
        StoryItem("e3", "2024", "12 345", (), "2024-01-01"),
    ]
    ids = add_all(clusterer, empty + items(QUAKE[:1], "q"))
    assert len(ids) == 4
    assert sorted(a for s in clusterer.stories() for a in s.article_ids) == ["e1", "e2", "e3", "q0"]
    assert StoryClusterer.from_bytes(clusterer.to_bytes()).stories() == clusterer.stories()
    assert cluster_batch([]) == {}


def test_story_item_reads_title_body_and_entities() -> None:
    article = Article(
        id="a1",
        title="Chile earthquake",
        summary="A strong quake",
        paragraphs=("Santiago shook.",),
        source=SourceRef(sha256="", start=0, end=0),
        published="2024-03-05T10:00:00Z",
    )
    enrichment = Enrichment(
        "1", (Entity("Santiago", "GPE", ((0, 8),)), Entity("Chile", "GPE", ((0, 5), (9, 14))))
    )
    item = story_item(article, enrichment)
    assert (item.title, item.published) == ("Chile earthquake", "2024-03-05T10:00:00Z")
    assert "Santiago shook." in item.text and "A strong quake" in item.text
    assert item.entities == ("Chile", "Santiago")
    assert story_item(article, None).entities == ()


def test_incremental_and_batch_agree_on_ecbplus_within_tolerance(shared_dir: Path) -> None:
    path = shared_dir / "eval" / "ecbplus" / "docs.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    batch = []
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["split"] == "test":
            title, _, body = doc["text"].partition("\n")
            batch.append(StoryItem(doc["doc_id"], title, body, (), None))
    from_scratch = clustered(batch)
    order = list(batch)
    random.Random(0).shuffle(order)
    clusterer = StoryClusterer()
    add_all(clusterer, order)
    ids = [item.article_id for item in batch]
    # the stated tolerance (docs/stories.md): B-cubed F1 between the partitions >= 0.85,
    # for the stories and for the topics
    for level in (StoryClusterer.story_of, StoryClusterer.topic_of):
        scratch = [level(from_scratch, i) for i in ids]
        assert bcubed_f1(scratch, [level(clusterer, i) for i in ids]) >= 0.85
    assert cluster_batch(batch) == {i: from_scratch.story_of(i) for i in ids}


HEAD_OPTIONS = {  # what a format 1 state kept
    "threshold": 0.25, "merge_threshold": 0.5, "entity_weight": 0.2, "time_penalty": 0.1,
    "time_scale_days": 7.0, "keep_terms": 60, "centroid_terms": 300, "query_terms": 10,
    "postings": 64, "candidates": 30, "key_entity_count": 10,
}  # fmt: skip


def test_a_state_of_format_1_is_still_read_and_given_topics() -> None:
    clusterer = StoryClusterer()
    add_all(clusterer, items(QUAKE, "q", "2024-03-05") + items(TRANSFER[:1], "t"))
    with np.load(io.BytesIO(clusterer.to_bytes()), allow_pickle=False) as arrays:
        loaded = {name: arrays[name] for name in arrays.files if not name.startswith("top_")}
    meta = json.loads(loaded["meta"].tobytes().decode("utf-8"))
    meta["format"] = "newsarchive-stories/1"
    meta["options"] = HEAD_OPTIONS
    del meta["topics"]  # format 1 had none
    loaded["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **loaded)  # format 1 was compressed
    old = StoryClusterer.from_bytes(buffer.getvalue())
    assert old.options.keep_terms == 60  # its own options kept; topic options default
    assert [s.article_ids for s in old.stories()] == [s.article_ids for s in clusterer.stories()]
    assert old.topic_of("q0") == old.topic_of("q2") != old.topic_of("t0")
    later = StoryItem("t1", *TRANSFER[1], (), None)
    assert old.add(later) == old.story_of("t0")
    again = StoryClusterer.from_bytes(old.to_bytes())
    assert again.stories() == old.stories() and again.topics() == old.topics()
