"""``newsarchive stories`` and ``newsarchive categorize``: group the archive into stories
and near-duplicates (and the stories into topics), and predict categories where the
source gave none.

``stories`` is incremental: the dedup index and the clusterer are kept in the archive
(their bytes, in its ``state`` table), and each run feeds them only the articles they have
not seen, in ingest order, writing a batch at a time (groupings and states in one
transaction, so an interruption keeps every batch written). A near-duplicate is linked
to its original and joins its story; only originals are clustered. ``--rebuild`` starts
from empty state over every article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.cli.base import _db_option, _error, _interrupt_deferred, _settings, cli
from newsarchive.errors import StoreError
from newsarchive.model import (
    Article,
    Enrichment,
    Grouping,
    PredictedCategory,
)
from newsarchive.store import Location, Store, open_store, require_archive
from newsarchive.store.grouping import CATEGORY_STATE, CLUSTER_STATE, DEDUP_STATE

if TYPE_CHECKING:
    from newsarchive.stories.cluster import StoryClusterer
    from newsarchive.stories.dedup import DuplicateIndex

BATCH = 10_000  # articles grouped between two writes (each also writes the states)


@dataclass(slots=True)
class _Run:
    grouped: int = 0
    duplicates: int = 0
    topics: int = 0
    wrote: bool = False  # a batch was written


@cli.command()
@_db_option
@click.option("--rebuild", is_flag=True, help="Forget every grouping and start from scratch.")
@click.option(
    "--batch-size", type=click.IntRange(1, 1_000_000), default=BATCH, show_default=True,
    help="Articles grouped between two writes (one transaction each).",
)  # fmt: skip
@click.pass_context
def stories(ctx: click.Context, /, db: str | None, rebuild: bool, batch_size: int) -> None:
    """Link near-duplicates to their originals, group articles into stories and stories
    into topics: the articles not grouped yet, in ingest order (every article with
    --rebuild)."""
    location = _existing(db)
    run, interrupted = _Run(), False
    with open_store(location) as store:
        index, clusterer = _states(store, rebuild)
        before = {s.id for s in clusterer.stories()}
        articles = store.articles_needing_grouping(every=rebuild)
        first = rebuild
        try:
            for batch in _batches(articles, batch_size):
                duplicates = _group(store, batch, index, clusterer)
                states = {DEDUP_STATE: index.to_bytes(), CLUSTER_STATE: clusterer.to_bytes()}
                with _interrupt_deferred():
                    counts = store.put_groupings(
                        duplicates, clusterer.stories(), states, rebuild=first,
                        topics=clusterer.topics(),
                    )  # fmt: skip
                first = False
                run.grouped += counts.grouped
                run.duplicates += counts.duplicates
                run.wrote = True
        except KeyboardInterrupt:
            interrupted = True
        if first:  # nothing to group: a rebuild of an empty archive still starts afresh
            store.put_groupings({}, [], {}, rebuild=True)
        elif not run.wrote and not interrupted:
            _store_missing_topics(store, clusterer)
        current = {s.id for s in clusterer.stories()}
        run.topics = len(clusterer.topics())
    click.echo(_summary(run, len(current), len(current - before)))
    if interrupted:
        _error(f"interrupted; the {run.grouped} articles grouped are stored")
        ctx.exit(130)


def _existing(db: str | None) -> Location:
    location = _settings(db=db).db
    require_archive(location)
    return location


def _states(store: Store, rebuild: bool) -> tuple[DuplicateIndex, StoryClusterer]:
    from newsarchive.stories.cluster import StoryClusterer
    from newsarchive.stories.dedup import DuplicateIndex

    dedup = None if rebuild else store.state(DEDUP_STATE)
    clusters = None if rebuild else store.state(CLUSTER_STATE)
    index = DuplicateIndex.from_bytes(dedup) if dedup else DuplicateIndex()
    clusterer = StoryClusterer.from_bytes(clusters) if clusters else StoryClusterer()
    return index, clusterer


def _store_missing_topics(store: Store, clusterer: StoryClusterer) -> None:
    """An archive grouped before topics were stored (schema v6) gets them from its
    clusterer's state, without new articles to group."""
    topics = clusterer.topics()
    if topics and store.topics(1).total == 0:
        with _interrupt_deferred():
            store.put_groupings({}, clusterer.stories(), {}, topics=topics)


