"""A batch's Parquet rows: the columns of ``newsarchive export --format parquet``.

One row an article, built from the same JSON object ``parse`` prints (``article_to_dict``,
``enrichment_to_dict``, ``grouping_to_dict``) and flattened the way the export flattens it:
``source`` as ``source_*`` columns, lists as lists, entities, quotes, figures, story,
predicted categories and topic as JSON text. ``record_of_row`` turns a row back into that JSON
object, so a batch's output can be checked against ``parse``'s field by field.

Columns left empty: the enrichment's without enrichment; ``story``,
``predicted_categories`` and ``topic`` unless stories were asked for. ``duplicate_of`` is always set
(None for an original).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from newsarchive.batch.groups import ArticleOrder
from newsarchive.batch.steps import DocumentDone
from newsarchive.model import Grouping, article_to_dict, enrichment_to_dict, grouping_to_dict
from newsarchive.store.export import CSV_COLUMNS, JSON_FIELDS, flat_row, parquet_schema

COLUMNS = CSV_COLUMNS
_SOURCE_OPTIONAL = ("record_id", "record_offset", "fetched_at", "http_status")
_ENRICHMENT_COLUMNS = ("enrichment_version", "entities", "quotes", "figures")
_NO_GROUPING = Grouping()


def article_rows(
    done: DocumentDone, groupings: Mapping[ArticleOrder, Grouping], *, stories: bool
) -> Iterator[tuple[Any, ...]]:
    """One row (values in ``COLUMNS`` order) for each article of ``done``."""
    enrichments = done.enrichments or (None,) * len(done.articles)
    for n, (article, enrichment) in enumerate(zip(done.articles, enrichments, strict=True)):
        data = article_to_dict(article)
        if enrichment is not None:
            data.update(enrichment_to_dict(enrichment))
        data.update(grouping_to_dict(groupings.get((*done.order, n), _NO_GROUPING)))
        if not stories:
            data["story"] = data["predicted_categories"] = data["topic"] = None
        row = flat_row(data, list_as_json=False)
        yield tuple(row[column] for column in COLUMNS)


def record_of_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON object ``parse`` prints for the article of ``row`` (with ``--enrich`` when
    it is enriched, with ``--stories`` when its story is set), plus ``duplicate_of``."""
    data = {key: row[key] for key in COLUMNS if not key.startswith("source_")}
    for key in JSON_FIELDS:
        if data[key] is not None:
            data[key] = json.loads(data[key])
    if data["enrichment_version"] is None:
        for key in _ENRICHMENT_COLUMNS:
            del data[key]
    if data["story"] is None:
        del data["story"], data["predicted_categories"], data["topic"]
    data["source"] = _source_of(row)
    return data


def _source_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """``article_to_dict``'s ``source``: ``path`` present when set or when there is no
    URL, the WARC and HTTP fields only when set."""
    source = {key: row[f"source_{key}"] for key in ("sha256", "start", "end", "encoding")}
    if row["source_url"] is not None:
        source["url"] = row["source_url"]
    if row["source_path"] is not None or row["source_url"] is None:
        source["path"] = row["source_path"]
    for key in _SOURCE_OPTIONAL:
        if row[f"source_{key}"] is not None:
            source[key] = row[f"source_{key}"]
    return source


def arrow_schema() -> Any:
    """The Parquet schema (a ``pyarrow.Schema``): the export's."""
    import pyarrow as pa

    return parquet_schema(pa)
