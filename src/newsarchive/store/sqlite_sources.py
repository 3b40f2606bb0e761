"""Inputs and fetches of the SQLite store (``sources``, in SQLite's upsert)."""

from __future__ import annotations

from pathlib import Path

from newsarchive.store.sources import SourceReads
from newsarchive.store.statements import SQLiteStatements


class SQLiteSources(SourceReads, SQLiteStatements):
    """The sources half of ``SQLiteStore`` (a mixin over its connection)."""

    path: Path
    _RECORD_FETCH = (
        "INSERT OR REPLACE INTO fetch_state"
        " (url, etag, last_modified, sha256, http_status, fetched_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
    )
