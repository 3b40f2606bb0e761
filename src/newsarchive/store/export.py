"""Stream articles out of an archive as JSON Lines, CSV or Parquet, in flat memory.

* JSON Lines: one ``article_to_dict`` object a line, UTF-8, non-ASCII kept as is.
* CSV: one row an article. Scalar fields as text (empty for missing, ``teaser`` as
  ``true``/``false``); every list field (``paragraphs``, ``captions``, ``related``,
  ``categories``, ``authors``, ``tags``) is a JSON array in its cell, so it round-trips
  exactly and survives commas and newlines. Columns added later come last, so a reader
  that takes columns by position keeps working.
* Parquet: typed columns (lists of strings, lists of structs for captions and related,
  integers for offsets and HTTP status, a boolean ``teaser``), written in record batches
  of ``batch_size`` rows.

With ``enrichment_of`` (the store's ``enrichment``), an enriched article also carries
``enrichment_version``, ``entities``, ``quotes`` and ``figures`` (``enrichment_to_dict``):
JSON Lines as arrays of objects, CSV and Parquet as JSON text in their columns
(empty / null when the article is not enriched). With ``grouping_of`` (the store's
``grouping``), every article carries ``story``, ``duplicate_of``,
``predicted_categories`` and ``topic`` (``grouping_to_dict``); CSV and Parquet hold
``story``, ``predicted_categories`` and ``topic`` as JSON text.

A file output is written next to its target and renamed into place at the end, so an
interrupted export never leaves a half-written file under the requested name.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from newsarchive.errors import ExportError
from newsarchive.model import (
    Article,
    Enrichment,
    Grouping,
    article_to_dict,
    enrichment_to_dict,
    grouping_to_dict,
)

CSV_COLUMNS = (
    "id",
    "title",
    "summary",
    "published",
    "dateline",
    "paragraphs",
    "captions",
    "related",
    "categories",
    "authors",
    "source_path",
    "source_url",
    "source_sha256",
    "source_start",
    "source_end",
    "source_encoding",
    # pages read from the web (v4)
    "url",
    "updated",
    "language",
    "tags",
    "teaser",
    "source_record_id",
    "source_record_offset",
    "source_fetched_at",
    "source_http_status",
    # who said what (v5), when the article is enriched
    "enrichment_version",
    "entities",
    "quotes",
    "figures",
    # stories (v6): the story (JSON {id, label}), the original it near-duplicates, and
    # predicted categories (JSON), when ``newsarchive stories`` / ``categorize`` have run
    "story",
    "duplicate_of",
    "predicted_categories",
    # topics (v7): the story's topic (JSON {id, label})
    "topic",
)
ENRICHMENT_FIELDS = ("entities", "quotes", "figures")
JSON_FIELDS = (*ENRICHMENT_FIELDS, "story", "predicted_categories", "topic")
EnrichmentOf = Callable[[str], Enrichment | None]
GroupingOf = Callable[[str], Grouping]
_LIST_FIELDS = frozenset({"paragraphs", "captions", "related", "categories", "authors", "tags"})
_SOURCE_FIELDS = (
    "path",
    "url",
    "sha256",
    "start",
    "end",
    "encoding",
    "record_id",
    "record_offset",
    "fetched_at",
    "http_status",
)


class ExportFormat(Enum):
    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


def article_record(
    article: Article,
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> dict[str, Any]:
    """``article_to_dict``, with the article's enrichment when it has one, and its
    grouping when ``grouping_of`` is given."""
    data = article_to_dict(article)
    enrichment = enrichment_of(article.id) if enrichment_of is not None else None
    if enrichment is not None:
        data.update(enrichment_to_dict(enrichment))
    if grouping_of is not None:
        data.update(grouping_to_dict(grouping_of(article.id)))
    return data


def iter_jsonl(
    articles: Iterable[Article],
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> Iterator[str]:
    """Each article's JSON Lines line, newline included (for streaming responses)."""
    for article in articles:
        record = article_record(article, enrichment_of, grouping_of)
        yield json.dumps(record, ensure_ascii=False) + "\n"


