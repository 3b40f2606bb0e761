from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.store import Location, open_store
from newsarchive.store.base import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A SQLite file, for the tests about SQLite itself."""
    return tmp_path / "archive.db"


@pytest.fixture
def store(archive_location: Location) -> Iterator[Store]:
    """A new archive, open for writing: on SQLite, then on PostgreSQL."""
    with open_store(archive_location) as opened:
        yield opened
