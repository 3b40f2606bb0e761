"""The commands that read the archive: search, show, categories, stats, export, serve."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from newsarchive import render
from newsarchive.cli.base import _db_option, _error, _settings, _stdout, cli
from newsarchive.errors import NotFoundError
from newsarchive.model import (
    Enrichment,
    Grouping,
    article_to_dict,
    enrichment_to_dict,
    grouping_to_dict,
)
from newsarchive.store import open_store, shown_location
from newsarchive.store.base import EntityRef, SearchQuery, SearchResult, SortOrder
from newsarchive.store.export import ExportFormat, write_csv, write_file, write_jsonl


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
    db: str | None,
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
@click.option(
    "--source", "original", is_flag=True,
    help="Write the original bytes of the article's input (a page's HTML, a dump) to stdout.",
)  # fmt: skip
@_db_option
def show(
    article_id: str, as_json: bool, revisions: bool, raw: bool, original: bool, db: str | None
) -> None:
    """Print one article by its id (ids come from search, parse and export)."""
    with open_store(_settings(db=db).db, readonly=True) as store:
        article = store.get(article_id)
        if article is None:
            raise NotFoundError(f"{article_id}: no article with this id; find ids with search")
        history = store.revisions(article_id) if revisions else []
        source = store.source_text(article.source.sha256) if original else None
        enrichment = store.enrichment(article_id)
        grouping = store.grouping(article_id)
        speakers = store.canonical_entities(
            [q.speaker for q in enrichment.quotes if q.speaker] if enrichment else []
        )
    if source is not None:
        sys.stdout.buffer.write(source)
        sys.stdout.flush()
        return
    if as_json:
        data = article_to_dict(article, with_raw=raw)
        if enrichment is not None:
            data.update(enrichment_to_dict(enrichment))
        if grouping != Grouping():
            data.update(grouping_to_dict(grouping))
        if revisions:
            data["revisions"] = [render.revision_to_dict(r) for r in history]
        _stdout().write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if raw:
        click.echo(article.raw)
    else:
        headline, *rest = render.article_text(article)
        click.echo("\n".join([click.style(headline, bold=True), *rest]))
        if enrichment is not None and enrichment.quotes:
            click.echo("\n".join(["", *_quote_lines(enrichment, speakers)]))
        if grouping != Grouping():
            click.echo("\n".join(["", *_grouping_lines(grouping)]))
    for revision in history:
        click.echo(render.revision_line(revision))


def _grouping_lines(grouping: Grouping) -> list[str]:
    """The article's story and topic, the original it repeats, and its predicted
    categories."""
    lines: list[str] = []
    if grouping.story is not None:
        lines.append(f"Story: {grouping.story.label} ({grouping.story.id})")
    if grouping.topic is not None:
        lines.append(f"Topic: {grouping.topic.label} ({grouping.topic.id})")
    if grouping.duplicate_of is not None:
        lines.append(f"Near-duplicate of: {grouping.duplicate_of}")
    if grouping.predicted_categories:
        guesses = ", ".join(f"{p.name} ({p.confidence:.0%})" for p in grouping.predicted_categories)
        lines.append(f"Predicted categories: {guesses}")
    return lines


def _quote_lines(enrichment: Enrichment, speakers: dict[str, EntityRef]) -> list[str]:
    """Who said what in the article: one line a quote, the speaker as the archive names
    them (and as the article does, when that differs)."""
    lines = [f"Quotes ({len(enrichment.quotes)}):"]
    for quote in enrichment.quotes:
        who = "(unattributed)"
        if quote.speaker is not None:
            ref = speakers.get(quote.speaker)
            who = ref.name if ref is not None else quote.speaker
        if quote.speaker_text and quote.speaker_text not in (who, quote.speaker):
            who += f" ({quote.speaker_text})"
        cue = f" {quote.cue}" if quote.cue else ""  # a direct quote has its marks
        lines.append(f"  {who}{cue}: {' '.join(quote.text.split())}")
    return lines


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines.")
@_db_option
def categories(as_json: bool, db: str | None) -> None:
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
def stats(as_json: bool, db: str | None) -> None:
    """Counts and date range of the archive."""
    location = _settings(db=db).db
    with open_store(location, readonly=True) as store:
        numbers = store.stats()
    rows = {
        "database": shown_location(location),
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
    help="jsonl: article_to_dict per line; csv: list fields as JSON arrays; parquet: typed."
    " Enriched articles also carry entities, quotes and figures; every article its story,"
    " duplicate_of, predicted_categories and topic.",
)  # fmt: skip
@click.option("--category", help="Only articles in this category.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (required for parquet; default stdout).",
)  # fmt: skip
@_db_option
def export(fmt: str, category: str | None, output: Path | None, db: str | None) -> None:
    """Stream every current article (newest first, near-duplicates too) as JSON Lines,
    CSV or Parquet."""
    chosen = ExportFormat(fmt)
    if chosen is ExportFormat.PARQUET and output is None:
        raise click.UsageError("--format parquet needs --output FILE (it cannot go to stdout)")
    with open_store(_settings(db=db).db, readonly=True) as store:
        articles = store.iter_articles(category)
        if output is not None:
            count = write_file(articles, output, chosen, store.enrichment, store.grouping)
        else:
            writer = write_jsonl if chosen is ExportFormat.JSONL else write_csv
            count = writer(articles, _stdout(), store.enrichment, store.grouping)
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
def serve(db: str | None, host: str, port: int, ingest_token: str | None) -> None:
    """Serve the archive as a website with a JSON API (read-only unless a token is set)."""
    import uvicorn  # imported here: the other commands do not pay for the web stack

    from newsarchive.web import create_app

    settings = _settings(db=db, ingest_token=ingest_token)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {shown_location(settings.db)} at http://{shown}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
