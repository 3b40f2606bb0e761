"""The commands that read inputs: parse (print), ingest (store) and crawl (fetch and store)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from newsarchive.cli.base import (
    _db_option,
    _encoding_option,
    _error,
    _interrupt_deferred,
    _max_bytes_option,
    _settings,
    _SizeType,
    _stdout,
    cli,
)
from newsarchive.cli.enrich import enrich_stored
from newsarchive.errors import InputError
from newsarchive.extract.dispatch import full_articles
from newsarchive.extract.reading import Kind
from newsarchive.ingest.crawl import (
    CrawlOptions,
    PageCategorised,
    PageFailed,
    PageRead,
    PageSkipped,
    PageUnchanged,
)
from newsarchive.model import (
    Article,
    Document,
    Enrichment,
    article_to_dict,
    enrichment_to_dict,
    grouping_to_dict,
)
from newsarchive.pipeline import (
    DEFAULT_PAGE_SECONDS,
    Item,
    Read,
    Reader,
    ReadOptions,
    crawl_pages,
    read_inputs,
)
from newsarchive.settings import Settings
from newsarchive.store import Store, open_store
from newsarchive.store.base import IngestCounts

F = TypeVar("F", bound=Callable[..., Any])


def _web_options(func: F) -> F:
    """The network and time-limit options of every command that may fetch or read HTML."""
    options = [
        click.option(
            "--allow-private", is_flag=True,
            help="Allow fetching from private, loopback and link-local addresses (refused by"
            " default, so a link cannot reach into your network).",
        ),
        click.option(
            "--timeout", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
            help="Seconds to wait for a server before giving up on a URL.",
        ),
        click.option(
            "--delay", type=click.FloatRange(0, 3600), default=1.0, show_default=True,
            help="Seconds between two requests to the same host.",
        ),
        click.option(
            "--page-seconds", type=click.FloatRange(0.1, 3600),
            default=DEFAULT_PAGE_SECONDS, show_default=True,
            help="Time limit for reading one web page; a page over it is skipped.",
        ),
        click.option(
            "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
            help="Processes reading web pages (HTML, WARC records) at once; output keeps the"
            " input order.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _read_options(settings: Settings, flags: dict[str, Any]) -> ReadOptions:
    return ReadOptions(
        max_bytes=settings.max_bytes,
        encoding=settings.encoding,
        allow_private=flags["allow_private"],
        timeout=flags["timeout"],
        delay=flags["delay"],
        page_seconds=flags["page_seconds"],
        workers=flags["workers"],
    )


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@_encoding_option
@_max_bytes_option
@_web_options
@click.option("--raw", is_flag=True, help="Include each article's original text span.")
@click.option(
    "--enrich", "with_enrichment", is_flag=True,
    help="Add entities, quotes (with speakers) and figures to each article (loads the"
    " language model).",
)  # fmt: skip
@click.option(
    "--stories", "with_stories", is_flag=True,
    help="Add story, duplicate_of, predicted_categories and topic, computed over the"
    " articles parsed (printed once all are read).",
)  # fmt: skip
@click.option(
    "--categories-from", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None, metavar="DB",
    help="With --stories: predict categories with this archive's model (categorize --train).",
)  # fmt: skip
@click.pass_context
def parse(
    ctx: click.Context,
    /,
    inputs: tuple[str, ...],
    encoding: str | None,
    max_bytes: int | None,
    raw: bool,
    with_enrichment: bool,
    with_stories: bool,
    categories_from: Path | None,
    **web: Any,
) -> None:
    """Print the articles of INPUT... as JSON Lines.

    INPUT is a text dump, an HTML page, an RSS/Atom feed, a sitemap (its pages are
    fetched), a WARC file, a folder or glob of these, or an http(s) URL.
    """
    settings = _settings(encoding=encoding, max_bytes=max_bytes)
    options = _read_options(settings, web)
    out = _stdout()
    read = 0
    enrichments = _enrichments_of if with_enrichment else _none_of
    kept: list[dict[str, Any]] = []
    parsed: list[tuple[Article, Enrichment | None]] = []
    with Reader(options) as reader:
        for item in read_inputs(inputs, options, reader):
            if isinstance(item, InputError):
                _error(str(item))
                continue
            if _holds_nothing(item):
                _error(_nothing_found(item))
                continue
            read += 1
            articles = item.reading.articles
            for article, enrichment in zip(articles, enrichments(articles), strict=True):
                data = article_to_dict(article, with_raw=raw)
                if enrichment is not None:
                    data.update(enrichment_to_dict(enrichment))
                if with_stories:  # stories need every article: printed at the end
                    kept.append(data)
                    parsed.append((article, enrichment))
                    continue
                out.write(json.dumps(data, ensure_ascii=False))
                out.write("\n")
    if with_stories:
        from newsarchive.cli.stories import batch_groupings

        for data, grouping in zip(kept, batch_groupings(parsed, categories_from), strict=True):
            data.update(grouping_to_dict(grouping))
            out.write(json.dumps(data, ensure_ascii=False))
            out.write("\n")
    if read == 0:
        ctx.exit(1)


def _enrichments_of(articles: Sequence[Article]) -> Iterator[Enrichment | None]:
    from newsarchive.enrich.enricher import Enricher  # only --enrich loads spaCy

    yield from Enricher().enrich(articles)


def _none_of(articles: Sequence[Article]) -> Iterator[Enrichment | None]:
    return iter([None] * len(articles))


@dataclass(frozen=True, slots=True)
class _Tally:
    """What a command did, for its summary line."""

    items: int = 0
    failed: int = 0
    skipped: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)

    def stored(self, counts: IngestCounts) -> _Tally:
        return replace(self, items=self.items + 1, counts=self.counts + counts)

    def failure(self) -> _Tally:
        return replace(self, items=self.items + 1, failed=self.failed + 1)

    def skip(self) -> _Tally:
        return replace(self, skipped=self.skipped + 1)

    def summary(self, noun: str) -> str:
        c = self.counts
        plural = noun if self.items == 1 else f"{noun}s"
        skipped = f", {self.skipped} skipped" if self.skipped else ""
        return (
            f"{self.items} {plural}: {c.added} added, {c.updated} updated, "
            f"{c.unchanged} unchanged, {self.failed} failed{skipped}"
        )


@contextmanager
def _progress(noun: str) -> Iterator[Progress | None]:
    """A live counter on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn(f"{{task.completed}} {noun}s"),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield progress


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@_db_option
@_encoding_option
@_max_bytes_option
@_web_options
@click.option(
    "--enrich", "enrich_workers", type=click.IntRange(1, 64), default=None, is_flag=False,
    flag_value=1, metavar="[N]",
    help="Also find who said what in the articles stored, as they are stored, in N"
    " processes (default 1); what `newsarchive enrich` would do afterwards.",
)  # fmt: skip
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    inputs: tuple[str, ...],
    db: str | None,
    encoding: str | None,
    max_bytes: int | None,
    enrich_workers: int | None,
    **web: Any,
) -> None:
    """Add the articles of INPUT... to the archive, one transaction per document.

    INPUT is a text dump, an HTML page, an RSS/Atom feed, a sitemap (its pages are
    fetched), a WARC file (each record is a document), a folder or glob of these, or an
    http(s) URL.
    """
    settings = _settings(db=db, encoding=encoding, max_bytes=max_bytes)
    options = _read_options(settings, web)
    run = _IngestRun()
    with open_store(settings.db) as store, Reader(options) as reader, _progress("input") as bar:
        stored = run.stored(store, read_inputs(inputs, options, reader), bar)
        try:
            if enrich_workers is None:
                for _ in stored:
                    pass
            else:
                run.enriched = enrich_stored(store, stored, enrich_workers, bar)
        except KeyboardInterrupt:
            run.interrupted = True
    tally, noun, interrupted = run.tally, run.noun, run.interrupted
    click.echo(tally.summary(noun))
    if run.enriched is not None:
        click.echo(run.enriched)
    if interrupted:
        done = tally.items - tally.failed
        _error(f"interrupted; {done} {noun}s completed are stored, the one in progress is not")
        ctx.exit(130)
    if tally.items == tally.failed:
        ctx.exit(1)


