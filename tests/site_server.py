"""The small news site of ``tests/site``, served on 127.0.0.1 for the end-to-end tests.

Static files are served from a copy of ``tests/site`` (so a test may edit an article),
with ``{{SITE}}`` in them replaced by the server's base URL, ``ETag`` and
``Last-Modified`` headers, and ``304 Not Modified`` answers to conditional requests.
A few paths are dynamic, as on a real site: an old URL that moved (301), a redirect
loop, a page that fails (500) and a path that never answers. Every request is logged,
so a test can check what a crawler asked for (and what it never asked for).

``expected.json`` next to the pages says what the site holds, and ``README.md`` maps it;
neither is served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

SITE_DIR = Path(__file__).resolve().parent / "site"
EXPECTED_FILE = "expected.json"
NOT_SERVED = {EXPECTED_FILE, "README.md"}  # about the site, not part of it
PLACEHOLDER = b"{{SITE}}"

# dynamic paths: (status, Location) -- redirects and failures, as expected.json lists them
REDIRECTS = {
    "/news/seaweed-battery": (301, "/science/2026/03/07/seaweed-battery-unveiled.html"),
    "/loop/a": (302, "/loop/b"),
    "/loop/b": (302, "/loop/a"),
}
BROKEN = "/politics/2026/03/05/harbour-inquiry-report.html"
NEVER_ANSWERS = "/hang"
NEVER_ANSWERS_FOR = 120.0  # seconds; far beyond any client timeout, cut short at shutdown

CONTENT_TYPES = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "sitemap.xml": "application/xml; charset=utf-8",
    "robots.txt": "text/plain; charset=utf-8",
}

BROKEN_PAGE = b"""<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request.</p>
</body></html>
"""

NOT_FOUND_PAGE = b"""<!DOCTYPE html>
<html><head><title>Page not found | The Wendford Courier</title></head>
<body><h1>Page not found</h1><p>Try the <a href="/">home page</a>.</p></body></html>
"""


@dataclass(frozen=True, slots=True)
class Request:
    """One request the site answered: its path with the query, headers (lower-case
    names) and the status it got."""

    method: str
    path: str
    headers: dict[str, str]
    status: int

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


@dataclass
class Site:
    """A running copy of the test site."""

    root: Path
    base: str
    log: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self) -> list[Request]:
        with self.lock:
            return list(self.log)

    def requested_paths(self) -> list[str]:
        return [request.path for request in self.requests()]

    def clear_log(self) -> None:
        with self.lock:
            self.log.clear()

    def expected(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / EXPECTED_FILE).read_text("utf-8"))
        return data

    def file(self, path: str) -> Path | None:
        """The file a URL path is served from, or None (never outside the site)."""
        relative = urlsplit(path).path.lstrip("/")
        if relative in NOT_SERVED:
            return None
        target = (self.root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or not target.is_relative_to(self.root.resolve()):
            return None
        return target

    def body(self, path: str) -> bytes:
        """The bytes the site serves for a static ``path``, read without a request (to
        save a page to a file or a WARC, as a browser or a crawler would have)."""
        target = self.file(path)
        if target is None:
            raise FileNotFoundError(path)
        return target.read_bytes().replace(PLACEHOLDER, self.base.encode("ascii"))

    def expected_urls(self) -> set[str]:
        return {self.url(article["path"]) for article in self.expected()["articles"]}

    def edit(self, path: str, old: str, new: str) -> None:
        """Change a page's text, as the newsroom would, and move its mtime forward."""
        target = self.file(path)
        assert target is not None, path
        text = target.read_text("utf-8")
        assert old in text, f"{old!r} is not in {path}"
        target.write_text(text.replace(old, new), "utf-8")
        later = time.time() + 120
        os.utime(target, (later, later))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: Site


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "WendfordCourier/1.0"
    timeout = 30  # an idle keep-alive connection does not hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the site's own log is ``Site.log``; keep pytest's output clean

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def _answer(self, *, send_body: bool) -> None:
        site = self.server.site
        path = urlsplit(self.path).path
        if path == NEVER_ANSWERS:
            self._record(0)
            site.stopping.wait(NEVER_ANSWERS_FOR)
            self.close_connection = True
            return
        if path in REDIRECTS:
            status, location = REDIRECTS[path]
            self._send(status, b"", "text/html; charset=utf-8", send_body, {"Location": location})
        elif path == BROKEN:
            self._send(500, BROKEN_PAGE, "text/html; charset=utf-8", send_body)
        else:
            self._static(site, send_body)

    def _static(self, site: Site, send_body: bool) -> None:
        path = urlsplit(self.path).path
        target = site.file(path)
        if target is None:
            self._send(404, NOT_FOUND_PAGE, "text/html; charset=utf-8", send_body)
            return
        if target.name == "index.html" and not path.endswith(("/", "index.html")):
            # a folder asked for without its slash: send the client to the folder's URL
            self._send(301, b"", "text/html", send_body, {"Location": path + "/"})
            return
        body = target.read_bytes().replace(PLACEHOLDER, site.base.encode("ascii"))
        mtime = int(target.stat().st_mtime)
        validators = {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:20] + '"',
            "Last-Modified": formatdate(mtime, usegmt=True),
            "Cache-Control": "max-age=0, must-revalidate",
        }
        if self._not_modified(validators["ETag"], mtime):
            self._send(304, b"", None, False, validators)
            return
        self._send(200, body, _content_type(target, body), send_body, validators)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return mtime <= since

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        send_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._record(status)
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if status != 304 else 0))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)

    def _record(self, status: int) -> None:
        site = self.server.site
        headers = {name.lower(): value for name, value in self.headers.items()}
        with site.lock:
            site.log.append(Request(self.command, self.path, headers, status))


def _content_type(target: Path, body: bytes) -> str:
    if target.name in CONTENT_TYPES:
        return CONTENT_TYPES[target.name]
    if target.suffix == ".html":
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return "text/html"  # legacy pages: no charset in the header, none in the page
        return "text/html; charset=utf-8"
    return "application/octet-stream"


@contextmanager
def serve_site(root: Path) -> Iterator[Site]:
    """Serve the site in ``root`` on 127.0.0.1 (a free port) until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    site = Site(root=root, base=f"http://{host}:{port}")
    server.site = site
    thread = threading.Thread(target=server.serve_forever, name="test-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stopping.set()  # releases a request that never answers
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def page_bytes(path: str, base: str) -> bytes:
    """A page of tests/site as served from ``base``, without a server (a saved page)."""
    target = SITE_DIR / path.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target.read_bytes().replace(PLACEHOLDER, base.encode("ascii"))


def expected() -> dict[str, Any]:
    """What tests/site holds (tests/site/expected.json)."""
    data: dict[str, Any] = json.loads((SITE_DIR / EXPECTED_FILE).read_text("utf-8"))
    return data


def copy_site(folder: Path) -> Path:
    """A private copy of tests/site, so a test may edit it."""
    root = folder / "site"
    shutil.copytree(SITE_DIR, root)
    return root


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The test site, fresh for one test (its own copy of the files, its own log)."""
    with serve_site(copy_site(tmp_path)) as running:
        yield running
