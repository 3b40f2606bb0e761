"""Fetch one URL politely and safely: the only place newsarchive talks HTTP.

A ``Fetcher`` sends a clear User-Agent, follows redirects itself (so every hop is checked:
scheme, address, loops), refuses private, loopback, link-local and reserved addresses
unless told otherwise, stops reading at the size limit, retries connection failures, 429
and 5xx with exponential backoff and jitter (honouring ``Retry-After`` up to a cap), and
makes conditional requests from what the archive remembers (``FetchState``).

Every failure is an ``InputError`` naming the URL; ``HTTPStatusError`` (one of them) also
carries the status, so robots.txt handling can tell 404 from 503.
"""

from __future__ import annotations

import email.utils
import ipaddress
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from newsarchive import __version__
from newsarchive.errors import InputError
from newsarchive.ingest.decode import make_document, split_content_type, utc_now
from newsarchive.model import Document, FetchState
from newsarchive.settings import format_size

USER_AGENT = f"newsarchive/{__version__} (+https://github.com/newsarchive; archiving bot)"
DEFAULT_MAX_BYTES = 10 * 1024**2
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 30.0  # seconds to connect, and between two reads of the response
    max_seconds: float = 120.0  # for one whole response, against servers that drip bytes
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 2
    backoff: float = 1.0  # the first retry's delay; each next one doubles, plus jitter
    max_retry_after: float = 60.0  # a longer Retry-After is cut to this
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    document: Document
    state: FetchState
    final_url: str


@dataclass(frozen=True, slots=True)
class NotModified:
    url: str
    state: FetchState


@dataclass(frozen=True, slots=True)
class Redirected:
    """``url`` redirects to ``target``, which the caller said it has already (not fetched)."""

    url: str
    target: str


class HTTPStatusError(InputError):
    """The server answered with an error status (after any retries)."""

    def __init__(self, source: str, status: int, problem: str, advice: str) -> None:
        self.status = status
        super().__init__(source, problem, advice)