@dataclass
class _IngestRun:
    """What one ``ingest`` did so far (its summary, even after Ctrl-C)."""

    tally: _Tally = field(default_factory=_Tally)
    noun: str = "file"
    interrupted: bool = False
    enriched: str | None = None

    def stored(
        self, store: Store, items: Iterator[Item], bar: Progress | None
    ) -> Iterator[list[Article]]:
        """Store each item; yield the articles of each document stored."""
        task = bar.add_task("", total=None) if bar is not None else None
        for item in items:
            if isinstance(item, Read) and not _is_whole_file(item.document):
                self.noun = "document"
            with _interrupt_deferred():
                before = self.tally
                self.tally = _ingest_one(store, item, self.tally, bar)
            if bar is not None and task is not None:
                bar.update(task, advance=1, description=_item_name(item))
            if isinstance(item, Read) and self.tally.counts != before.counts:
                yield list(item.reading.articles)


def _is_whole_file(document: Document) -> bool:
    return document.record_id is None and document.url is None


def _ingest_one(store: Store, item: Item, tally: _Tally, progress: Progress | None) -> _Tally:
    if isinstance(item, InputError):
        _error(str(item), progress)
        return tally.failure()
    if _holds_nothing(item):
        _error(_nothing_found(item), progress)
        return tally.failure()
    if not item.reading.articles:  # a sitemap: its pages follow as items of their own
        return tally
    return tally.stored(store.add_document(item.document, item.reading.articles))


