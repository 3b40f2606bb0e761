"""Archived text is untrusted: strict headers on every response, and the write
endpoint's bearer token checked in constant time."""

from __future__ import annotations

import hmac
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsarchive.web.problems import WebError

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_log = logging.getLogger("newsarchive.web")


class SecurityHeaders:
    """ASGI middleware: adds ``HEADERS`` to every HTTP response, errors included, and
    answers an exception that escaped every handler with a plain 500 that has them too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            _log.exception("unhandled error on %s", scope.get("path"))
            if started:
                raise
            await _plain_500(send)


async def _plain_500(send: Send) -> None:
    body = b"internal error; the server log has the details\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def check_bearer(authorization: str | None, token: str) -> None:
    """Raise 401 without a bearer token, 403 with the wrong one."""
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise WebError(401, "this endpoint needs 'Authorization: Bearer TOKEN' (the ingest token)")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise WebError(403, "the ingest token is wrong; check --ingest-token on the server")
