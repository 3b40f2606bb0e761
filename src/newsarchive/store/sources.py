"""Inputs and fetches of either store: original bytes, provenance, fetch state.

Every input (a dump file, a fetched page, a WARC record) is one ``sources`` row with its
bytes in ``source_chunks``; v4 added its media type and web provenance. ``fetch_state``
remembers the last fetch of each URL for conditional re-fetches.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from newsarchive.errors import StoreError
from newsarchive.model import FetchState
from newsarchive.store.base import SourceInfo
from newsarchive.store.statements import Statements


class SourceReads(Statements):
    """The sources half of a store (a mixin over its connection): what is the same on
    both backends."""

    _readonly: bool
    path: Any  # the archive as messages show it (a Path, a URL)
    _RECORD_FETCH: str  # the upsert of a ``fetch_state`` row, by its url
    _transaction: Callable[[], AbstractContextManager[None]]

    def source_text(self, sha256: str) -> bytes | None:
        found = self._execute(
            "SELECT id, original FROM sources WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if found is None:
            return None
        if found[1] is not None:
            return zlib.decompress(found[1])
        return b"".join(
            zlib.decompress(data)
            for (data,) in self._execute(
                "SELECT data FROM source_chunks WHERE source_id = ? ORDER BY start", (found[0],)
            )
        )

    def source_info(self, sha256: str) -> SourceInfo | None:
        row = self._execute(
            "SELECT sha256, path, url, encoding, media_type, size, added_at, exact, record_id,"
            " record_offset, fetched_at, http_status FROM sources WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        if row is None:
            return None
        return SourceInfo(
            sha256=row[0],
            path=row[1],
            url=row[2],
            encoding=row[3],
            media_type=row[4],
            size=row[5],
            added_at=row[6],
            exact=bool(row[7]),
            record_id=row[8],
            record_offset=row[9],
            fetched_at=row[10],
            http_status=row[11],
        )

    def fetch_state(self, url: str) -> FetchState | None:
        row = self._execute(
            "SELECT url, etag, last_modified, sha256, http_status, fetched_at FROM fetch_state"
            " WHERE url = ?",
            (url,),
        ).fetchone()
        return None if row is None else FetchState(*row)

    def record_fetch(self, state: FetchState) -> None:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to crawl")
        with self._transaction():
            self._execute(
                self._RECORD_FETCH,
                (
                    state.url,
                    state.etag,
                    state.last_modified,
                    state.sha256,
                    state.http_status,
                    state.fetched_at,
                ),
            )
