"""POST /api/ingest: add a text dump to the archive. Only mounted when an ingest token
is configured, and then only with ``Authorization: Bearer TOKEN``.

The web layer does not read files (that is ``ingest/``): the request body is the dump,
decoded here as strict UTF-8, split by the same reader the CLI uses, and stored in one
transaction, so a failed request leaves the archive as it was.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from starlette.concurrency import run_in_threadpool

from newsarchive.errors import InputError, StoreError
from newsarchive.extract.dump import split_archive_page
from newsarchive.model import Document
from newsarchive.settings import Settings
from newsarchive.store import open_store
from newsarchive.web.deps import app_settings
from newsarchive.web.problems import WebError
from newsarchive.web.schemas import ErrorOut, IngestOut
from newsarchive.web.security import check_bearer

MAX_UPLOAD = 32 * 1024**2
ACCEPTED = frozenset({"text/plain", "application/octet-stream"})

router = APIRouter(prefix="/api", tags=["api"])
_write_lock = threading.Lock()  # one writer at a time in this process (SQLite allows one)

BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/plain": {"schema": {"type": "string"}}},
        "description": "a category-archive text dump, UTF-8",
    }
}
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 413, 415, 503)
}


@router.post(
    "/ingest", response_model=IngestOut, openapi_extra=BODY, responses=ERRORS,
    summary="Add a text dump (needs the ingest token)",
)  # fmt: skip
async def ingest(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    source: Annotated[str, Query(max_length=500, description="its path or URL")] = "upload",
) -> IngestOut:
    settings = app_settings(request)
    check_bearer(authorization, settings.ingest_token or "")
    _check_media_type(request.headers.get("content-type"))
    data = await _body(request)
    document = document_from_bytes(data, source)
    return await run_in_threadpool(_store, settings, document)


def _check_media_type(value: str | None) -> None:
    kind, _, params = (value or "text/plain").partition(";")
    if kind.strip().lower() not in ACCEPTED:
        raise WebError(415, f"send the dump as text/plain (UTF-8), not {kind.strip()!r}")
    for param in params.split(";"):
        name, _, charset = param.partition("=")
        if name.strip().lower() == "charset" and _codec(charset) != "utf-8":
            raise WebError(415, f"send the dump as UTF-8, not charset={charset.strip()!r}")


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip('"')).name
    except LookupError:
        return None


async def _body(request: Request) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD:
            raise WebError(413, f"the dump is over {MAX_UPLOAD // 1024**2} MiB; split it")
        chunks.append(chunk)
    return b"".join(chunks)


def document_from_bytes(data: bytes, source: str) -> Document:
    """The request body as a ``Document``: strict UTF-8 (a BOM is kept as utf-8-sig)."""
    if not data.strip():
        raise WebError(400, "the request body is empty; send the text of a dump")
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise WebError(
            400, f"the body is not UTF-8 (byte {exc.start}); convert it or use the CLI"
        ) from None
    is_url = source.startswith(("http://", "https://"))
    return Document(
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        path=None if is_url else source,
        url=source if is_url else None,
        size=len(data),
        data=data,
        media_type="text/plain",
    )


def _store(settings: Settings, document: Document) -> IngestOut:
    try:
        articles = split_archive_page(document)
    except InputError as exc:
        raise WebError(400, str(exc)) from None
    with _write_lock:
        try:
            store = open_store(settings.db)
        except StoreError as exc:  # e.g. a CLI ingest holds the SQLite archive's one writer
            raise WebError(503, str(exc)) from None
        with store:
            counts = store.add_document(document, articles)
    return IngestOut(
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        articles=[a.id for a in articles],
    )
