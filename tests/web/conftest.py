"""Each test gets a fresh archive file in tmp_path and an app on it (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsarchive.settings import Settings
from newsarchive.web import create_app
from tests.web.archive import build_archive


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return build_archive(tmp_path / "archive.db")


@pytest.fixture
def client(archive: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=archive, page_size=10))) as opened:
        yield opened
