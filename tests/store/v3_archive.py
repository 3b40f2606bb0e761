"""An archive as newsarchive wrote it before pages from the web (schema v3): the v1-v3
schema statements, rows written by hand the way that version's store wrote them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.model import Article, Document
from newsarchive.store.sqlite_rows import SourceRow, article_row, encode_source
from newsarchive.store.sqlite_schema import V1, V2, V3

ADDED_AT = "2026-01-01T00:00:00+00:00"


def build_v3_archive(path: Path, document: Document, articles: list[Article]) -> Path:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(V1 + V2 + V3)
        db.execute("PRAGMA user_version = 3")
        db.execute("BEGIN")
        _write_source(db, document)
        for num, article in enumerate(articles, start=1):
            _write_article(db, num, article, document)
        db.execute("COMMIT")
    finally:
        db.close()
    return path


def _write_source(db: sqlite3.Connection, document: Document) -> None:
    encoded = encode_source(document)
    db.execute(
        "INSERT INTO sources (id, sha256, path, url, encoding, codec, exact, original, size,"
        " chars, added_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document.sha256,
            document.path,
            document.url,
            document.encoding,
            encoded.codec,
            int(encoded.exact),
            encoded.original,
            document.size,
            len(document.text),
            ADDED_AT,
        ),
    )
    db.executemany(
        "INSERT INTO source_chunks (source_id, start, data) VALUES (1, ?, ?)", encoded.chunks
    )


def _write_article(db: sqlite3.Connection, num: int, article: Article, document: Document) -> None:
    # a dump article's row is the same in v3 and v4 (web fields are written only when set)
    source = SourceRow(document.sha256, document.path, document.url, document.encoding)
    start, end = article.source.start, article.source.end
    row = article_row(article, source, document.text[start:end])
    db.execute(
        "INSERT INTO articles (num, id, title, summary, body, captions, published, extra,"
        " content_hash, revision, source_id, span_start, span_end, first_seen, revised_at,"
        " last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 1, 1, ?, ?, ?, ?, ?)",
        (num, article.id, row.title, row.summary, row.body, row.captions, row.published,
         row.extra, start, end, ADDED_AT, ADDED_AT, ADDED_AT),
    )  # fmt: skip
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body, captions)"
        " SELECT num, title, summary, body, captions FROM articles WHERE num = ?",
        (num,),
    )
    for position, name in enumerate(article.categories):
        db.execute("INSERT OR IGNORE INTO categories (name) VALUES (?)", (name,))
        (cid,) = db.execute("SELECT id FROM categories WHERE name = ?", (name,)).fetchone()
        db.execute("INSERT INTO article_categories VALUES (?, ?, ?)", (num, cid, position))
        db.execute(
            "INSERT INTO category_articles VALUES (?, ?, ?)", (cid, row.published or "", num)
        )
        db.execute("UPDATE categories SET articles = articles + 1 WHERE id = ?", (cid,))
