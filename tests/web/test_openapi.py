"""The JSON API against its own OpenAPI schema (schemathesis), on SQLite and PostgreSQL:
every generated request gets a documented status, a documented content type and a body
matching its schema, and never a 5xx. Bounded, so the suite stays fast."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from newsarchive.settings import Settings
from newsarchive.web import create_app
from tests.backends import NO_SERVER, PostgresServer, on_ci, postgres_url
from tests.web.enriched import build_enriched_archive

# schemathesis builds its tests at collection time, so the archives are built at import:
# a SQLite file (in a temporary directory removed when the module's tests end) and, when a
# server is given, a PostgreSQL database (dropped then)
_WORKDIR = tempfile.TemporaryDirectory(prefix="newsarchive-openapi-")
ARCHIVE, _ = build_enriched_archive(Path(_WORKDIR.name) / "archive.db")  # with who said what
APP = create_app(Settings(db=ARCHIVE, page_size=5))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def _postgres_app() -> tuple[PostgresServer | None, str | None, FastAPI | None, str | None]:
    """The same app on a PostgreSQL archive (or why there is none)."""
    url = postgres_url()
    if url is None:
        return None, None, None, NO_SERVER
    server = PostgresServer(url)
    location = None
    try:
        location = server.create()
        build_enriched_archive(location)
        return server, location, create_app(Settings(db=location, page_size=5)), None
    except Exception as error:  # reported by the PostgreSQL test, not at collection
        return server, location, None, f"{type(error).__name__}: {error}"


PG_SERVER, PG_ARCHIVE, PG_APP, PG_PROBLEM = _postgres_app()
pg_schema = schemathesis.openapi.from_asgi("/openapi.json", PG_APP or APP)


@pytest.fixture(scope="module", autouse=True)
def _lifespan() -> Iterator[None]:
    with ExitStack() as stack:
        stack.enter_context(TestClient(APP))  # runs the lifespan: the store pool closes
        if PG_APP is not None:
            stack.enter_context(TestClient(PG_APP))
        yield
    _WORKDIR.cleanup()
    if PG_SERVER is not None:
        if PG_ARCHIVE is not None:
            PG_SERVER.drop_later(PG_ARCHIVE)
        PG_SERVER.close()


# a schema-valid query can still be a query the engine cannot run ("AND"), or name a
# category that does not exist: those are documented 400/404s, not rejections of valid data
@pytest.mark.sqlite
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.postgresql
@pg_schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_on_postgresql_conforms_to_its_schema(case: Any) -> None:
    if PG_PROBLEM == NO_SERVER:
        if on_ci():
            pytest.fail(f"no PostgreSQL server on CI: {NO_SERVER}", pytrace=False)
        pytest.skip(NO_SERVER)
    assert PG_PROBLEM is None, f"the PostgreSQL archive could not be built: {PG_PROBLEM}"
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_schema_documents_errors() -> None:
    spec = TestClient(APP).get("/openapi.json").json()
    search = spec["paths"]["/api/search"]["get"]["responses"]
    assert set(search) >= {"200", "400", "404"} and "422" not in search
    assert search["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    article = spec["paths"]["/api/articles/{article_id}"]["get"]["responses"]
    assert article["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ArticleOut")
    assert not any(path.startswith(("/article", "/category", "/search")) for path in spec["paths"])
    for path in ("/api/speakers/{slug}", "/api/entities/{slug}", "/api/figures",
                 "/api/categories/{slug}/speakers", "/api/speakers", "/api/entities"):  # fmt: skip
        assert set(spec["paths"][path]["get"]["responses"]) >= {"200", "400", "404"}, path
    assert not any(path.startswith(("/speaker", "/entit", "/figures")) for path in spec["paths"])