@dataclass(slots=True)
class _Answer:
    """One response read (or its status and headers only), before it becomes a result."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes = field(default=b"", repr=False)


class Fetcher:
    """Fetch URLs with one connection pool; use as a context manager or call ``close``."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        resolve: Resolver | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self._sleep = sleep
        self._resolve = resolve or _resolve
        timeout = httpx.Timeout(self.options.timeout)
        self._client = httpx.Client(
            http1=True,
            http2=False,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        known: FetchState | None = None,
        *,
        have: Callable[[str], bool] | None = None,
    ) -> Fetched | NotModified | Redirected:
        """GET ``url``, conditionally when ``known`` says what was fetched before; a redirect
        to a URL for which ``have(url)`` is true stops there (a crawl fetches a page once)."""
        answer = self._follow(url, _conditional_headers(known), have)
        if isinstance(answer, str):
            return Redirected(url, answer)
        fetched_at = utc_now()
        if answer.status == 304:
            base = known or FetchState(url, None, None, None, 304, fetched_at)
            return NotModified(url, replace(base, fetched_at=fetched_at, http_status=304))
        media_type, charset = split_content_type(answer.headers.get("Content-Type"))
        document = make_document(
            answer.body,
            url=answer.url,
            path=None,
            media_type=media_type,
            declared_charset=charset,
            fetched_at=fetched_at,
            http_status=answer.status,
        )
        state = FetchState(
            url=url,
            etag=answer.headers.get("ETag"),
            last_modified=answer.headers.get("Last-Modified"),
            sha256=document.sha256,
            http_status=answer.status,
            fetched_at=fetched_at,
        )
        return Fetched(document, state, answer.url)

    def _follow(
        self, url: str, conditional: dict[str, str], have: Callable[[str], bool] | None
    ) -> _Answer | str:
        seen = {url}
        current = url
        for _ in range(self.options.max_redirects + 1):
            answer = self._with_retries(current, conditional if current == url else {})
            if answer.status not in _REDIRECTS:
                return _checked_status(answer)
            location = answer.headers.get("Location")
            if not location:
                raise InputError(current, f"redirects ({answer.status}) nowhere", "report it")
            current = urljoin(current, str(location).strip())
            if current in seen:
                raise InputError(url, f"redirect loop (back to {current})", "check the URL")
            if have is not None and have(current):
                return current
            seen.add(current)
        raise InputError(
            url,
            f"more than {self.options.max_redirects} redirects",
            "check the URL, or pass the final address",
        )

    def _with_retries(self, url: str, headers: dict[str, str]) -> _Answer:
        self.check_target(url)
        attempts = self.options.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                answer = self._get(url, headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if last:
                    raise InputError(
                        url, f"cannot be reached ({_reason(exc)})", "check the address"
                    ) from None
                self._sleep(self._backoff(attempt, None))
                continue
            if answer.status not in _RETRY_STATUSES or last:
                return answer
            self._sleep(self._backoff(attempt, answer.headers.get("Retry-After")))
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _get(self, url: str, headers: dict[str, str]) -> _Answer:
        limit = self.options.max_bytes
        started = time.monotonic()
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                answer = _Answer(str(response.url), response.status_code, response.headers)
                if response.status_code != 200:
                    return answer
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise self.too_big(url, f"{format_size(int(declared))}, over")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise self.too_big(url, "over")
                    if time.monotonic() - started > self.options.max_seconds:
                        raise InputError(
                            url,
                            f"took longer than {self.options.max_seconds:g} s to send",
                            "try again later or raise the time limit",
                        )
                    chunks.append(chunk)
                answer.body = b"".join(chunks)
                return answer
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise
        except httpx.TimeoutException:
            raise InputError(
                url,
                f"did not answer within {self.options.timeout:g} s",
                "try again later or raise the timeout",
            ) from None
        except httpx.InvalidURL as exc:
            raise InputError(url, f"is not a valid URL ({exc})", "check the URL") from None
        except httpx.HTTPError as exc:
            raise InputError(url, f"failed ({_reason(exc)})", "try again later") from None

    def check_target(self, url: str) -> None:
        """Raise ``InputError`` unless ``url`` is http(s) on an address this fetcher may use."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise InputError(url, "is not an http(s) URL", "pass an http:// or https:// address")
        if not parts.hostname:
            raise InputError(url, "has no host name", "check the URL")
        if self.options.allow_private:
            return
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = self._resolve(parts.hostname, port)
        except ValueError:
            raise InputError(url, "has an invalid port", "check the URL") from None
        except OSError as exc:
            raise InputError(url, f"host cannot be resolved ({exc})", "check the address") from None
        for address in addresses:
            if not _is_public(address):
                raise InputError(
                    url,
                    f"points at a private or local address ({address})",
                    "pass --allow-private to fetch it",
                )

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            return min(asked, self.options.max_retry_after)
        base = self.options.backoff * 2.0**attempt
        return base + random.uniform(0, base / 2)

    def too_big(self, url: str, size: str) -> InputError:
        return InputError(
            url,
            f"response is {size} the {format_size(self.options.max_bytes)} limit",
            "raise --max-bytes to fetch it",
        )


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _conditional_headers(known: FetchState | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def _checked_status(answer: _Answer) -> _Answer:
    if answer.status in (200, 304):
        return answer
    advice = {
        404: "check the URL; the page is not there",
        410: "the page was removed; leave it out",
        401: "the page needs a login; leave it out",
        403: "the site refuses access; leave it out",
        429: "the site is rate-limiting; try again later with a longer --delay",
    }.get(answer.status)
    if advice is None:
        advice = "try again later" if answer.status >= 500 else "check the URL"
    phrase = httpx.codes.get_reason_phrase(answer.status)
    problem = f"HTTP {answer.status} {phrase}".strip()
    raise HTTPStatusError(answer.url, answer.status, problem, advice)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    remaining: float = when.timestamp() - time.time()
    return max(0.0, remaining)


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
