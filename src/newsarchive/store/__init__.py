"""Archive stores: one ``Store`` interface, opened by ``open_store``."""

from __future__ import annotations

from pathlib import Path

from newsarchive.errors import StoreError
from newsarchive.store.base import Store


def open_store(location: str | Path, *, readonly: bool = False) -> Store:
    """Open the archive at ``location``: a SQLite file path (created unless read-only)."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError("PostgreSQL support is not built yet; use a file path")
    from newsarchive.store.sqlite import SQLiteStore

    return SQLiteStore(Path(location), readonly=readonly)


__all__ = ["Store", "open_store"]
