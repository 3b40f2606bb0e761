"""The steps a batch task runs, as plain functions: read, extract, enrich, sign.

``run_tasks`` is what a Spark partition runs (and what a test can run without Spark): each
task's documents are read by the same ``pipeline.Reader`` as ``parse`` and ``ingest`` (text
dumps in this process, web pages in a worker process with a time limit), their articles
enriched by the same ``Enricher`` (the language model loaded once a process), and each
article's MinHash signature computed by the same ``DuplicateIndex`` the near-duplicate
search on the driver uses. Every outcome carries its place in the input order.
"""

from __future__ import annotations

import atexit
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from newsarchive.batch.plan import Task
from newsarchive.batch.warc_ranges import iter_warc_range
from newsarchive.errors import InputError
from newsarchive.extract.reading import Kind
from newsarchive.ingest.inputs import read_path
from newsarchive.model import Article, Document, Enrichment
from newsarchive.pipeline import Read, Reader, ReadOptions
from newsarchive.stories.dedup import DuplicateIndex, duplicate_text

if TYPE_CHECKING:
    from newsarchive.enrich.enricher import Enricher
    from newsarchive.stories.cluster import StoryItem

Order = tuple[int, int]  # (task, document within the task)
Signature = npt.NDArray[np.uint32]
ENRICH_BATCH = 32  # articles parsed together by the language model


@dataclass(frozen=True, slots=True)
class StepOptions:
    """What a task does beyond reading: enrich, keep what clustering needs, keep the
    documents' bytes (to load them into an archive)."""

    read: ReadOptions
    enrich: bool = True
    stories: bool = False
    keep_documents: bool = False


@dataclass(frozen=True, slots=True)
class DocumentDone:
    """One document read: its articles, with their enrichments (None when not enriched),
    signatures and, for clustering, story items. ``document`` is kept only for loading
    an archive, else None."""

    order: Order
    document: Document | None
    articles: tuple[Article, ...]
    enrichments: tuple[Enrichment | None, ...] = ()
    signatures: tuple[Signature, ...] = ()
    story_items: tuple[StoryItem, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentFailed:
    """An input, or a document in it, that could not be read: the one-line message that
    ``parse`` and ``ingest`` print for it."""

    order: Order
    message: str


Outcome = DocumentDone | DocumentFailed


def run_tasks(tasks: Iterable[Task], options: StepOptions) -> Iterator[Outcome]:
    """Every task's outcomes, in order; the reader and the model are this process's."""
    reader = process_reader(options.read)
    outcomes: Iterator[Outcome] = (o for task in tasks for o in _read_task(task, reader, options))
    if options.enrich:
        outcomes = _enriched(outcomes)
    return _signed(outcomes, options.stories)


@functools.cache
def process_reader(options: ReadOptions) -> Reader:
    """One time-limited reader a process (its worker process started once, not per task);
    closed when the process exits."""
    reader = Reader(options)
    atexit.register(reader.close)
    return reader


def task_documents(task: Task, options: ReadOptions) -> Iterator[Document | InputError]:
    """The documents of one task, as ``ingest.inputs.read_path`` gives them."""
    path = Path(task.path)
    if task.start is not None and task.stop is not None:
        return iter_warc_range(path, task.start, task.stop, max_bytes=options.max_bytes)
    return read_path(path, max_bytes=options.max_bytes, encoding=options.encoding)


def _read_task(task: Task, reader: Reader, options: StepOptions) -> Iterator[Outcome]:
    if task.failure is not None:
        yield DocumentFailed((task.index, 0), task.failure)
        return
    items = reader.read_many(task_documents(task, options.read))
    for position, item in enumerate(items):
        order = (task.index, position)
        if isinstance(item, InputError):
            yield DocumentFailed(order, str(item))
        elif not item.reading.articles:
            yield DocumentFailed(order, nothing_read(item))
        else:
            kept = item.document if options.keep_documents else None
            yield DocumentDone(order, kept, item.reading.articles)


def nothing_read(item: Read) -> str:
    """Why a document gave no article, as ``parse`` and ``ingest`` say it (a sitemap's
    pages are fetched by those, never by a batch)."""
    document = item.document
    name = document.url or document.path or ""
    kind = item.reading.kind
    if kind is Kind.SITEMAP:
        return (
            f"{name}: is a sitemap, and a batch does not fetch the pages it lists;"
            " to archive them, use: newsarchive ingest SITEMAP"
        )
    return (
        f"{name}: no article found (a {kind.value} page without any);"
        " to archive the pages it links to, use: newsarchive crawl URL"
    )


def _enriched(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    """The outcomes with their articles enriched, ``ENRICH_BATCH`` articles at a time."""
    from newsarchive.enrich.enricher import Enricher  # only an enriching batch loads spaCy

    enricher = Enricher()
    held: list[Outcome] = []
    count = 0
    for outcome in outcomes:
        held.append(outcome)
        if isinstance(outcome, DocumentDone):
            count += len(outcome.articles)
        if count >= ENRICH_BATCH:
            yield from _enrich_held(held, enricher)
            held, count = [], 0
    yield from _enrich_held(held, enricher)


def _enrich_held(held: Sequence[Outcome], enricher: Enricher) -> Iterator[Outcome]:
    articles = [a for o in held if isinstance(o, DocumentDone) for a in o.articles]
    found = iter(enricher.enrich(articles, batch_size=ENRICH_BATCH))
    for outcome in held:
        if isinstance(outcome, DocumentDone):
            mine = tuple(next(found) for _ in outcome.articles)
            outcome = replace(outcome, enrichments=mine)
        yield outcome


def _signed(outcomes: Iterator[Outcome], stories: bool) -> Iterator[Outcome]:
    """The outcomes with each article's MinHash signature and, for clustering, story item."""
    index = DuplicateIndex()
    for outcome in outcomes:
        if isinstance(outcome, DocumentDone):
            outcome = _sign(outcome, index, stories)
        yield outcome


def _sign(done: DocumentDone, index: DuplicateIndex, stories: bool) -> DocumentDone:
    enrichments = done.enrichments or (None,) * len(done.articles)
    signatures = tuple(index.signature(duplicate_text(a)) for a in done.articles)
    items: tuple[StoryItem, ...] = ()
    if stories:
        from newsarchive.stories.cluster import story_item

        items = tuple(story_item(a, e) for a, e in zip(done.articles, enrichments, strict=True))
    return replace(done, enrichments=enrichments, signatures=signatures, story_items=items)
