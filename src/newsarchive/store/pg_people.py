"""Who said what across the PostgreSQL archive: the reads of ``people`` in PostgreSQL's
dialect, giving the same answers in the same order.

Text is ordered ``COLLATE "C"`` (code points, as SQLite's BINARY), whatever the database's
collation; the figures' text filter lowers ASCII only, as SQLite's ``lower`` does.
"""

from __future__ import annotations

from newsarchive.store.people import PeopleReads
from newsarchive.store.pg_connection import PGStatements


class PGPeople(PeopleReads, PGStatements):
    """The who-said-what reads of ``PostgresStore`` (a mixin over its connection)."""

    _HEADLINE = (
        "coalesce(a.title, a.summary, substr(a.body, 1, strpos(a.body || chr(10), chr(10)) - 1))"
    )
    # ties by name, then by id (the order SQLite gives them, grouping by canonical_id)
    _BY_NAME = (
        '(SELECT name FROM entities x WHERE x.id = e.canonical_id) COLLATE "C", e.canonical_id'
    )
    _NEWEST = "coalesce(a.published, '') COLLATE \"C\" DESC, a.num DESC"
    _COLLATE = ' COLLATE "C"'
