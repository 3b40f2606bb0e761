"""From command-line arguments to readings: the steps every command shares.

``read_inputs`` turns arguments (files, folders, globs, WARC files, URLs) into documents
and reads each into a ``Reading``. Web documents are read in a worker process with a time
limit (``ingest.workers``), so one pathological page never stalls a batch; text dumps,
read by our own linear-time reader, are read in this process. A sitemap's pages are
fetched and read too (a sitemap is a list of pages to archive).

``crawl_pages`` runs the crawler with the same time-limited reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from newsarchive.errors import InputError
from newsarchive.extract.dispatch import read_document
from newsarchive.extract.reading import Kind, Link, Reading
from newsarchive.extract.sniff import InputKind, sniff
from newsarchive.ingest.crawl import CrawlEvent, CrawlOptions, PageFailed, PageRead, crawl
from newsarchive.ingest.fetch import DEFAULT_MAX_BYTES, FetchOptions
from newsarchive.ingest.inputs import iter_documents
from newsarchive.ingest.workers import TimedReader
from newsarchive.model import Document, FetchState

DEFAULT_PAGE_SECONDS = 30.0
_BATCH = 32  # web documents handed to the workers at a time, in input order


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How inputs are read: limits, and the network rules for URLs and sitemaps."""

    max_bytes: int  # per file or WARC record
    encoding: str | None = None
    max_response_bytes: int = DEFAULT_MAX_BYTES  # per HTTP response
    allow_private: bool = False
    timeout: float = 30.0  # seconds, per HTTP request
    delay: float = 1.0  # seconds between two requests to one host
    page_seconds: float = DEFAULT_PAGE_SECONDS  # time limit for reading one page
    workers: int = 1


@dataclass(frozen=True, slots=True)
class Read:
    """One document and what was read from it."""

    document: Document
    reading: Reading


Item = Read | InputError


Job = tuple[Document, Link | None, bool]  # the document, how it was reached, links wanted


def _read_job(job: Job) -> Reading:
    """What a worker runs (module level, so it can be sent to a worker process)."""
    document, link, follow = job
    return read_document(document, link, follow=follow)


def _job_label(job: Job) -> str:
    document = job[0]
    return document.url or document.path or document.sha256[:12]


def _for_worker(document: Document) -> Document:
    """A document as sent to a worker: HTML readers need only the text, so the bytes
    (kept here for the store) are not pickled a second time; feeds are read from bytes."""
    return document if sniff(document) is InputKind.FEED else replace(document, data=b"")


class Reader:
    """The time-limited reader; one per command, closed at the end."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self._timed: TimedReader[Job, Reading] = TimedReader(
            _read_job, seconds=options.page_seconds, workers=options.workers, label=_job_label
        )

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._timed.close()

    def read_one(self, document: Document, link: Link | None = None) -> Reading:
        """Read one document within the time limit; an ``InputError`` when it cannot be."""
        if _is_dump(document):
            return read_document(document, link)
        (result,) = self._timed.map([(_for_worker(document), link, True)])
        if isinstance(result, InputError):
            raise result
        return result

    def read_many(self, documents: Iterable[Document | InputError]) -> Iterator[Item]:
        """Each document's reading, in input order; workers stay busy across a WARC file."""
        batch: list[Document] = []
        for item in documents:
            if isinstance(item, Document) and not _is_dump(item):
                batch.append(item)
                if len(batch) >= _BATCH:
                    yield from self._read_batch(batch)
                    batch = []
                continue
            yield from self._read_batch(batch)
            batch = []
            if isinstance(item, InputError):
                yield item
            else:
                try:
                    yield Read(item, read_document(item, follow=False))
                except InputError as exc:
                    yield exc
        yield from self._read_batch(batch)

    def _read_batch(self, batch: list[Document]) -> Iterator[Item]:
        if not batch:
            return
        jobs = [(_for_worker(document), None, False) for document in batch]
        for document, result in zip(batch, self._timed.map(jobs), strict=True):
            yield result if isinstance(result, InputError) else Read(document, result)


def _is_dump(document: Document) -> bool:
    return sniff(document) is InputKind.DUMP


def read_inputs(arguments: Iterable[str], options: ReadOptions, reader: Reader) -> Iterator[Item]:
    """Every input's reading, in order, then the pages listed by sitemaps among them."""
    documents = iter_documents(
        arguments,
        max_bytes=options.max_bytes,
        encoding=options.encoding,
        allow_private=options.allow_private,
        fetch_options=_fetch_options(options),
    )
    listed: list[Link] = []
    for item in reader.read_many(documents):
        if isinstance(item, Read) and item.reading.kind is Kind.SITEMAP:
            listed.extend(item.reading.links)
        yield item
    if listed:
        yield from _sitemap_pages(listed, options, reader)


def _sitemap_pages(links: list[Link], options: ReadOptions, reader: Reader) -> Iterator[Item]:
    """Fetch and read the pages sitemaps list (child sitemaps of an index included)."""
    crawl_options = CrawlOptions(
        depth=0,
        max_pages=10**9,
        same_site=False,
        allow_private=options.allow_private,
        delay=options.delay,
        timeout=options.timeout,
        max_bytes=options.max_response_bytes,
    )
    for event in crawl(links, crawl_options, reader.read_one, _unknown):
        if isinstance(event, PageRead):
            yield Read(event.document, event.reading)
        elif isinstance(event, PageFailed):
            yield event.error


def _unknown(url: str) -> FetchState | None:
    return None


def crawl_pages(
    seeds: Iterable[str],
    options: CrawlOptions,
    reader: Reader,
    known: Callable[[str], FetchState | None],
) -> Iterator[CrawlEvent]:
    """The crawler's events, pages read by the time-limited reader."""
    return crawl(seeds, options, reader.read_one, known)


def _fetch_options(options: ReadOptions) -> FetchOptions:
    return FetchOptions(
        timeout=options.timeout,
        max_bytes=options.max_response_bytes,
        allow_private=options.allow_private,
    )


__all__ = [
    "DEFAULT_PAGE_SECONDS",
    "Item",
    "Read",
    "ReadOptions",
    "Reader",
    "crawl_pages",
    "read_inputs",
]
