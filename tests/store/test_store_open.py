"""Opening an archive on either backend: a new one is created empty, a missing one is
refused read-only, one from a newer newsarchive is refused; and on PostgreSQL, a server
that cannot be reached or a wrong password is one line that never shows the password.
(SQLite files, their migrations and files that are not ours: test_sqlite_schema.py.)"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from newsarchive.errors import StoreError
from newsarchive.store import (
    Location,
    archive_exists,
    open_store,
    pg_schema,
    shown_location,
    sqlite_schema,
)
from newsarchive.store.base import IngestCounts
from tests.backends import SQLITE, Backend, PostgresServer
from tests.store.documents import Draft, build_document

NOTE = Draft("A note kept across reopening", ("Still here.",))
LATEST = 10  # sqlite_schema.LATEST and pg_schema.LATEST agree


def test_both_backends_number_their_schema_alike() -> None:
    assert sqlite_schema.LATEST == pg_schema.LATEST == LATEST


def test_a_new_archive_is_created_empty_and_reopens(empty_location: Location) -> None:
    assert not archive_exists(empty_location)

    with open_store(empty_location) as store:
        assert store.stats().articles == 0
        assert store.add_document(*build_document([NOTE])) == IngestCounts(added=1)

    assert archive_exists(empty_location)
    with open_store(empty_location, readonly=True) as store:
        assert store.get(NOTE.id) is not None


def test_read_only_open_of_a_missing_archive_is_refused(empty_location: Location) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(empty_location, readonly=True)

    message = str(caught.value)
    assert shown_location(empty_location) in message and "\n" not in message
    assert not archive_exists(empty_location)


def test_an_archive_from_a_newer_newsarchive_is_refused(
    archive_location: Location, backend: Backend
) -> None:
    with open_store(archive_location) as store:
        store.add_document(*build_document([NOTE]))
    if backend.name == SQLITE:
        backend.execute(archive_location, f"PRAGMA user_version = {LATEST + 1}")
    else:
        backend.execute(archive_location, f"UPDATE schema_version SET version = {LATEST + 1}")

    with pytest.raises(StoreError, match="upgrade newsarchive") as caught:
        open_store(archive_location)
    assert shown_location(archive_location) in str(caught.value)
    assert "\n" not in str(caught.value)
    with pytest.raises(StoreError, match="upgrade newsarchive") as caught:  # read-only too
        open_store(archive_location, readonly=True)
    assert shown_location(archive_location) in str(caught.value)
    assert "\n" not in str(caught.value)


def _with(url: str, **parts: str) -> str:
    return urlunsplit(urlsplit(url)._replace(**parts))


@pytest.mark.postgresql
def test_a_wrong_password_or_no_server_is_one_line_without_the_password(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.admin_url
    user, host = urlsplit(url).username, urlsplit(url).netloc.split("@")[1]
    wrong = _with(url, netloc=f"{user}:not-the-password@{host}")
    nobody = _with(url, netloc=f"{user}:secret-pw@127.0.0.1:1")
    for bad, reason in ((wrong, "password"), (nobody, "refused")):
        for attempt in (open_store, archive_exists):
            with pytest.raises(StoreError, match=reason) as caught:
                attempt(bad)
            message = str(caught.value)
            assert "\n" not in message and shown_location(bad) in message
            assert "not-the-password" not in message and "secret-pw" not in message


@pytest.mark.postgresql
def test_a_missing_database_is_named_with_how_to_create_it(
    postgres_server: PostgresServer,
) -> None:
    missing = postgres_server.url("na_test_never_created")

    assert archive_exists(missing) is False
    with pytest.raises(StoreError, match="does not exist") as caught:
        open_store(missing)
    assert "na_test_never_created" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.postgresql
def test_another_programs_database_is_refused_and_left_alone(
    postgres_server: PostgresServer,
) -> None:
    other = postgres_server.create()
    try:
        with psycopg.connect(other, autocommit=True) as db:
            db.execute("CREATE TABLE articles (invoice integer)")

        with pytest.raises(StoreError, match="not a newsarchive database"):
            open_store(other)

        with psycopg.connect(other) as db:
            tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert tables.fetchall() == [("articles",)]
    finally:
        postgres_server.drop_later(other)
