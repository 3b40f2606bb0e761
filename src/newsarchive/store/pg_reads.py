"""Reading articles back from the PostgreSQL store: the shared reads (``reads``) and
search."""

from __future__ import annotations

from newsarchive.store.base import SearchQuery, SearchResult
from newsarchive.store.pg_connection import PGStatements
from newsarchive.store.pg_search import run_search
from newsarchive.store.reads import ArticleReads


class PGReads(ArticleReads, PGStatements):
    """The reading half of ``PostgresStore`` (a mixin over its connection)."""

    path: str
    # the ``published`` index walked backwards (the undated are read apart)
    _DATED_ORDER = "published DESC NULLS LAST, num DESC"

    def search(self, query: SearchQuery) -> SearchResult:
        return run_search(self._db, query)
