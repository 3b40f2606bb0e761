"""How a read both stores share runs on either store's connection.

Such a read is written once, in SQLite's ``?`` placeholders, in a mixin over
``Statements``; each store's mixin runs it on its own connection (``SQLiteStatements``
here, ``PGStatements`` in ``pg_connection``, which speaks psycopg's ``%s``). What really
differs by dialect (an ``IN`` list, a collation, a function's name) the mixin leaves to
its backend's subclass.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, Protocol


class Rows(Protocol):
    """What a statement gives back: a DB-API cursor, read once."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Statements:
    """A mixin's way to its store's connection."""

    def _execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        """Run ``sql`` (``?`` placeholders) with ``params``."""
        raise NotImplementedError

    def _in(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        """The condition "``column`` is one of ``values``" and its parameters."""
        raise NotImplementedError

    def _count(self, sql: str, params: Sequence[object] = ()) -> int:
        """The number a ``SELECT count(*)`` gives."""
        row = self._execute(sql, params).fetchone()
        return 0 if row is None else int(row[0])


class SQLiteStatements(Statements):
    """``Statements`` on a SQLite connection, which takes ``?`` as it is."""

    _db: sqlite3.Connection

    def _execute(self, sql: str, params: Sequence[object] = ()) -> Rows:
        return self._db.execute(sql, params)

    def _in(self, column: str, values: Sequence[object]) -> tuple[str, list[object]]:
        return f"{column} IN ({','.join('?' * len(values))})", list(values)
