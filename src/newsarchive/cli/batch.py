"""``newsarchive batch``: parse, enrich and find near-duplicates on Apache Spark."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.cli.base import (
    _encoding_option,
    _error,
    _max_bytes_option,
    _settings,
    _SizeType,
    cli,
)
from newsarchive.pipeline import DEFAULT_PAGE_SECONDS, ReadOptions
from newsarchive.store import open_store, shown_location

if TYPE_CHECKING:
    from newsarchive.batch import BatchReport, SparkRun

_LOCAL = re.compile(r"local(\[(\d+|\*)\])?$")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out", metavar="DIR", default=None,
    help="Write the articles as Parquet into this folder (the columns of 'export --format"
    " parquet'; a local path or any URL Spark writes to, e.g. hdfs:// or s3a://).",
)  # fmt: skip
@click.option(
    "--db", metavar="FILE_OR_URL", default=None,
    help="Load the documents and their enrichments into this archive (a SQLite file or"
    " a postgresql:// URL), as ingest and enrich would.",
)  # fmt: skip
@click.option(
    "--master", default=None, metavar="URL",
    help="Spark master: local[*] (default; under spark-submit, its --master), local[N],"
    " spark://HOST:PORT, yarn, k8s://...",
)  # fmt: skip
@click.option(
    "--cores", type=click.IntRange(1, 1024), default=None,
    help="Shorthand for --master local[N].",
)  # fmt: skip
@click.option(
    "--enrich/--no-enrich", default=True, show_default=True,
    help="Find entities, quotes and figures in each article (loads the language model once"
    " per Spark worker).",
)  # fmt: skip
@click.option(
    "--stories", "with_stories", is_flag=True,
    help="Also group the articles into stories, as 'parse --stories' does (on the driver, in"
    " input order).",
)  # fmt: skip
@click.option(
    "--partitions", type=click.IntRange(1, 1_000_000), default=None,
    help="Spark partitions for the tasks (default: one per task).",
)  # fmt: skip
@click.option(
    "--split-size", type=_SizeType(), default="64M", show_default=True,
    help="The most bytes of a WARC file one task reads (smaller inputs are cut so every core"
    " has work).",
)  # fmt: skip
@click.option("--overwrite", is_flag=True, help="Replace the Parquet in --out if there is one.")
@_encoding_option
@_max_bytes_option
@click.option(
    "--page-seconds", type=click.FloatRange(0.1, 3600), default=DEFAULT_PAGE_SECONDS,
    show_default=True, help="Time limit for reading one web page; a page over it is skipped.",
)  # fmt: skip
@click.pass_context
def batch(
    ctx: click.Context,
    /,
    inputs: tuple[str, ...],
    out: str | None,
    db: str | None,
    master: str | None,
    cores: int | None,
    enrich: bool,
    with_stories: bool,
    partitions: int | None,
    split_size: int,
    overwrite: bool,
    encoding: str | None,
    max_bytes: int | None,
    page_seconds: float,
) -> None:
    """Read INPUT... (text dumps, HTML pages, feeds, WARC files, folders or globs of them)
    on Apache Spark: the steps of 'parse --enrich' and near-duplicates, the same results,
    spread over many cores. Writes Parquet to --out and/or loads the archive --db.
    """
    if out is None and db is None:
        raise click.UsageError("say where the articles go: --out DIR and/or --db FILE_OR_URL")
    spark_master = _master(master, cores)
    settings = _settings(db=db, encoding=encoding, max_bytes=max_bytes)
    read = ReadOptions(
        max_bytes=settings.max_bytes, encoding=settings.encoding, page_seconds=page_seconds
    )
    from newsarchive.batch import BatchError, BatchOptions, BatchReport, run_batch, spark_session

    options = BatchOptions(read, enrich, with_stories, split_size, partitions)
    if out is not None and _LOCAL.match(spark_master or "") and "://" not in out:
        out = str(Path(out).resolve())
    if out is not None and not overwrite and Path(out).exists():
        raise BatchError(f"{out} exists; pass --overwrite to replace it, or choose another --out")
    report = BatchReport()
    with spark_session(spark_master) as run, _spark_failures(run):
        try:
            if db is None:
                report = run_batch(run.session, inputs, options, out=out, overwrite=overwrite,
                                   on_failure=_error)  # fmt: skip
            else:
                with open_store(settings.db) as store:
                    report = run_batch(run.session, inputs, options, out=out, store=store,
                                       overwrite=overwrite, on_failure=_error)  # fmt: skip
        except KeyboardInterrupt:
            _error("interrupted; nothing was written to --out, and --db keeps what was loaded")
            ctx.exit(130)
    _summarise(report, out, shown_location(settings.db) if db is not None else None)
    if report.documents == len(report.failures):
        ctx.exit(1)


@contextmanager
def _spark_failures(run: SparkRun) -> Iterator[None]:
    """A failed Spark job as one line naming Spark's log (a task's traceback is there)."""
    from py4j.protocol import Py4JError  # type: ignore[import-untyped]
    from pyspark.errors import PySparkException

    from newsarchive.batch import BatchError

    try:
        yield
    except (PySparkException, Py4JError) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = (lines[-1] if lines else type(exc).__name__)[:300]
        raise BatchError(f"the Spark job failed ({reason}); Spark's log: {run.log}") from exc


def _master(master: str | None, cores: int | None) -> str | None:
    from newsarchive.batch.session import default_master

    if cores is not None:
        if master is not None:
            raise click.UsageError("--cores N means --master local[N]: give one of them")
        return f"local[{cores}]"
    return master or default_master()


def _summarise(report: BatchReport, out: str | None, db: str | None) -> None:
    failed = len(report.failures)
    noun = "document" if report.documents == 1 else "documents"
    articles = "article" if report.articles == 1 else "articles"
    click.echo(
        f"{report.documents} {noun}: {report.documents - failed} read, {failed} failed;"
        f" {report.articles} {articles}, {report.duplicates} near-duplicates"
    )
    if out is not None:
        click.echo(f"Parquet: {out}")
    if db is not None:
        c = report.counts
        click.echo(f"archive {db}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged")
