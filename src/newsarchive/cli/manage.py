"""The commands that manage an archive as a whole: migrate (apply the schema) and copy
(move an archive between backends, e.g. from a SQLite file to PostgreSQL)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from newsarchive.cli.base import _db_option, _settings, cli
from newsarchive.errors import StoreError
from newsarchive.store import (
    archive_exists,
    open_store,
    require_archive,
    schema_version,
    shown_location,
)
from newsarchive.store.base import TableRows


@cli.command()
@_db_option
def migrate(db: str | None) -> None:
    """Create the archive, or bring it to this newsarchive's schema (in one transaction)."""
    location = _settings(db=db).db
    shown = shown_location(location)
    before = schema_version(location) if archive_exists(location) else None
    with open_store(location):
        pass
    after = schema_version(location)
    if before is None:
        click.echo(f"{shown}: created at schema version {after}")
    elif before == after:
        click.echo(f"{shown}: schema version {after}, the latest; nothing to do")
    else:
        click.echo(f"{shown}: schema version {before} -> {after}")


@cli.command()
@click.option("--from", "source", required=True, metavar="FILE_OR_URL", help="The archive to copy.")
@click.option(
    "--to", "target", required=True, metavar="FILE_OR_URL",
    help="A new or empty archive (a SQLite file or a postgresql:// URL).",
)  # fmt: skip
def copy(source: str, target: str) -> None:
    """Copy a whole archive to another backend or place: sources (raw inputs), articles,
    revisions, enrichments, stories and states, row for row. The search index and the
    category listings are rebuilt at the target. The target is written in one transaction
    and must hold no articles yet."""
    src, dst = _settings(db=source).db, _settings(db=target).db
    if str(src) == str(dst):
        raise StoreError(f"--from and --to are both {shown_location(src)}; copy to another place")
    require_archive(src)
    counts: dict[str, int] = {}
    with open_store(src, readonly=True) as reader, open_store(dst) as writer, _progress() as bar:
        written = writer.load_tables(_counted(reader.dump_tables(), counts, bar))
    articles = counts.get("articles", 0)
    click.echo(
        f"copied {articles} articles ({written} rows in {len(counts)} tables) "
        f"from {shown_location(src)} to {shown_location(dst)}"
    )


def _counted(
    tables: Iterable[TableRows], counts: dict[str, int], progress: Progress | None
) -> Iterator[TableRows]:
    for part in tables:
        counts[part.table] = 0
        yield TableRows(part.table, part.columns, _rows(part, counts, progress))


def _rows(
    part: TableRows, counts: dict[str, int], progress: Progress | None
) -> Iterator[tuple[object, ...]]:
    task = None if progress is None else progress.add_task(part.table)
    for row in part.rows:
        counts[part.table] += 1
        if progress is not None and task is not None and counts[part.table] % 1000 == 0:
            progress.update(task, completed=counts[part.table])
        yield row
    if progress is not None and task is not None:
        progress.update(task, completed=counts[part.table])


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """Rows copied per table, live on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield progress
