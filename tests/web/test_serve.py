"""`newsarchive serve`: a missing archive is one line; a real one is served at the URL
it prints."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request

from newsarchive.store import Location
from tests.cli_support import NEWSARCHIVE, invoke


def test_serve_without_an_archive_says_to_ingest_first(empty_location: Location) -> None:
    result = invoke(["serve", "--db", str(empty_location)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "newsarchive ingest" in lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_its_url_and_serves(archive: Location) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(NEWSARCHIVE), "serve", "--db", str(archive), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats") as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.05)
        assert '"articles":36' in body
    finally:
        process.terminate()
        process.wait(timeout=10)
