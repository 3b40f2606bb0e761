"""``newsarchive enrich``: find who said what in every article that needs it.

The articles never enriched, or enriched by another version of the enricher (all of them
with ``--force``), are read in ingest order, enriched in batches (in this process, or in
``--workers`` processes that each load the language model once) and written by this
process, one transaction per batch, with Ctrl-C held while a batch is written: an
interruption keeps every batch written and loses only those in flight.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from newsarchive.cli.base import _db_option, _error, _interrupt_deferred, _settings, cli
from newsarchive.errors import InputError
from newsarchive.model import Article, Enrichment
from newsarchive.store import Store, open_store, require_archive

BATCH_SECONDS = 600.0  # a batch that takes longer is given up (its worker replaced)


@dataclass(slots=True)
class _Counts:
    enriched: int = 0
    failed: int = 0


@cli.command()
@_db_option
@click.option("--force", is_flag=True, help="Enrich every article again, even those up to date.")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
    help="Processes to enrich in (each loads the language model once).",
)  # fmt: skip
@click.option(
    "--batch-size", type=click.IntRange(1, 10_000), default=32, show_default=True,
    help="Articles enriched and written together (one transaction each).",
)  # fmt: skip
@click.pass_context
def enrich(
    ctx: click.Context, /, db: str | None, force: bool, workers: int, batch_size: int
) -> None:
    """Find entities, quotations with their speakers, and figures in the archive's
    articles: those never enriched or enriched by another version (all with --force)."""
    from newsarchive.enrich.enricher import ENRICHER_VERSION

    location = _settings(db=db).db
    require_archive(location)
    counts, interrupted = _Counts(), False
    with open_store(location) as store:
        total = store.stats().articles
        todo = store.enrichment_backlog(ENRICHER_VERSION, force=force)
        articles = store.articles_needing_enrichment(ENRICHER_VERSION, force=force)
        with _progress(todo) as bar:
            try:
                for batch, result in _enriched(_batches(articles, batch_size), workers):
                    with _interrupt_deferred():
                        _store(store, batch, result, counts, bar)
            except KeyboardInterrupt:
                interrupted = True
    click.echo(_summary(counts, total - todo, ENRICHER_VERSION))
    if interrupted:
        _error(f"interrupted; the {counts.enriched} articles enriched are stored")
        ctx.exit(130)
    if counts.failed and not counts.enriched:
        ctx.exit(1)


def enrich_stored(
    store: Store, documents: Iterator[list[Article]], workers: int, bar: Progress | None
) -> str:
    """Enrich the articles of each document as ``ingest`` stores it (the stored revision of
    those not enriched by this enricher yet), in ``workers`` processes while reading goes
    on; the summary line."""
    from newsarchive.enrich.enricher import ENRICHER_VERSION

    counts = _Counts()

    def needing() -> Iterator[Article]:
        for articles in documents:
            for article in articles:
                known = store.enrichment(article.id)
                if known is None or known.version != ENRICHER_VERSION:
                    current = store.get(article.id)
                    if current is not None:
                        yield current

    for batch, result in _enriched(_batches(needing(), _INGEST_BATCH), workers):
        with _interrupt_deferred():
            _store(store, batch, result, counts, None)
    failed = f", {counts.failed} failed" if counts.failed else ""
    noun = "article" if counts.enriched == 1 else "articles"
    return f"{counts.enriched} {noun} enriched{failed} (enricher version {ENRICHER_VERSION})"


_INGEST_BATCH = 32  # articles a worker enriches at a time during ingest


def _summary(counts: _Counts, up_to_date: int, version: str) -> str:
    failed = f", {counts.failed} failed" if counts.failed else ""
    noun = "article" if counts.enriched == 1 else "articles"
    return (
        f"{counts.enriched} {noun} enriched, {up_to_date} up to date{failed}"
        f" (enricher version {version})"
    )


def _store(
    store: Store,
    batch: list[Article],
    result: list[Enrichment] | InputError,
    counts: _Counts,
    bar: Progress | None,
) -> None:
    if isinstance(result, InputError):
        _error(f"{len(batch)} articles from {batch[0].id} on: {result.problem}", bar)
        counts.failed += len(batch)
    else:
        counts.enriched += store.put_enrichments(zip(batch, result, strict=True))
    if bar is not None:
        bar.advance(bar.task_ids[0], len(batch))


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    # the raw span is not read by the enricher: workers are not sent it
    while batch := [replace(a, raw="") for a in islice(iterator, size)]:
        yield batch


def _enriched(
    batches: Iterator[list[Article]], workers: int
) -> Iterator[tuple[list[Article], list[Enrichment] | InputError]]:
    """Each batch with its enrichments (or the error that lost it), in order."""
    if workers == 1:
        from newsarchive.enrich.enricher import Enricher

        enricher = Enricher()
        for batch in batches:
            yield batch, list(enricher.enrich(batch, batch_size=len(batch)))
        return
    from newsarchive.ingest.workers import TimedReader

    sent: list[list[Article]] = []

    def remembered() -> Iterator[list[Article]]:
        for batch in batches:
            sent.append(batch)
            yield batch

    with TimedReader(enrich_batch, seconds=BATCH_SECONDS, workers=workers, label=_label) as pool:
        for result in pool.map(remembered()):
            yield sent.pop(0), result


def enrich_batch(articles: list[Article]) -> list[Enrichment]:
    """One batch's enrichments in a worker process (the model is loaded once a process)."""
    from newsarchive.enrich.enricher import enrich_articles

    return list(enrich_articles(articles))


def _label(batch: list[Article]) -> str:
    return f"the batch of articles from {batch[0].id}" if batch else "an empty batch"


@contextmanager
def _progress(total: int) -> Iterator[Progress | None]:
    """A bar with the articles done, of those to do, on stderr when it is a terminal."""
    if not sys.stderr.isatty() or total == 0:
        yield None
        return
    columns = (
        TextColumn("enriching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        progress.add_task("", total=total)
        yield progress
