"""Inputs and fetches of the PostgreSQL store (``sources``, in PostgreSQL's upsert)."""

from __future__ import annotations

from newsarchive.store.pg_connection import PGStatements
from newsarchive.store.sources import SourceReads


class PGSources(SourceReads, PGStatements):
    """The sources half of ``PostgresStore`` (a mixin over its connection)."""

    path: str
    _RECORD_FETCH = (
        "INSERT INTO fetch_state (url, etag, last_modified, sha256, http_status,"
        " fetched_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
        " etag = excluded.etag, last_modified = excluded.last_modified,"
        " sha256 = excluded.sha256, http_status = excluded.http_status,"
        " fetched_at = excluded.fetched_at"
    )
