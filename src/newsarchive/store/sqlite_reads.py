"""Reading articles back from the SQLite store: the shared reads (``reads``) and search."""

from __future__ import annotations

from pathlib import Path

from newsarchive.store.base import SearchQuery, SearchResult
from newsarchive.store.reads import ArticleReads
from newsarchive.store.sqlite_search import run_search
from newsarchive.store.statements import SQLiteStatements


class SQLiteReads(ArticleReads, SQLiteStatements):
    """The reading half of ``SQLiteStore`` (a mixin over its connection)."""

    path: Path

    def search(self, query: SearchQuery) -> SearchResult:
        return run_search(self._db, query)
