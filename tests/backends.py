"""Archive locations for the tests, on either backend: a SQLite file in a temporary folder,
or a database of its own on the PostgreSQL server named by ``$NEWSARCHIVE_TEST_PG``.

A PostgreSQL archive is a fresh database per test, made by copying a template database
that has the archive's schema (applied once per session by opening a ``PostgresStore`` on
it), and dropped after the test. ``Backend.empty`` gives a location with no archive yet
(a SQLite path that does not exist, a PostgreSQL database without the schema), for the
commands that must say "no archive here".
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from newsarchive.store import Location, open_store

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKENDS = (SQLITE, POSTGRESQL)
PG_ENV = "NEWSARCHIVE_TEST_PG"
PG_PREFIX = "na_test_"
NO_SERVER = (
    f"set {PG_ENV}=postgresql://USER:PASSWORD@HOST:PORT/DB to run the PostgreSQL tests"
    " (a role that may create databases); .ci/run does"
)

# a test about SQLite itself (its files, PRAGMAs, FTS5, migrations of old files): it runs
# on SQLite only, and ``-m sqlite`` / ``--backend sqlite`` select it
sqlite_only = pytest.mark.sqlite_only


class Backend(ABC):
    """Where a test's archives go; every location it gave is removed by ``close``."""

    name: str

    @abstractmethod
    def empty(self) -> Location:
        """A location with no archive yet."""

    @abstractmethod
    def fresh(self) -> Location:
        """A location for a new archive (it may already hold the empty schema)."""

    @abstractmethod
    def discard(self, location: Location) -> None:
        """Remove one archive this backend made, before the test ends."""

    @abstractmethod
    def clone(self, source: Location) -> Location:
        """A copy of the archive at ``source`` (which no store has open)."""

    @abstractmethod
    def query(self, location: Location, sql: str) -> list[tuple[Any, ...]]:
        """The rows of one SQL statement, run on the archive's own tables."""

    @abstractmethod
    def execute(self, location: Location, sql: str) -> None:
        """Run one SQL statement that changes the archive behind the store's back."""

    @abstractmethod
    def close(self) -> None:
        """Remove every archive this backend made."""


class SQLiteBackend(Backend):
    name = SQLITE

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def empty(self) -> Path:
        self.count += 1
        return self.folder / ("archive.db" if self.count == 1 else f"archive-{self.count}.db")

    def fresh(self) -> Path:
        return self.empty()

    def discard(self, location: Location) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{location}{suffix}").unlink(missing_ok=True)

    def clone(self, source: Location) -> Path:
        target = self.empty()
        with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
            original.backup(copy)
        return target

    def query(self, location: Location, sql: str) -> list[tuple[Any, ...]]:
        uri = f"{Path(location).resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            return db.execute(sql).fetchall()

    def execute(self, location: Location, sql: str) -> None:
        with closing(sqlite3.connect(location)) as db, db:
            db.execute(sql)

    def close(self) -> None:
        pass  # tmp_path is pytest's


