"""Exports carry what a web page gives: typed Parquet columns, CSV cells, JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsarchive.model import Article, Caption, article_from_dict
from newsarchive.store.base import Store
from newsarchive.store.export import CSV_COLUMNS, write_csv, write_jsonl, write_parquet
from tests.store.documents import FETCHED_AT, Draft, build_document, html_page

CAPTION = Caption("The harbour at dawn", "© Agency/Jo Lund", "https://img.example.com/h.jpg")


def filled(store: Store) -> list[Article]:
    page, article = html_page(
        "https://news.example.com/harbour",
        "Harbour reopens",
        ("Ships are moving again.",),
        warc="crawl.warc.gz",
        record_offset=1234,
        updated="2026-03-01T17:30:00+00:00",
        language="en",
        tags=("ports", "shipping"),
        captions=(CAPTION,),
        published="2026-03-01",
    )
    feed, teaser = html_page("https://news.example.com/teaser", "Only a teaser", (), teaser=True)
    dump, (old,) = build_document([Draft("A dump article", ("Body.",), published="2026-01-01")])
    store.add_document(page, [article])
    store.add_document(feed, [teaser])
    store.add_document(dump, [old])
    return list(store.iter_articles())


def test_parquet_has_typed_web_columns(store: Store, tmp_path: Path) -> None:
    articles = filled(store)
    target = tmp_path / "out.parquet"

    assert write_parquet(articles, target) == 3

    table = pq.read_table(target)
    assert table.column_names == list(CSV_COLUMNS)
    schema = table.schema
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("teaser").type == pa.bool_()
    assert schema.field("source_record_offset").type == pa.int64()
    assert schema.field("source_http_status").type == pa.int32()
    assert schema.field("captions").type.value_type.names == ["text", "credit", "image_url"]
    web, dump, teaser = table.to_pylist()  # newest first, undated last
    assert web["url"] == "https://news.example.com/harbour" and web["language"] == "en"
    assert web["tags"] == ["ports", "shipping"] and web["teaser"] is False
    assert web["updated"] == "2026-03-01T17:30:00+00:00"
    assert web["captions"] == [
        {"text": CAPTION.text, "credit": CAPTION.credit, "image_url": CAPTION.image_url}
    ]
    assert (web["source_path"], web["source_record_offset"]) == ("crawl.warc.gz", 1234)
    assert web["source_record_id"].startswith("<urn:uuid:")
    assert (web["source_fetched_at"], web["source_http_status"]) == (FETCHED_AT, 200)
    assert teaser["teaser"] is True and teaser["paragraphs"] == []
    assert dump["url"] is None and dump["tags"] == [] and dump["source_http_status"] is None


def test_csv_and_jsonl_carry_the_web_fields(store: Store) -> None:
    articles = filled(store)
    out = io.StringIO()
    write_csv(articles, out)
    web, dump, teaser = csv.DictReader(io.StringIO(out.getvalue()))
    assert list(web)[-9:] == list(CSV_COLUMNS)[-9:]
    assert json.loads(web["tags"]) == ["ports", "shipping"]
    assert json.loads(web["captions"])[0]["image_url"] == CAPTION.image_url
    assert (web["teaser"], teaser["teaser"], dump["teaser"]) == ("false", "true", "false")
    assert (web["source_record_offset"], web["source_http_status"]) == ("1234", "200")
    assert dump["url"] == "" and dump["source_record_id"] == ""

    lines = io.StringIO()
    write_jsonl(articles, lines)
    back = [article_from_dict(json.loads(line)) for line in lines.getvalue().splitlines()]
    assert [a.id for a in back] == [a.id for a in articles]
    assert [(a.url, a.tags, a.teaser, a.source) for a in back] == [
        (a.url, a.tags, a.teaser, a.source) for a in articles
    ]
