"""Archive stores: one ``Store`` interface, opened by ``open_store``.

An archive's location is a SQLite file path (the embedded default) or a PostgreSQL URL
(``postgresql://user:password@host:port/dbname``); both backends hold the same archive.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from newsarchive.errors import StoreError
from newsarchive.store.base import Store

Location = str | Path
URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: Location) -> bool:
    """True for a PostgreSQL URL, False for a SQLite file path."""
    return str(location).startswith(URL_SCHEMES)


def shown_location(location: Location) -> str:
    """The location as printed in messages: a URL's password is never shown."""
    text = str(location)
    if not is_database_url(text):
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(location: Location, *, readonly: bool = False) -> Store:
    """Open the archive at ``location``: a SQLite file (created unless read-only) or a
    PostgreSQL database (its schema applied unless read-only)."""
    if is_database_url(location):
        from newsarchive.store.postgres import PostgresStore

        return PostgresStore(str(location), readonly=readonly)
    from newsarchive.store.sqlite import SQLiteStore

    return SQLiteStore(Path(location), readonly=readonly)


def archive_exists(location: Location) -> bool:
    """Whether an archive is there already: a SQLite file, or a PostgreSQL database with
    the archive's schema (a server that cannot be reached raises ``StoreError``)."""
    if is_database_url(location):
        from newsarchive.store.postgres import archive_exists as postgres_archive_exists

        return postgres_archive_exists(str(location))
    return Path(location).is_file()


def schema_version(location: Location) -> int | None:
    """The schema version of the archive at ``location``; None when there is none."""
    if is_database_url(location):
        from newsarchive.store.postgres import schema_version as postgres_schema_version

        return postgres_schema_version(str(location))
    from newsarchive.store.sqlite_schema import file_version

    return file_version(Path(location))


def require_archive(location: Location) -> None:
    """Raise ``StoreError`` unless an archive is at ``location`` (commands that read one)."""
    if not archive_exists(location):
        shown = shown_location(location)
        raise StoreError(
            f"{shown} does not exist; run 'newsarchive ingest FILE --db {shown}' first "
            "or pass another --db"
        )


__all__ = [
    "Location",
    "Store",
    "archive_exists",
    "is_database_url",
    "open_store",
    "require_archive",
    "schema_version",
    "shown_location",
]