class PostgresServer:
    """The test server: creates and drops databases named ``na_test_*``, one template with
    the archive's schema per session. New archives are made a few ahead and dropped after
    the test in background threads, so a test waits on neither."""

    AHEAD = 2  # archives made ahead of the tests that will take them
    # WAL_LOG copies a small template faster than FILE_COPY, which checkpoints the server
    # twice per database (measured on PostgreSQL 15 under load: ~0.2 s against ~0.6 s)
    STRATEGY = "WAL_LOG"

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._template: str | None = None
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="na-test-create")
        # a drop waits for a checkpoint, which concurrent drops share: several at once
        self._dropper = ThreadPoolExecutor(max_workers=6, thread_name_prefix="na-test-drop")
        self._ready: deque[Future[str]] = deque()
        self._dropping: list[Future[None]] = []
        self._drop_abandoned()

    def url(self, name: str) -> str:
        return urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{name}"))

    def _admin(self, statement: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            db.execute(statement.encode())

    def create(self, template: str | None = None) -> str:
        """A new database: empty, or a copy of ``template`` (which nobody may be using)."""
        name = f"{PG_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        copy = f" TEMPLATE {template} STRATEGY {self.STRATEGY}" if template else ""
        self._admin(f"CREATE DATABASE {name}{copy}")
        return self.url(name)

    def create_archive(self) -> str:
        """A new database with the archive's schema, copied from the session's template."""
        if self._template is None:
            url = self.create()
            open_store(url).close()  # applies the schema
            self._template = database_name(url)
        while len(self._ready) <= self.AHEAD:
            self._ready.append(self._maker.submit(self.create, self._template))
        return self._ready.popleft().result()

    def drop(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {database_name(url)} WITH (FORCE)")

    def _drop_abandoned(self) -> None:
        """Drop the databases of test runs that were killed before their clean-up (their
        names carry the process id; only on a server on this machine)."""
        if urlsplit(self.admin_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
            return
        with psycopg.connect(self.admin_url, autocommit=True) as db:
            names = [n for (n,) in db.execute(b"SELECT datname FROM pg_database").fetchall()]
        for name in names:
            pid = name.removeprefix(PG_PREFIX).split("_")[0]
            if name.startswith(PG_PREFIX) and pid.isdigit() and not _alive(int(pid)):
                self._dropping.append(self._dropper.submit(self._drop_quietly, name))

    def _drop_quietly(self, name: str) -> None:
        with suppress(psycopg.Error):  # another session may be at it too
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def drop_later(self, url: str) -> None:
        self._dropping.append(self._dropper.submit(self.drop, url))

    def close(self) -> None:
        """Drop what is left: the archives made ahead, the template; wait for the drops."""
        for ready in self._ready:
            self.drop_later(ready.result())
        self._ready.clear()
        if self._template is not None:
            self.drop_later(self.url(self._template))
            self._template = None
        for dropping in self._dropping:
            dropping.result()
        self._dropping.clear()
        self._maker.shutdown()
        self._dropper.shutdown()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def database_name(url: Location) -> str:
    name = urlsplit(str(url)).path.lstrip("/")
    assert name.startswith(PG_PREFIX), f"not a test database: {name}"
    return name


class PostgresBackend(Backend):
    name = POSTGRESQL

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.made: list[str] = []

    def _keep(self, url: str) -> str:
        self.made.append(url)
        return url

    def empty(self) -> str:
        return self._keep(self.server.create())

    def fresh(self) -> str:
        return self._keep(self.server.create_archive())

    def discard(self, location: Location) -> None:
        self.server.drop_later(str(location))
        self.made.remove(str(location))

    def clone(self, source: Location) -> str:
        return self._keep(self.server.create(database_name(source)))

    def query(self, location: Location, sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(str(location)) as db:
            return [tuple(row) for row in db.execute(sql.encode()).fetchall()]

    def execute(self, location: Location, sql: str) -> None:
        with psycopg.connect(str(location)) as db:
            db.execute(sql.encode())

    def close(self) -> None:
        for url in self.made:
            self.server.drop_later(url)
        self.made.clear()


def rank_at_most(matches: int, backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a query with more than ``matches`` hits too common to rank, on ``backend``."""
    module = "sqlite_search" if backend.name == SQLITE else "pg_search"
    monkeypatch.setattr(f"newsarchive.store.{module}.RANK_WINDOW", matches)


def postgres_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def on_ci() -> bool:
    """On CI a missing PostgreSQL server fails the PostgreSQL tests instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def built_once(
    cache: dict[tuple[str, str], Location],
    keeper: Backend,
    backend: Backend,
    key: str,
    build: Callable[[Location], object],
) -> Location:
    """A copy, in ``backend``, of the archive ``build`` makes; the original is built once
    per session and backend in ``keeper`` (which outlives the test) and kept in ``cache``."""
    original = cache.get((keeper.name, key))
    if original is None:
        original = keeper.fresh()
        build(original)
        cache[(keeper.name, key)] = original
    return backend.clone(original)
