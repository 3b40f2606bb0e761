"""The JSON API against its own OpenAPI schema (schemathesis): every generated request
gets a documented status, a documented content type and a body matching its schema,
and never a 5xx. Bounded, so the suite stays fast."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from newsarchive.settings import Settings
from newsarchive.web import create_app
from tests.web.enriched import build_enriched_archive

# schemathesis builds its tests at collection time, so the archive is built at import
# (in a temporary directory removed when the module's tests end)
_WORKDIR = tempfile.TemporaryDirectory(prefix="newsarchive-openapi-")
ARCHIVE, _ = build_enriched_archive(Path(_WORKDIR.name) / "archive.db")  # with who said what
APP = create_app(Settings(db=ARCHIVE, page_size=5))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _lifespan() -> Iterator[None]:
    with TestClient(APP):  # runs the lifespan: the store pool closes at the end
        yield
    _WORKDIR.cleanup()


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any) -> None:
    # a schema-valid query can still be a query FTS5 cannot run ("AND"), or name a
    # category that does not exist: those are documented 400/404s, not rejections of
    # valid data
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
