"""The ``newsarchive`` command: parse arguments, call the library, print.

Every expected problem is one ``newsarchive: ...`` line on stderr and a non-zero exit
(2 for usage errors and bad queries, 130 for Ctrl-C, 1 otherwise); an unexpected one
shows its traceback only with ``--debug``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.text import Text

from newsarchive import __version__, render
from newsarchive.errors import InputError, NewsarchiveError, NotFoundError
from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.paths import iter_input_paths
from newsarchive.ingest.textfile import read_text_file
from newsarchive.model import Article, Document, article_to_dict
from newsarchive.settings import Settings, check_encoding, parse_size
from newsarchive.store import Store, open_store
from newsarchive.store.base import (
    IngestCounts,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from newsarchive.store.export import ExportFormat, write_csv, write_file, write_jsonl

F = TypeVar("F", bound=Callable[..., Any])
PROG = "newsarchive"


class _InternalError(Exception):
    """An unexpected exception, reported in one line unless ``--debug``."""


class _Cli(click.Group):
    """A group that turns every error into one stderr line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except NewsarchiveError:
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise _InternalError(f"{type(exc).__name__}: {exc}") from exc

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            _fail(_usage_line(exc), exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("interrupted", 130)
        except NewsarchiveError as exc:
            _fail(str(exc), exc.exit_code)
        except _InternalError as exc:
            _fail(f"internal error ({exc}); run with --debug for the traceback, and report it", 1)
        sys.exit(result if isinstance(result, int) else 0)


def _usage_line(exc: click.UsageError) -> str:
    where = exc.ctx.command_path if exc.ctx is not None else PROG
    message = " ".join(exc.format_message().split()).rstrip(".")  # one line, always
    return f"{message} (see '{where} --help')"


def _fail(message: str, code: int) -> None:
    _error(message)
    sys.exit(code)


def _error(message: str, progress: Progress | None = None) -> None:
    line = f"{PROG}: {message}"
    if progress is not None:  # print above the live bar instead of through it
        progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        click.echo(line, err=True)


# -- shared options ----------------------------------------------------------------


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Archive database file (default: $NEWSARCHIVE_DB, else ./newsarchive.db).",
    )(func)


def _checked_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else check_encoding(value)
    except InputError as exc:
        raise click.BadParameter(f"unknown encoding {value!r}; {exc.advice}") from None


def _encoding_option(func: F) -> F:
    return click.option(
        "--encoding",
        default=None,
        callback=_checked_encoding,
        help="Decode inputs with this encoding instead of detecting it (e.g. cp1251).",
    )(func)


class _SizeType(click.ParamType[int]):
    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _max_bytes_option(func: F) -> F:
    return click.option(
        "--max-bytes",
        type=_SizeType(),
        default=None,
        help="Refuse input files larger than this (default 512MiB; e.g. 2G).",
    )(func)


def _settings(**flags: Any) -> Settings:
    return Settings.load(os.environ, **flags)


def _stdout() -> TextIO:
    """Standard output as UTF-8: JSON Lines and CSV are UTF-8 whatever the locale."""
    out = sys.stdout
    if hasattr(out, "reconfigure") and (out.encoding or "").lower().replace("_", "-") != "utf-8":
        out.reconfigure(encoding="utf-8")
    return out


# -- the commands --------------------------------------------------------------------


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@click.option("--debug", is_flag=True, help="Show the traceback of unexpected errors.")
def cli(debug: bool) -> None:
    """A self-hosted news archive: read dumps, search them, export them."""


def main() -> None:
    cli.main(prog_name=PROG)


def _read_inputs(
    paths: Iterable[str], settings: Settings
) -> Iterator[tuple[Document, list[Article]] | InputError]:
    """Each input's document and articles, or the ``InputError`` that stopped it."""
    for item in iter_input_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            document = read_text_file(
                item, max_bytes=settings.max_bytes, encoding=settings.encoding
            )
            yield document, split_archive_page(document)
        except InputError as exc:
            yield exc


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_encoding_option
@_max_bytes_option
@click.option("--raw", is_flag=True, help="Include each article's original text span.")
@click.pass_context
def parse(
    ctx: click.Context,
    paths: tuple[str, ...],
    encoding: str | None,
    max_bytes: int | None,
    raw: bool,
) -> None:
    """Print the articles of PATH... (files, folders, globs) as JSON Lines."""
    settings = _settings(encoding=encoding, max_bytes=max_bytes)
    out = _stdout()
    read = 0
    for item in _read_inputs(paths, settings):
        if isinstance(item, InputError):
            _error(str(item))
            continue
        read += 1
        for article in item[1]:
            out.write(json.dumps(article_to_dict(article, with_raw=raw), ensure_ascii=False))
            out.write("\n")
    if read == 0:
        ctx.exit(1)


