"""Listings of the PostgreSQL store: ``listing`` walking PostgreSQL's indexes."""

from __future__ import annotations

from psycopg.pq import TransactionStatus

from newsarchive.store.listing import ArticleListing, Scope
from newsarchive.store.pg_connection import PGStatements


class PGListing(ArticleListing, PGStatements):
    """The listing half of ``PostgresStore`` (a mixin: it only needs the connection)."""

    _CAPTION_AND_TEASER = "(extra::json -> 'c' -> 0)::text, (extra::json ->> 't')::bigint"

    def _scope(self, category_id: int | None) -> Scope:
        if category_id is None:
            return Scope("articles", "true", (), "NULL", "published DESC NULLS LAST, num DESC")
        return Scope(
            "category_articles", "category_id = ?", (category_id,), "''", "published DESC, num DESC"
        )

    def _archive_version(self) -> object | None:
        """Any commit (of this connection or another) moves the server's WAL insert
        position. Inside a transaction block (a write in progress) nothing is kept."""
        if self._db.info.transaction_status != TransactionStatus.IDLE:
            return None
        row = self._db.execute("SELECT pg_current_wal_insert_lsn()::text").fetchone()
        return str(row[0]) if row else ""
