"""Shared fixtures: paths to the bundled sample, our own dumps and the public eval data,
and archives on both backends (SQLite and PostgreSQL; see ``tests/backends.py``).

``archive_location`` is a new archive's location, once per backend: a test that takes it
(or a fixture built on it) runs on SQLite and on PostgreSQL. ``--backend sqlite`` (or
``-m "not postgresql"``) runs one backend only. Without ``$NEWSARCHIVE_TEST_PG`` the
PostgreSQL runs are skipped, except on CI (``$CI`` set), where they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.store import Location, shown_location
from tests.backends import (
    BACKENDS,
    NO_SERVER,
    PG_ENV,
    POSTGRESQL,
    SQLITE,
    Backend,
    PostgresBackend,
    PostgresServer,
    SQLiteBackend,
    on_ci,
    postgres_url,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newsarchive" / "data" / "category-archive-russia.txt"
DUMPS = Path(__file__).resolve().parent / "data" / "dumps"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the public evaluation data is needed for this test")
    return SHARED


# --- the two backends ---------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default=None,
        help="run the archive tests on this backend only (default: both)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A SQLite-only test has no PostgreSQL run; ``--backend`` keeps one backend's runs."""
    chosen = config.getoption("--backend")
    kept, deselected = [], []
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.sqlite)
        if (item.get_closest_marker("sqlite_only") and _backend_of(item) == POSTGRESQL) or (
            chosen is not None and _runs_on(item) - {chosen}
        ):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("backend_name") if callspec is not None else None


def _runs_on(item: pytest.Item) -> set[str]:
    return {name for name in BACKENDS if item.get_closest_marker(name)}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = postgres_url()
    if url is None:
        if on_ci():
            pytest.fail(f"no PostgreSQL server on CI: {NO_SERVER}", pytrace=False)
        pytest.skip(NO_SERVER)
    try:
        server = PostgresServer(url)
    except Exception as error:  # a server named but not there is a failure, not a skip
        pytest.fail(
            f"cannot reach the PostgreSQL server at {shown_location(url)} ({error}); start it,"
            f" or unset {PG_ENV} to skip the PostgreSQL tests",
            pytrace=False,
        )
    yield server
    server.close()


@pytest.fixture(
    scope="session",
    params=[
        pytest.param(SQLITE, marks=pytest.mark.sqlite),
        pytest.param(POSTGRESQL, marks=pytest.mark.postgresql),
    ],
)
def backend_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == POSTGRESQL:
        request.getfixturevalue("postgres_server")
    return name


def _backend(name: str, request: pytest.FixtureRequest, folder: Path) -> Backend:
    if name == SQLITE:
        return SQLiteBackend(folder)
    return PostgresBackend(request.getfixturevalue("postgres_server"))


@pytest.fixture
def backend(backend_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """This test's archives, dropped after it."""
    made = _backend(backend_name, request, tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="module")
def module_backend(
    backend_name: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """Archives shared by one module's tests."""
    made = _backend(backend_name, request, tmp_path_factory.mktemp("archives"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def session_backend(
    backend_name: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """Archives built once per session (originals that tests get copies of)."""
    made = _backend(backend_name, request, tmp_path_factory.mktemp("built"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def built_archives() -> dict[tuple[str, str], Location]:
    return {}


@pytest.fixture
def archive_location(backend: Backend) -> Location:
    """Where this test's archive goes: a new SQLite file, or a new PostgreSQL database."""
    return backend.fresh()


@pytest.fixture
def empty_location(backend: Backend) -> Location:
    """A location that holds no archive yet (a missing file, a database without tables)."""
    return backend.empty()