@dataclass(frozen=True, slots=True)
class _Tally:
    files: int = 0
    failed: int = 0
    counts: IngestCounts = field(default_factory=IngestCounts)

    def stored(self, counts: IngestCounts) -> _Tally:
        return replace(self, files=self.files + 1, counts=self.counts + counts)

    def failure(self) -> _Tally:
        return replace(self, files=self.files + 1, failed=self.failed + 1)

    def summary(self) -> str:
        c = self.counts
        noun = "file" if self.files == 1 else "files"
        return (
            f"{self.files} {noun}: {c.added} added, {c.updated} updated, "
            f"{c.unchanged} unchanged, {self.failed} failed"
        )


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A live counter on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.completed} files"),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield progress


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option
@_encoding_option
@_max_bytes_option
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    db: Path | None,
    encoding: str | None,
    max_bytes: int | None,
) -> None:
    """Add the articles of PATH... to the archive, one transaction per file."""
    settings = _settings(db=db, encoding=encoding, max_bytes=max_bytes)
    tally, interrupted = _Tally(), False
    with open_store(settings.db) as store, _progress() as progress:
        task = progress.add_task("", total=None) if progress is not None else None
        try:
            for item in _read_inputs(paths, settings):
                with _interrupt_deferred():
                    tally = _ingest_one(store, item, tally, progress)
                if progress is not None and task is not None:
                    progress.update(task, advance=1, description=_item_name(item))
        except KeyboardInterrupt:
            interrupted = True
    click.echo(tally.summary())
    if interrupted:
        done = tally.files - tally.failed
        _error(f"interrupted; {done} files completed are stored, the file in progress is not")
        ctx.exit(130)
    if tally.files == tally.failed:
        ctx.exit(1)


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C while one file is committed and counted, so the summary printed after
    an interruption is exactly what the archive holds (the transaction is atomic anyway)."""
    previous = signal.getsignal(signal.SIGINT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if previous is not signal.default_int_handler or not in_main_thread:
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _ingest_one(
    store: Store,
    item: tuple[Document, list[Article]] | InputError,
    tally: _Tally,
    progress: Progress | None,
) -> _Tally:
    if isinstance(item, InputError):
        _error(str(item), progress)
        return tally.failure()
    document, articles = item
    return tally.stored(store.add_document(document, articles))


def _item_name(item: tuple[Document, list[Article]] | InputError) -> str:
    return item.source if isinstance(item, InputError) else (item[0].path or "")


def _iso_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> str | None:
    return None if value is None else value.date().isoformat()


@cli.command()
@click.argument("query")
@click.option("--category", help="Only articles in this category.")
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), callback=_iso_date,
    help="Published on or after this date (YYYY-MM-DD).",
)  # fmt: skip
@click.option(
    "--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), callback=_iso_date,
    help="Published on or before this date (YYYY-MM-DD).",
)  # fmt: skip
@click.option(
    "--sort", type=click.Choice([s.value for s in SortOrder]), default=SortOrder.RELEVANCE.value,
    show_default=True,
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print hits as JSON Lines.")
@_db_option
def search(
    query: str,
    category: str | None,
    date_from: str | None,
    date_to: str | None,
    sort: str,
    limit: int,
    as_json: bool,
    db: Path | None,
) -> None:
    """Full-text search: words, "exact phrases", prefix*, AND/OR/NOT."""
    request = SearchQuery(query, category, date_from, date_to, SortOrder(sort), limit)
    with open_store(_settings(db=db).db, readonly=True) as store:
        result = store.search(request)
    if not result.hits:
        _error(f"nothing matches {query!r}; try fewer words, a prefix like word*, or no filters")
    elif as_json:
        out = _stdout()
        for hit in result.hits:
            out.write(json.dumps(render.hit_to_dict(hit), ensure_ascii=False) + "\n")
    else:
        _print_hits(result)


def _print_hits(result: SearchResult) -> None:
    console = Console(highlight=False)
    for hit in result.hits:
        if console.is_terminal:
            console.print(Text(render.hit_heading(hit), style="bold"))
            console.print(Text("    ").append(render.highlighted(hit.snippet)))
        else:
            click.echo(f"{render.hit_heading(hit)}\n    {render.bracketed(hit.snippet)}")
    shown = len(result.hits)
    more = f"{shown} of {result.total}" if result.total > shown else f"{shown}"
    note = (
        " (so many: the newest shown first; add words to rank by relevance)"
        if result.bounded
        else ""
    )
    click.echo(f"{more} {'match' if result.total == 1 else 'matches'}{note}", err=True)


@cli.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option("--revisions", is_flag=True, help="Also list every revision seen.")
@click.option("--raw", is_flag=True, help="Print the original text span instead.")
@_db_option
def show(article_id: str, as_json: bool, revisions: bool, raw: bool, db: Path | None) -> None:
    """Print one article by its id (ids come from search, parse and export)."""
    with open_store(_settings(db=db).db, readonly=True) as store:
        article = store.get(article_id)
        if article is None:
            raise NotFoundError(f"{article_id}: no article with this id; find ids with search")
        history = store.revisions(article_id) if revisions else []
    if as_json:
        data = article_to_dict(article, with_raw=raw)
        if revisions:
            data["revisions"] = [render.revision_to_dict(r) for r in history]
        _stdout().write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if raw:
        click.echo(article.raw)
    else:
        headline, *rest = render.article_text(article)
        click.echo("\n".join([click.style(headline, bold=True), *rest]))
    for revision in history:
        click.echo(render.revision_line(revision))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_db_option
def categories(as_json: bool, db: Path | None) -> None:
    """List categories with their article counts."""
    with open_store(_settings(db=db).db, readonly=True) as store:
        found = store.categories()
    for category in found:
        if as_json:
            click.echo(
                json.dumps({"name": category.name, "count": category.count}, ensure_ascii=False)
            )
        else:
            click.echo(f"{category.count:>7}  {category.name}")
    if not found:
        _error("no categories yet; ingest a category archive first")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_db_option
def stats(as_json: bool, db: Path | None) -> None:
    """Counts and date range of the archive."""
    location = _settings(db=db).db
    with open_store(location, readonly=True) as store:
        numbers = store.stats()
    rows = {
        "database": str(location),
        "articles": numbers.articles,
        "sources": numbers.sources,
        "revisions": numbers.revisions,
        "earliest": numbers.earliest,
        "latest": numbers.latest,
    }
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        click.echo("\n".join(f"{key:<10} {'-' if v is None else v}" for key, v in rows.items()))


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice([f.value for f in ExportFormat]), required=True,
    help="jsonl: article_to_dict per line; csv: list fields as JSON arrays; parquet: typed.",
)  # fmt: skip
@click.option("--category", help="Only articles in this category.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (required for parquet; default stdout).",
)  # fmt: skip
@_db_option
def export(fmt: str, category: str | None, output: Path | None, db: Path | None) -> None:
    """Stream every current article (newest first) as JSON Lines, CSV or Parquet."""
    chosen = ExportFormat(fmt)
    if chosen is ExportFormat.PARQUET and output is None:
        raise click.UsageError("--format parquet needs --output FILE (it cannot go to stdout)")
    with open_store(_settings(db=db).db, readonly=True) as store:
        articles = store.iter_articles(category)
        if output is not None:
            count = write_file(articles, output, chosen)
        else:
            writer = write_jsonl if chosen is ExportFormat.JSONL else write_csv
            count = writer(articles, _stdout())
    if output is not None:
        click.echo(f"{count} articles written to {output}", err=True)
    if count == 0:
        _error("no articles to export" + (f" in category {category!r}" if category else ""))


@cli.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--ingest-token", default=None, metavar="TOKEN",
    help="Turn on POST /api/ingest for requests with 'Authorization: Bearer TOKEN'"
    " (default: $NEWSARCHIVE_INGEST_TOKEN; off when unset).",
)  # fmt: skip
def serve(db: Path | None, host: str, port: int, ingest_token: str | None) -> None:
    """Serve the archive as a website with a JSON API (read-only unless a token is set)."""
    import uvicorn  # imported here: the other commands do not pay for the web stack

    from newsarchive.web import create_app

    settings = _settings(db=db, ingest_token=ingest_token)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {settings.db} at http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
