"""The app factory: ``create_app(settings)`` gives a FastAPI app on one archive file.

Read-only by default: the archive is opened read-only (a pool of connections), and the
one write endpoint, ``POST /api/ingest``, exists only when ``settings.ingest_token`` is
set. Errors are pages for people and ``ErrorOut`` bodies under /api/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from newsarchive import __version__
from newsarchive.errors import NotFoundError, QueryError, StoreError
from newsarchive.model import category_slug
from newsarchive.settings import Settings
from newsarchive.store import Location, open_store, require_archive
from newsarchive.web import api, pages, people_api, people_pages, story_pages, upload
from newsarchive.web.pool import StorePool
from newsarchive.web.problems import WebError, code_for
from newsarchive.web.quoting import entity_path, speaker_path
from newsarchive.web.security import SecurityHeaders
from newsarchive.web.story_views import story_path, topic_path
from newsarchive.web.views import (
    article_path,
    category_path,
    date_label,
    snippet_segments,
    with_query,
)

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings) -> FastAPI:
    """An app serving the archive at ``settings.db`` (which must exist)."""
    prepare_database(settings.db)
    pool = StorePool(settings.db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="newsarchive",
        version=__version__,
        description="A self-hosted news archive: every page has this JSON twin.",
        docs_url=None,  # the Swagger/ReDoc pages load scripts from a CDN; the CSP forbids it
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pool = pool
    app.state.templates = _templates()
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(people_pages.router)
    app.include_router(story_pages.router)
    app.include_router(api.router)
    app.include_router(people_api.router)
    app.include_router(story_pages.api)
    if settings.ingest_token:
        app.include_router(upload.router)
    else:
        app.add_api_route("/api/ingest", _writing_is_off, methods=["POST"], include_in_schema=False)
    _install_error_handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _writing_is_off() -> None:
    raise WebError(
        404,
        "writing is off: this archive is read-only; start the server with --ingest-token "
        "(or NEWSARCHIVE_INGEST_TOKEN) to accept dumps at POST /api/ingest",
    )


def prepare_database(location: Location) -> None:
    """Refuse a missing archive; bring an older one to the current schema (once, before
    the read-only connections open)."""
    require_archive(location)
    with suppress(StoreError):  # e.g. a read-only directory: the read-only open says why
        open_store(location).close()


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template is HTML; archived text is never marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        article_path=article_path,
        category_path=category_path,
        category_slug=category_slug,
        date_label=date_label,
        segments=snippet_segments,
        version=__version__,
        speaker_path=speaker_path,
        entity_path=entity_path,
        with_query=with_query,
        story_path=story_path,
        topic_path=topic_path,
    )
    return Jinja2Templates(env=env)


def _install_error_handlers(app: FastAPI) -> None:
    async def web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_response(request, exc.status, exc.message, exc.code)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        message = {
            404: "there is nothing at this address; check it, or start from the home page",
            405: f"{request.method} is not allowed here; this archive is read-only",
        }.get(status, str(exc.detail))
        response = error_response(request, status, message, code_for(status))
        response.headers.update(exc.headers or {})  # e.g. Allow on a 405
        return response

    async def bad_parameters(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 400, _validation_message(exc), "bad_request")

    async def store_error(request: Request, exc: Exception) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        return error_response(request, status, str(exc), code_for(status))

    app.add_exception_handler(WebError, web_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_parameters)
    app.add_exception_handler(QueryError, store_error)
    app.add_exception_handler(NotFoundError, store_error)


def error_response(request: Request, status: int, message: str, code: str) -> Response:
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    if request.url.path.startswith("/api/") or request.url.path == "/api":
        body = {"error": code, "message": message, "status": status}
        return JSONResponse(body, status_code=status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    context = {"status": status, "message": message, "json_url": None}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(problems) + "; fix the parameter and try again"


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with its 422 validation body replaced by our 400 ``ErrorOut``
    (bad parameters are answered 400 here, with a message)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            if responses.pop("422", None) is not None and "400" not in responses:
                responses["400"] = {
                    "description": "a bad parameter",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                }
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