def _holds_nothing(item: Read) -> bool:
    return not item.reading.articles and item.reading.kind is not Kind.SITEMAP


def _nothing_found(item: Read) -> str:
    return (
        f"{_item_name(item)}: no article found (a {item.reading.kind.value} page without any);"
        " to archive the pages it links to, use: newsarchive crawl URL"
    )


def _item_name(item: Item) -> str:
    if isinstance(item, InputError):
        return item.source
    document = item.document
    return document.url or document.path or ""


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@_db_option
@click.option(
    "--depth",
    type=click.IntRange(0, 50),
    default=2,
    show_default=True,
    help="How many links away from the seeds to go (sitemap and feed links cost none).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Fetch at most this many pages.",
)
@click.option(
    "--same-site/--any-site",
    default=True,
    show_default=True,
    help="Stay on the seeds' sites, or follow links to other sites too.",
)
@click.option(
    "--max-bytes",
    type=_SizeType(),
    default=None,
    help="Refuse responses larger than this (default 10MiB; e.g. 50M).",
)
@_web_options
@click.option("-v", "--verbose", is_flag=True, help="Also list the pages skipped, and why.")
@click.pass_context
def crawl(
    ctx: click.Context,
    /,
    urls: tuple[str, ...],
    db: str | None,
    depth: int,
    max_pages: int,
    same_site: bool,
    max_bytes: int | None,
    verbose: bool,
    **web: Any,
) -> None:  # fmt: skip
    """Fetch pages from URL... and follow their links, storing every article found.

    Polite: obeys robots.txt, waits --delay seconds between requests to a host, retries
    with backoff, and re-fetches known pages conditionally (ETag / Last-Modified), so a
    re-crawl only downloads what changed. Teasers on listing pages and in feeds are not
    stored on their own: the articles they lead to are, with the listing's category.
    """
    settings = _settings(db=db)
    options = CrawlOptions(
        depth=depth,
        max_pages=max_pages,
        same_site=same_site,
        allow_private=web["allow_private"],
        delay=web["delay"],
        timeout=web["timeout"],
    )
    if max_bytes is not None:
        options = replace(options, max_bytes=max_bytes)
    read_options = _read_options(settings, web)
    tally, interrupted = _Tally(), False
    with open_store(settings.db) as store, Reader(read_options) as reader, _progress("page") as bar:
        task = bar.add_task("", total=None) if bar is not None else None
        pages = _CrawlStore(store)
        try:
            for event in crawl_pages(urls, options, reader, store.fetch_state):
                with _interrupt_deferred():
                    tally = pages.take(event, tally, bar, verbose)
                if bar is not None and task is not None and not isinstance(event, PageSkipped):
                    bar.update(task, advance=1, description=_event_url(event))
        except KeyboardInterrupt:
            interrupted = True
    click.echo(tally.summary("page"))
    if interrupted:
        _error("interrupted; the pages completed are stored, the one in progress is not")
        ctx.exit(130)
    if tally.items == tally.failed:
        ctx.exit(1)


class _CrawlStore:
    """Stores what the crawler reads; remembers each page's articles, so a category found
    later (``PageCategorised``) can be added to them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.articles: dict[str, tuple[Document, tuple[Article, ...]]] = {}

    def take(
        self,
        event: PageRead | PageUnchanged | PageFailed | PageSkipped | PageCategorised,
        tally: _Tally,
        progress: Progress | None,
        verbose: bool,
    ) -> _Tally:
        if isinstance(event, PageRead):
            articles = full_articles(event.reading)
            counts = self.store.add_document(event.document, articles)
            self.store.record_fetch(event.state)
            if articles:
                light = replace(event.document, data=b"")
                self.articles[event.state.url] = (light, articles)
            return tally.stored(counts)
        if isinstance(event, PageUnchanged):
            self.store.record_fetch(event.state)
            return tally.stored(IngestCounts(unchanged=1))
        if isinstance(event, PageFailed):
            _error(str(event.error), progress)
            return tally.failure()
        if isinstance(event, PageSkipped):
            if verbose:
                _error(f"{event.url}: skipped ({event.reason})", progress)
            return tally.skip()
        known = self.articles.get(event.url)
        if known is not None:
            document, articles = known
            more = tuple(_with_category(a, event.category) for a in articles)
            self.store.add_document(document, more)
            self.articles[event.url] = (document, more)
        return tally


def _with_category(article: Article, category: str) -> Article:
    if category in article.categories:
        return article
    return replace(article, categories=(*article.categories, category))


def _event_url(event: object) -> str:
    """The URL a crawl event is about, for the progress bar."""
    if isinstance(event, PageRead):
        return event.document.url or event.state.url
    if isinstance(event, PageFailed):
        return event.error.source
    return str(getattr(event, "url", ""))
