from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.store.base import Store
from newsarchive.store.sqlite import SQLiteStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with SQLiteStore(db_path) as opened:
        yield opened
