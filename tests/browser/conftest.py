"""A real archive, the real server and a real headless Chromium, for the browser tests.

Each archive is built with the real CLI (``newsarchive ingest``) in a temporary folder and
served by ``newsarchive serve`` in a subprocess on a free loopback port. The browser is the
Debian ``chromium`` at /usr/bin/chromium driven by Playwright (never ``playwright install``:
no browser is downloaded). Without it the tests skip, except in CI (``CI=true``), where a
missing browser is a failure: ``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from newsarchive.model import Article, Document, RelatedLink, SourceRef, make_article_id
from newsarchive.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "newsarchive" / "data" / "category-archive-russia.txt"
DUMPS = ROOT / "tests" / "data" / "dumps"
DATA = Path(__file__).resolve().parent / "data"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
PAYLOAD_ID = make_article_id("xss javascript url article")


def _unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine; fail in CI, where .ci/run must have installed it."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)", pytrace=False)
    pytest.skip(f"{reason}: `apt-get install -y chromium` and `pip install -e '.[dev]'`")


@dataclass
class Server:
    """A running ``newsarchive serve``: its base URL, and the archive it serves."""

    url: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ingest(db: Path, paths: Sequence[Path]) -> None:
    command = [str(NEWSARCHIVE), "ingest", "--db", str(db), *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"


def _wait_until_up(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.process.kill()
    log = server.log.read_text(errors="replace")
    pytest.fail(f"newsarchive serve did not answer on {server.url} in {timeout:.0f} s:\n{log}")


@pytest.fixture(scope="session")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start ``newsarchive serve`` on a database; every server stops at the session's end."""
    servers: list[Server] = []

    def start(db: Path) -> Server:
        port = _free_port()
        log = tmp_path_factory.mktemp("serve") / "serve.log"
        command = [str(NEWSARCHIVE), "serve", "--db", str(db), "--host", "127.0.0.1"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "--port", str(port)], stdout=out, stderr=subprocess.STDOUT
            )
        server = Server(f"http://127.0.0.1:{port}", db, process, log)
        servers.append(server)
        _wait_until_up(server)
        return server

    yield start
    for server in servers:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def archive(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The sample, the layout dumps, and the articles that the sample's related boxes name."""
    db = tmp_path_factory.mktemp("archive") / "archive.db"
    ingest(db, [SAMPLE, DUMPS, DATA / "related-russia.txt"])
    server: Server = serve(db)
    return server


def _javascript_url_article() -> tuple[Document, list[Article]]:
    """A ``javascript:`` related URL and source URL: the text reader only keeps http(s) URLs,
    but other readers (HTML pages, feeds) can bring any URL, so it goes in through the store."""
    text = "Payload page\n\nA javascript url article xssjsurl about nothing in particular.\n"
    url = "javascript:window.__xss=1"
    document = Document(text, "0" * 64, "utf-8", url=url, size=len(text))
    article = Article(
        id=PAYLOAD_ID,
        title="Javascript url article xssjsurl",
        summary=None,
        paragraphs=("A javascript url article xssjsurl about nothing in particular.",),
        source=SourceRef("0" * 64, 14, len(text) - 1, url=url, encoding="utf-8"),
        related=(
            RelatedLink("Related javascript alert link", url="javascript:alert(1)"),
            RelatedLink("Related data url link", url="data:text/html,<script>alert(1)</script>"),
        ),
        categories=("Russia", "Xss<script>window.__xss=1</script>"),
        published="2026-03-04",
        raw=text[14:-1],
    )
    return document, [article]


@pytest.fixture(scope="session")
def payload_archive(serve: Any, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The sample plus a dump with script payloads in every field it has."""
    db = tmp_path_factory.mktemp("payloads") / "payloads.db"
    ingest(db, [SAMPLE, DATA / "xss-payloads.txt"])
    with SQLiteStore(db) as store:
        store.add_document(*_javascript_url_article())
    server: Server = serve(db)
    server.extra["javascript_article"] = PAYLOAD_ID
    return server


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian Chromium on a fresh profile."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        yield context
        context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A new tab; any JavaScript dialog (alert, confirm) is recorded and dismissed."""
    tab = browser_context.new_page()
    tab.dialogs = []

    def on_dialog(dialog: Any) -> None:
        tab.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
