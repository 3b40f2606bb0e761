"""A real HTTP server on 127.0.0.1 for tests: routes map a path to a response or a behaviour.

    with serve({"/": page(b"<html>...</html>"), "/old": redirect("/")}) as site:
        fetch(site.url("/old"))
        assert site.hits["/"] == 1

A route is a ``Response`` or a callable taking the request (path, headers) and returning
one. Behaviours: ``redirect``, ``never_answers`` (holds the connection until the server
stops), ``slow`` (answers after a delay), ``huge`` (streams n bytes), ``conditional`` (ETag /
Last-Modified, answers 304), ``in_turn`` (a different response on each request, the last
one repeated), and ``redirect_loop`` (two routes).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Request:
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Response:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    # a body streamed in chunks instead (``huge``), without a Content-Length when None
    chunks: Callable[[], Iterator[bytes]] | None = None
    hang: bool = False  # never answer: hold the connection until the server stops
    delay: float = 0.0  # seconds to wait before answering


Route = Response | Callable[[Request], Response]


def page(body: bytes | str, content_type: str = "text/html; charset=utf-8") -> Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Response(200, {"Content-Type": content_type}, data)


def status(code: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(code, dict(headers or {}), f"status {code}".encode())


def redirect(location: str, code: int = 302) -> Response:
    return Response(code, {"Location": location})


def redirect_loop(first: str, second: str) -> dict[str, Route]:
    """Routes where ``first`` and ``second`` redirect to each other."""
    return {first: redirect(second), second: redirect(first)}


def never_answers() -> Response:
    return Response(hang=True)


def slow(seconds: float, response: Response) -> Response:
    """``response``, sent only after ``seconds`` (or when the server stops)."""
    return replace(response, delay=seconds)


def huge(size: int, *, declare_length: bool = False) -> Response:
    def chunks() -> Iterator[bytes]:
        block = b"<p>" + b"x" * 65_530 + b"</p>\n"
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            sent += len(piece)
            yield piece

    headers = {"Content-Type": "text/html"}
    if declare_length:
        headers["Content-Length"] = str(size)
    return Response(200, headers, chunks=chunks)


def conditional(
    body: bytes, *, etag: str | None = None, last_modified: str | None = None
) -> Callable[[Request], Response]:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if etag:
        headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified

    def answer(request: Request) -> Response:
        if etag and request.headers.get("If-None-Match") == etag:
            return Response(304, headers)
        if last_modified and request.headers.get("If-Modified-Since") == last_modified:
            return Response(304, headers)
        return Response(200, headers, body)

    return answer


def in_turn(*responses: Response) -> Callable[[Request], Response]:
    lock = threading.Lock()
    served = 0

    def answer(request: Request) -> Response:
        nonlocal served
        with lock:
            chosen = responses[min(served, len(responses) - 1)]
            served += 1
        return chosen

    return answer


class Site:
    """The running server: ``url(path)``, ``hits`` per path, ``requests`` in order."""

    def __init__(self, server: ThreadingHTTPServer, stopping: threading.Event) -> None:
        self.server = server
        self.stopping = stopping
        self.hits: Counter[str] = Counter()
        self.requests: list[Request] = []
        self.base = f"http://127.0.0.1:{server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base + path


def _handler(routes: Mapping[str, Route], site_box: list[Site]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each response waits ~40 ms for a delayed ACK

        def do_GET(self) -> None:
            site = site_box[0]
            request = Request(self.path, {k: v for k, v in self.headers.items()})
            site.hits[self.path] += 1
            site.requests.append(request)
            route = routes.get(self.path)
            if route is None:
                response = status(404)
            elif isinstance(route, Response):
                response = route
            else:
                response = route(request)
            self._send(response, site)

        def _send(self, response: Response, site: Site) -> None:
            if response.hang or response.delay:
                site.stopping.wait(None if response.hang else response.delay)
            if response.hang or site.stopping.is_set():
                self.close_connection = True
                return
            try:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if response.chunks is None:
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                    return
                if "Content-Length" not in response.headers:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                for chunk in response.chunks():
                    if site.stopping.is_set():
                        break
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


@contextmanager
def serve(routes: Mapping[str, Route]) -> Iterator[Site]:
    """Serve ``routes`` on 127.0.0.1 (a free port) in a thread for the ``with`` block."""
    stopping = threading.Event()
    box: list[Site] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes, box))
    server.daemon_threads = True
    box.append(Site(server, stopping))
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
