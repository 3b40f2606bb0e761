"""Who said what across the SQLite archive: the reads of ``people`` in SQLite's dialect."""

from __future__ import annotations

from newsarchive.store.people import PeopleReads
from newsarchive.store.statements import SQLiteStatements


class SQLitePeople(PeopleReads, SQLiteStatements):
    """The who-said-what reads of ``SQLiteStore`` (a mixin over its connection)."""

    _HEADLINE = (
        "coalesce(a.title, a.summary, substr(a.body, 1, instr(a.body || char(10), char(10)) - 1))"
    )
    _BY_NAME = "(SELECT name FROM entities x WHERE x.id = e.canonical_id), e.canonical_id"
    _NEWEST = "coalesce(a.published, '') DESC, a.num DESC"
    _COLLATE = ""  # text compares by code points already (BINARY)
