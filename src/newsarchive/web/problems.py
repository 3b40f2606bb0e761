"""What goes wrong in a request, said so the reader knows what to do next."""

from __future__ import annotations


class WebError(Exception):
    """A request the archive answers with an error page (HTML) or body (JSON)."""

    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    500: "internal_error",
    503: "busy",
}


def code_for(status: int) -> str:
    return _CODES.get(status, "error")


def not_found(what: str) -> WebError:
    return WebError(404, f"{what} is not in this archive; check the address or search for it")
