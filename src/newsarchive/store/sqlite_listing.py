"""Listings of the SQLite store: ``listing`` walking SQLite's indexes."""

from __future__ import annotations

from newsarchive.store.listing import ArticleListing, Scope
from newsarchive.store.statements import SQLiteStatements


class SQLiteListing(ArticleListing, SQLiteStatements):
    """The listing half of ``SQLiteStore`` (a mixin: it only needs the connection)."""

    _CAPTION_AND_TEASER = "json_extract(extra, '$.c[0]'), json_extract(extra, '$.t')"

    def _scope(self, category_id: int | None) -> Scope:
        if category_id is None:
            return Scope(
                "articles INDEXED BY articles_published",
                "1",
                (),
                "NULL",
                "published DESC, num DESC",
            )
        return Scope(
            "category_articles", "category_id = ?", (category_id,), "''", "published DESC, num DESC"
        )

    def _archive_version(self) -> object | None:
        """``PRAGMA data_version`` moves when another connection commits,
        ``total_changes`` when this one writes."""
        return (
            int(self._db.execute("PRAGMA data_version").fetchone()[0]),
            self._db.total_changes,
        )
