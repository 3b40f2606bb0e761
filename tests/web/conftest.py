"""Each test gets an archive of its own (a copy of one built once per session and
backend: a SQLite file, or a PostgreSQL database) and an app on it (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsarchive.settings import Settings
from newsarchive.store import Location
from newsarchive.web import create_app
from tests.backends import Backend, built_once
from tests.web.archive import build_archive

Built = dict[tuple[str, str], Location]


@pytest.fixture
def archive(backend: Backend, session_backend: Backend, built_archives: Built) -> Location:
    return built_once(built_archives, session_backend, backend, "web", build_archive)


@pytest.fixture
def client(archive: Location) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=archive, page_size=10))) as opened:
        yield opened