def _group(
    store: Store, batch: list[Article], index: DuplicateIndex, clusterer: StoryClusterer
) -> dict[str, str | None]:
    """Each article's original (None for an original, which the clusterer is given)."""
    from newsarchive.stories.cluster import story_item
    from newsarchive.stories.dedup import duplicate_text

    duplicates: dict[str, str | None] = {}
    for article in batch:
        original = index.add(article.id, duplicate_text(article))
        duplicates[article.id] = original
        if original is None:
            clusterer.add(story_item(article, store.enrichment(article.id)))
    return duplicates


def _summary(run: _Run, stories: int, new: int) -> str:
    noun = "article" if run.grouped == 1 else "articles"
    dups = "duplicate" if run.duplicates == 1 else "duplicates"
    story_noun = "story" if stories == 1 else "stories"
    topic_noun = "topic" if run.topics == 1 else "topics"
    return (
        f"{run.grouped} {noun} grouped: {run.duplicates} {dups}, {stories} {story_noun}"
        f" ({new} new), {run.topics} {topic_noun}"
    )


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


@cli.command()
@_db_option
@click.option(
    "--train", is_flag=True,
    help="Train the category model on the articles whose source gave categories, and keep it"
    " in the archive.",
)  # fmt: skip
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option(
    "--min-confidence", type=click.FloatRange(0, 1), default=0.2, show_default=True,
    help="Predicted categories below this confidence are left out.",
)  # fmt: skip
def categorize(db: str | None, train: bool, top: int, min_confidence: float) -> None:
    """Predict categories for the articles whose source gave none (always marked as
    predicted, with a confidence), with the model trained by --train."""
    from newsarchive.stories.categorize import CategoryModel

    location = _existing(db)
    with open_store(location) as store:
        if train:
            labelled = (a for a in store.iter_articles() if a.categories)
            model = CategoryModel.train(labelled)
            store.put_state(CATEGORY_STATE, model.to_bytes())
            click.echo(f"category model trained: {len(model.labels)} categories")
            return
        data = store.state(CATEGORY_STATE)
        if data is None:
            raise StoreError(
                f"{location} has no category model yet; run 'newsarchive categorize --train'"
            )
        model = CategoryModel.from_bytes(data)
        articles = store.articles_without_categories()
        predicted = given = 0
        for batch in _batches(articles, BATCH):
            items = [(a.id, model.predict(a, top=top, min_confidence=min_confidence))
                     for a in batch]  # fmt: skip
            with _interrupt_deferred():
                store.put_predictions(items)
            predicted += len(items)
            given += sum(1 for _, p in items if p)
    click.echo(
        f"{predicted} articles without categories: {given} given predicted categories"
        f" ({predicted - given} below {min_confidence:g} confidence)"
    )


def batch_groupings(
    parsed: list[tuple[Article, Enrichment | None]], categories_from: Path | None = None
) -> list[Grouping]:
    """``parse --stories``: each article's grouping within the parsed batch (a fresh dedup
    index and clusterer, in input order), with predicted categories for the articles
    without any when ``categories_from`` names an archive with a category model."""
    from newsarchive.stories.cluster import StoryClusterer, story_item
    from newsarchive.stories.dedup import DuplicateIndex, duplicate_text
    from newsarchive.stories.refs import grouper

    index, clusterer = DuplicateIndex(), StoryClusterer()
    originals: dict[str, str | None] = {}
    for article, enrichment in parsed:
        originals[article.id] = index.add(article.id, duplicate_text(article))
        if originals[article.id] is None:
            clusterer.add(story_item(article, enrichment))
    grouping, predict = grouper(clusterer), _predictor(categories_from)
    return [grouping(a.id, originals[a.id], () if a.categories else predict(a)) for a, _ in parsed]


def _predictor(
    archive: Path | None,
) -> Callable[[Article], tuple[PredictedCategory, ...]]:
    if archive is None:
        return lambda article: ()
    from newsarchive.stories.categorize import CategoryModel

    with open_store(archive, readonly=True) as store:
        data = store.state(CATEGORY_STATE)
    if data is None:
        raise StoreError(f"{archive} has no category model; run 'newsarchive categorize --train'")
    return CategoryModel.from_bytes(data).predict
