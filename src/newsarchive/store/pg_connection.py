"""Connecting to a PostgreSQL archive: one connection per store, errors a user can act on.

A store's connection is in autocommit mode: each read is a statement of its own (no
transaction is left open between a web server's requests, holding an old snapshot), and
writes are explicit transaction blocks (``Connection.transaction``). A read-only store's
sessions are read-only (``default_transaction_read_only``). Messages show the URL
without its password (``shown_location``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

from newsarchive.errors import StoreError
from newsarchive.store import shown_location
from newsarchive.store.pg_schema import check_version, migrate, schema_version
from newsarchive.store.statements import Rows, Statements

CONNECT_TIMEOUT = 10  # seconds


def connect(url: str, *, readonly: bool) -> psycopg.Connection[Any]:
    """A connection to the archive at ``url``, its schema applied (or checked, read-only)."""
    db = _connect(url, readonly=readonly)
    shown = shown_location(url)
    try:
        if readonly:
            check_version(schema_version(db), shown, readonly=True)
        else:
            migrate(db, shown)
    except psycopg.errors.InsufficientPrivilege as exc:
        db.close()
        raise StoreError(
            f"{shown}: {_first_line(exc)}; the role needs CREATE on the database to create "
            "the archive's tables (or run 'newsarchive migrate' as its owner)"
        ) from None
    except BaseException:
        db.close()
        raise
    return db


def archive_exists(url: str) -> bool:
    """Whether the database at ``url`` has the archive's schema (False when the database
    itself does not exist; ``StoreError`` when the server cannot be reached)."""
    try:
        db = _connect(url, readonly=True)
    except _MissingDatabase:
        return False
    try:
        return schema_version(db) is not None
    finally:
        db.close()


def archive_version(url: str) -> int | None:
    """The schema version of the archive at ``url``; None when there is none (or no
    database)."""
    try:
        db = _connect(url, readonly=True)
    except _MissingDatabase:
        return None
    try:
        return schema_version(db)
    finally:
        db.close()


class _MissingDatabase(StoreError):
    pass


def _connect(url: str, *, readonly: bool) -> psycopg.Connection[Any]:
    # a plan for each statement's own values: psycopg prepares a statement run five
    # times, and the server's generic plan for it ignores how common the searched words
    # are (a search for a name in one category went from 25 to 100 ms after ten runs);
    # parallel workers only for plans costing far more than starting one does (about
    # 5 ms: a name's matches since a date, 576 at 1M, were counted in 8.7 ms with a
    # worker, in 1.8 ms without)
    options = "-c plan_cache_mode=force_custom_plan -c parallel_setup_cost=10000"
    if readonly:
        options += " -c default_transaction_read_only=on"
    try:
        db = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            options=options,
            application_name="newsarchive",
        )
    except psycopg.OperationalError as exc:
        raise _connect_error(url, exc) from None
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise StoreError(
            f"{shown_location(url)} is not a usable PostgreSQL URL ({_first_line(exc)}); "
            "write postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
        ) from None
    db.adapters.register_dumper(str, _BinaryTextDumper)
    db.adapters.register_dumper(str, _TextDumper)
    return db


def _connect_error(url: str, exc: psycopg.OperationalError) -> StoreError:
    shown = shown_location(url)
    text = str(exc)
    lower = text.lower()
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or parts.username or "the database"
    if "does not exist" in lower and "database" in lower:
        return _MissingDatabase(
            f"{shown}: the database {name!r} does not exist; create it with "
            f"'createdb {_createdb_options(url)}{name}' (or CREATE DATABASE {name}) and "
            "try again"
        )
    if "password authentication failed" in lower or "no password supplied" in lower:
        return StoreError(
            f"cannot connect to {shown}: password authentication failed for user "
            f"{parts.username!r}; check the user and password in the URL"
        )
    if "role" in lower and "does not exist" in lower:
        return StoreError(
            f"cannot connect to {shown}: the role {parts.username!r} does not exist; "
            "check the user in the URL"
        )
    if "connection refused" in lower:
        return StoreError(f"cannot connect to {shown}: connection refused; is the server running?")
    if "timeout" in lower:
        return StoreError(
            f"cannot connect to {shown}: no answer in {CONNECT_TIMEOUT} s; check the host "
            "and port, and that the server is running"
        )
    if "translate host name" in lower or "name or service not known" in lower:
        return StoreError(f"cannot connect to {shown}: unknown host; check the host in the URL")
    return StoreError(f"cannot connect to {shown}: {_scrub(_last_line(text), url)}")


def _createdb_options(url: str) -> str:
    parts = urlsplit(url)
    options = []
    if parts.hostname:
        options.append(f"-h {parts.hostname}")
    if parts.port:
        options.append(f"-p {parts.port}")
    if parts.username:
        options.append(f"-U {parts.username}")
    return "".join(f"{option} " for option in options)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _last_line(text: str) -> str:
    """libpq's message without its "connection to server at ... failed:" preamble."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1] if lines else "unknown error"
    return line.rsplit("failed:", 1)[-1].replace("FATAL:", "").strip()


def _scrub(text: str, url: str) -> str:
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def scalar(db: psycopg.Connection[Any], query: str, params: Sequence[object] = ()) -> Any:
    """The first column of the one row ``query`` gives (an aggregate, EXISTS, ...)."""
    row = db.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


class PGStatements(Statements):
    """``Statements`` on a PostgreSQL connection: ``?`` placeholders become ``%s``."""

    _db: psycopg.Connection[Any]

    def _execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        return self._db.execute(pyformat(sql), params)

    def _in(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        return f"{column} = ANY(?)", [list(values)]


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """SQL written with ``?`` placeholders as psycopg takes it (``%s``; a ``%`` doubled).
    The shared SQL has no ``?`` of its own (no JSON operators, no literal question mark)."""
    return sql.replace("%", "%%").replace("?", "%s")


def without_nul(value: str) -> str:
    """Text as PostgreSQL can hold it: a text value cannot contain NUL (U+0000), which
    becomes U+FFFD, the replacement character (SQLite keeps it; real text has none).
    Every string a store's connection sends goes through this (``_TextDumper``)."""
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


class _TextDumper(StrDumperUnknown):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(without_nul(obj))


class _BinaryTextDumper(StrBinaryDumper):
    def dump(self, obj: str) -> Buffer | None:
        return super().dump(without_nul(obj))
