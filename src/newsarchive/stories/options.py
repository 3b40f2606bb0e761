"""The clusterer's settings, for both levels: event stories and the topics grouping them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """Thresholds and sizes. The event options were tuned on ECB+ train and dev (never
    test), the topic options on ECB+ train and dev topics with one half of WikiRef220
    (the other half held out); see docs/benchmarks.md. ``time_penalty`` and
    ``time_scale_days`` are set by judgement: ECB+ dates only half its articles."""

    # events (stories): absolute similarity to a story's centroid
    threshold: float = 0.25  # an article joins the best story scoring at least this
    merge_threshold: float = 0.5  # two stories whose centroids score this merge
    entity_weight: float = 0.3  # share of the score given to shared entities, when known
    text_names: bool = True  # no entities given: use the text's capitalised phrases
    time_penalty: float = 0.1  # taken off the score of articles far apart in time
    time_scale_days: float = 7.0
    # topics: average link relative to a topic's cohesion (see topics.py)
    topic_threshold: float = 0.25
    topic_merge_threshold: float = 0.35
    topic_cohesion_exponent: float = 0.9  # 0: plain average link; 1: relative to cohesion
    topic_cohesion_prior: float = 0.3  # the cohesion assumed of a topic of one article
    topic_cohesion_floor: float = 0.05
    topic_entity_weight: float = 0.35
    # sizes
    keep_terms: int = 100  # of an article's vector
    centroid_terms: int = 300
    topic_centroid_terms: int = 600
    query_terms: int = 10  # an article's terms looked up in the index
    postings: int = 64  # most recent stories kept per term or entity
    candidates: int = 30
    key_entity_count: int = 10