def iter_csv(
    articles: Iterable[Article],
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> Iterator[str]:
    """The CSV header line, then each article's row (for streaming responses)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield _drained(buffer)
    for article in articles:
        record = article_record(article, enrichment_of, grouping_of)
        writer.writerow(flat_row(record, list_as_json=True))
        yield _drained(buffer)


def _drained(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_jsonl(
    articles: Iterable[Article],
    out: TextIO,
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> int:
    count = 0
    for line in iter_jsonl(articles, enrichment_of, grouping_of):
        out.write(line)
        count += 1
    return count


def write_csv(
    articles: Iterable[Article],
    out: TextIO,
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> int:
    count = -1  # the first line is the header
    for line in iter_csv(articles, enrichment_of, grouping_of):
        out.write(line)
        count += 1
    return count


def write_parquet(
    articles: Iterable[Article],
    path: Path,
    *,
    batch_size: int = 1000,
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> int:
    import pyarrow as pa  # imported here: only Parquet export pays its import time
    import pyarrow.parquet as pq

    schema = parquet_schema(pa)
    count = 0
    with _replaced_on_success(path) as partial, pq.ParquetWriter(str(partial), schema) as writer:
        for rows in _batches(articles, batch_size):
            batch = [
                flat_row(article_record(article, enrichment_of, grouping_of), list_as_json=False)
                for article in rows
            ]
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def write_file(
    articles: Iterable[Article],
    path: Path,
    fmt: ExportFormat,
    enrichment_of: EnrichmentOf | None = None,
    grouping_of: GroupingOf | None = None,
) -> int:
    """Write ``articles`` to ``path`` in ``fmt``; the file appears only when complete."""
    if fmt is ExportFormat.PARQUET:
        return write_parquet(articles, path, enrichment_of=enrichment_of, grouping_of=grouping_of)
    with (
        _replaced_on_success(path) as partial,
        partial.open("w", encoding="utf-8", newline="") as out,
    ):
        if fmt is ExportFormat.JSONL:
            return write_jsonl(articles, out, enrichment_of, grouping_of)
        return write_csv(articles, out, enrichment_of, grouping_of)


def flat_row(data: dict[str, Any], *, list_as_json: bool) -> dict[str, Any]:
    """An article record as one CSV/Parquet row (``export``; ``batch`` writes the same)."""
    source = data.pop("source")
    row: dict[str, Any] = {key: data.get(key) for key in CSV_COLUMNS}
    for key in _SOURCE_FIELDS:
        row[f"source_{key}"] = source.get(key)
    for key in JSON_FIELDS:  # JSON text in CSV and Parquet alike; None when absent
        if row[key] is not None:
            row[key] = json.dumps(row[key], ensure_ascii=False)
    if list_as_json:
        for key in _LIST_FIELDS:
            row[key] = json.dumps(row[key], ensure_ascii=False)
        row["teaser"] = "true" if row["teaser"] else "false"
    return row


def parquet_schema(pa: Any) -> Any:
    """The Parquet schema of ``export --format parquet`` (and of ``batch``'s output)."""
    text = pa.string()
    caption = pa.struct([("text", text), ("credit", text), ("image_url", text)])
    related = pa.struct(
        [("title", text), ("url", text), ("image_caption", text), ("image_credit", text)]
    )
    types = {
        "paragraphs": pa.list_(text),
        "captions": pa.list_(caption),
        "related": pa.list_(related),
        "categories": pa.list_(text),
        "authors": pa.list_(text),
        "source_start": pa.int64(),
        "source_end": pa.int64(),
        "tags": pa.list_(text),
        "teaser": pa.bool_(),
        "source_record_offset": pa.int64(),
        "source_http_status": pa.int32(),
    }
    return pa.schema([(name, types.get(name, text)) for name in CSV_COLUMNS])


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _replaced_on_success(path: Path) -> Iterator[Path]:
    if not path.parent.is_dir():
        raise ExportError(f"{path}: the folder {path.parent} does not exist; create it first")
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        raise ExportError(f"{path}: {exc.strerror or exc}; write it somewhere writable") from exc
    finally:
        partial.unlink(missing_ok=True)
