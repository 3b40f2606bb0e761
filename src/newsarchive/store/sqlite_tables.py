"""Whole-table reads and writes of the SQLite archive, for ``newsarchive copy``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from newsarchive.errors import StoreError
from newsarchive.store.base import TableRows
from newsarchive.store.tables import COPIED_TABLES

_ROWS_PER_STATEMENT = 1000


def dump_tables(db: sqlite3.Connection) -> Iterator[TableRows]:
    for table, key in COPIED_TABLES:
        cursor = db.execute(f"SELECT * FROM {table} ORDER BY {key}")
        columns = tuple(d[0] for d in cursor.description)
        yield TableRows(table, columns, iter(cursor))


def load_tables(db: sqlite3.Connection, path: Path, tables: Iterable[TableRows]) -> int:
    """Write every table into the (empty) archive, then rebuild the FTS index and the
    category listings from what was written; the caller holds the transaction."""
    if db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is not None:
        raise StoreError(f"{path} already holds articles; copy into a new, empty archive")
    known = dict(COPIED_TABLES)
    written = 0
    for part in tables:
        if part.table not in known:
            raise StoreError(f"cannot copy table {part.table!r}: this archive has no such table")
        names = ", ".join(part.columns)
        marks = ", ".join("?" for _ in part.columns)
        statement = f"INSERT INTO {part.table} ({names}) VALUES ({marks})"
        while chunk := list(islice(part.rows, _ROWS_PER_STATEMENT)):
            db.executemany(statement, chunk)
            written += len(chunk)
    db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    db.execute(
        "INSERT INTO category_articles (category_id, published, num)"
        " SELECT ac.category_id, coalesce(a.published, ''), a.num"
        " FROM article_categories ac JOIN articles a ON a.num = ac.article_num ORDER BY 1, 2, 3"
    )
    return written
