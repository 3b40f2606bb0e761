"""Whole-table reads and writes of the PostgreSQL archive, for ``newsarchive copy``.

A dump reads every table in one repeatable-read transaction (a consistent archive even
while others write), each through a server-side cursor so memory stays flat. A load
writes each table with ``COPY``, then sets the id sequences past the copied ids and
rebuilds the derived structures (search documents, category listings).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

from newsarchive.errors import StoreError
from newsarchive.store.base import TableRows
from newsarchive.store.tables import COPIED_TABLES

FETCH_ROWS = 2_000
# the search documents of articles, with their spans (a WHERE clause may follow)
INDEXED = (
    "SELECT num, d || document_span(num), document_words(d) FROM (SELECT num,"
    " article_document(title, summary, body, captions) AS d FROM articles) a"
)
# the identity columns, whose sequences must continue after the copied ids
IDENTITIES = (("sources", "id"), ("articles", "num"), ("categories", "id"), ("entities", "id"))
_ANALYZED = ("articles", "articles_fts", "article_categories", "category_articles", "sources")


def dump_tables(db: psycopg.Connection[Any]) -> Iterator[TableRows]:
    with db.transaction():
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for table, key in COPIED_TABLES:
            with db.cursor(name=f"newsarchive_dump_{table}") as cursor:
                cursor.itersize = FETCH_ROWS
                cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
                columns = tuple(d.name for d in cursor.description or ())
                yield TableRows(table, columns, iter(cursor))


def load_tables(db: psycopg.Connection[Any], shown: str, tables: Iterable[TableRows]) -> int:
    """Write every table into the (empty) archive, then rebuild what derives from them;
    the caller holds the transaction."""
    if db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
        raise StoreError(f"{shown} already holds articles; copy into a new, empty archive")
    known = dict(COPIED_TABLES)
    written = 0
    for part in tables:
        if part.table not in known:
            raise StoreError(f"cannot copy table {part.table!r}: this archive has no such table")
        # a fresh archive may hold rows made on opening it (none today): the copy replaces them
        db.execute(f"DELETE FROM {part.table}")
        names = ", ".join(part.columns)
        written += copy_rows(db, f"COPY {part.table} ({names}) FROM STDIN", part.rows)
    rebuild_derived(db)
    return written


def copy_rows(db: psycopg.Connection[Any], statement: str, rows: Iterable[Sequence[object]]) -> int:
    """Write rows with ``COPY ... FROM STDIN``; how many were written."""
    written = 0
    with db.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def rebuild_derived(db: psycopg.Connection[Any]) -> None:
    """Sequences after the highest ids, search documents and category listings from the
    tables, and fresh planner statistics."""
    for table, column in IDENTITIES:
        db.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
            f" coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
        )
    db.execute("DELETE FROM articles_fts")
    db.execute(f"INSERT INTO articles_fts (num, document, words) {INDEXED}")
    db.execute("DELETE FROM category_articles")
    db.execute(
        "INSERT INTO category_articles (category_id, published, num)"
        " SELECT ac.category_id, coalesce(a.published, ''), a.num"
        " FROM article_categories ac JOIN articles a ON a.num = ac.article_num"
        " ORDER BY 1, 2, 3"
    )
    for table in _ANALYZED:
        db.execute(f"ANALYZE {table}")
