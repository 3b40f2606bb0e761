"""The Spark job: the batch's steps spread over a cluster's cores, results in input order.

1. The driver expands the arguments into files; a Spark stage finds the record starts of
   each WARC file (a light pass, one task a file), and the driver cuts them into tasks
   (``plan``).
2. One Spark stage runs the tasks (``steps.run_tasks`` in ``mapPartitions``: read,
   extract, enrich, sign); its outcomes are kept (memory, then disk) for what follows.
3. The driver streams each article's id and signature back in input order and decides the
   near-duplicates (and the stories, when asked) as ``parse --stories`` does (``groups``).
4. A Spark stage writes the Parquet rows (``rows``), the near-duplicate answers broadcast
   to it; and/or the driver streams the documents in input order into the archive,
   through the ``Store`` like ``ingest``, with their enrichments like ``enrich``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive.batch.groups import ArticleKey, ArticleOrder, article_keys, group_in_order
from newsarchive.batch.plan import DEFAULT_SPLIT_BYTES, Task, expand_inputs, plan_tasks
from newsarchive.batch.rows import arrow_schema, article_rows
from newsarchive.batch.steps import DocumentDone, DocumentFailed, Outcome, StepOptions, run_tasks
from newsarchive.batch.warc_ranges import record_starts
from newsarchive.model import Article, Enrichment, Grouping
from newsarchive.pipeline import ReadOptions
from newsarchive.store.base import IngestCounts

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.core.broadcast import Broadcast
    from pyspark.sql import SparkSession

    from newsarchive.store import Store

ENRICHMENTS_PER_WRITE = 256  # enrichments stored in one transaction


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What a batch does. ``partitions``: Spark partitions for the tasks (default one a
    task); ``split_bytes``: the most bytes of a WARC file one task reads."""

    read: ReadOptions
    enrich: bool = True
    stories: bool = False
    split_bytes: int = DEFAULT_SPLIT_BYTES
    partitions: int | None = None


@dataclass(slots=True)
class BatchReport:
    """What a batch did: documents read (and failed, with their messages in input order),
    articles and near-duplicates found, and what the archive took."""

    documents: int = 0
    articles: int = 0
    duplicates: int = 0
    tasks: int = 0
    failures: list[str] = field(default_factory=list)
    counts: IngestCounts = field(default_factory=IngestCounts)


def run_batch(
    spark: SparkSession,
    arguments: Sequence[str],
    options: BatchOptions,
    *,
    out: str | None = None,
    store: Store | None = None,
    overwrite: bool = False,
    on_failure: Callable[[str], None] | None = None,
) -> BatchReport:
    """Read ``arguments`` on ``spark``; write Parquet to ``out`` and/or load ``store``."""
    report = BatchReport()
    tasks = _plan(spark, arguments, options)
    report.tasks = len(tasks)
    steps = StepOptions(options.read, options.enrich, options.stories, store is not None)
    outcomes = _outcomes(spark, tasks, steps, options.partitions)
    try:
        keys = _keys_in_order(outcomes, report, on_failure)
        groupings = group_in_order(keys, stories=options.stories)
        report.duplicates = sum(1 for g in groupings.values() if g.duplicate_of is not None)
        if out is not None:
            _write_parquet(spark, outcomes, groupings, out, options.stories, overwrite)
        if store is not None:
            report.counts = load_store(store, _local_done(outcomes))
    finally:
        outcomes.unpersist()
    return report


def _plan(spark: SparkSession, arguments: Sequence[str], options: BatchOptions) -> list[Task]:
    context = spark.sparkContext

    def starts_of(warcs: Sequence[Path]) -> list[list[int] | None]:
        if not warcs:
            return []
        paths = context.parallelize([str(p) for p in warcs], len(warcs))
        return paths.map(_record_starts_of).collect()

    cores = context.defaultParallelism
    return plan_tasks(
        expand_inputs(arguments), starts_of, split_bytes=options.split_bytes, cores=cores
    )


def _record_starts_of(path: str) -> list[int] | None:
    return record_starts(Path(path))


def _outcomes(
    spark: SparkSession, tasks: list[Task], steps: StepOptions, partitions: int | None
) -> RDD[Outcome]:
    """The tasks' outcomes, computed once (in parallel) and kept for the stages after."""
    from pyspark import StorageLevel

    slices = max(1, min(partitions or len(tasks), len(tasks)))
    rdd = spark.sparkContext.parallelize(tasks, slices)
    outcomes = rdd.mapPartitions(functools.partial(_run_partition, steps=steps))
    outcomes.persist(StorageLevel.MEMORY_AND_DISK)
    outcomes.count()
    return outcomes


def _run_partition(tasks: Iterable[Task], steps: StepOptions) -> Iterator[Outcome]:
    return run_tasks(tasks, steps)


def _keys_in_order(
    outcomes: RDD[Outcome], report: BatchReport, on_failure: Callable[[str], None] | None
) -> Iterator[ArticleKey]:
    """The articles' keys in input order (partitions in order, each in order), counting
    documents and reporting failures as they pass."""
    for item in outcomes.flatMap(_keys_of).toLocalIterator():
        if isinstance(item, ArticleKey):
            report.articles += 1
            yield item
        elif item is None:
            report.documents += 1
        else:
            report.documents += 1
            report.failures.append(item)
            if on_failure is not None:
                on_failure(item)


def _keys_of(outcome: Outcome) -> Iterator[ArticleKey | str | None]:
    """A document's article keys then None, or a failed document's message."""
    if isinstance(outcome, DocumentFailed):
        yield outcome.message
        return
    yield from article_keys(outcome)
    yield None


def _write_parquet(
    spark: SparkSession,
    outcomes: RDD[Outcome],
    groupings: dict[ArticleOrder, Grouping],
    out: str,
    stories: bool,
    overwrite: bool,
) -> None:
    from pyspark.sql.pandas.types import from_arrow_schema

    shared = spark.sparkContext.broadcast(groupings)
    try:
        rows = outcomes.flatMap(functools.partial(_rows_of, groupings=shared, stories=stories))
        frame = spark.createDataFrame(rows, from_arrow_schema(arrow_schema()))
        frame.write.mode("overwrite" if overwrite else "errorifexists").parquet(out)
    finally:
        shared.unpersist()


def _rows_of(
    outcome: Outcome, groupings: Broadcast[dict[ArticleOrder, Grouping]], stories: bool
) -> Iterator[tuple[Any, ...]]:
    if isinstance(outcome, DocumentDone):
        yield from article_rows(outcome, groupings.value, stories=stories)


def _local_done(outcomes: RDD[Outcome]) -> Iterator[DocumentDone]:
    for outcome in outcomes.toLocalIterator():
        if isinstance(outcome, DocumentDone):
            yield outcome


def load_store(store: Store, documents: Iterable[DocumentDone]) -> IngestCounts:
    """Add each document as ``ingest`` does (one transaction each, in input order), and
    its articles' enrichments as ``enrich`` does (a transaction per few hundred)."""
    counts = IngestCounts()
    pending: list[tuple[Article, Enrichment]] = []
    for done in documents:
        if done.document is None:
            raise ValueError("the batch kept no documents to load; run it with a store")
        counts += store.add_document(done.document, done.articles)
        enriched = zip(done.articles, done.enrichments, strict=True)
        pending.extend((a, e) for a, e in enriched if e is not None)
        if len(pending) >= ENRICHMENTS_PER_WRITE:
            store.put_enrichments(pending)
            pending = []
    if pending:
        store.put_enrichments(pending)
    return counts
