"""Batch tests: a real Spark (``local[2]``) started once for the session, and the inputs
every test reads: the bundled sample, the test site's pages as files and as a WARC (with
a near-duplicate copy of one article), and inputs that cannot be read.

The tests that start Spark are marked ``spark`` (deselect with ``-m "not spark"``). They
need a Java runtime: without one they are skipped, except on CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT, SAMPLE
from tests.e2e.warcs import Page, write_warc

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SITE = ROOT / "tests" / "site"
HOST = "https://news.example.org"
ORIGINAL = "politics/2026/03/02/council-approves-riverside-budget.html"
COPY = "politics/2026/03/02/council-approves-riverside-budget-copy.html"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: starts Apache Spark (needs a Java runtime)")


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One quiet Spark session on two local cores for every library-level test."""
    if os.environ.get("JAVA_HOME") is None and shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("no Java runtime on CI: the Spark tests need one", pytrace=False)
        pytest.skip("no Java runtime: install default-jre-headless to run the Spark tests")
    from newsarchive.batch import spark_session

    with spark_session("local[2]", app_name="newsarchive tests") as run:
        yield run.session


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the batch tests read: ``good`` can all be read; ``bad`` cannot."""

    folder: Path
    warc: Path
    truncated: Path
    pages: list[Path]
    missing: Path
    image: Path

    @property
    def good(self) -> list[str]:
        return [str(SAMPLE), *map(str, self.pages), str(self.warc)]

    @property
    def mixed(self) -> list[str]:
        """Good inputs with bad ones between them."""
        return [
            str(SAMPLE),
            str(self.missing),
            *map(str, self.pages),
            str(self.image),
            str(self.warc),
            str(self.truncated),
        ]


def site_pages() -> list[tuple[str, bytes]]:
    """Every HTML page of the test site (path, bytes as served), and a near-duplicate copy
    of one article under another URL and a reworded headline."""
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        relative = path.relative_to(SITE).as_posix()
        pages.append((relative, path.read_bytes().replace(b"{{SITE}}", HOST.encode())))
    original = dict(pages)[ORIGINAL]
    copy = original.replace(ORIGINAL.encode(), COPY.encode()).replace(
        b"Council approves \xc2\xa340m budget for the riverside district",
        b"Council approves \xc2\xa340m riverside budget",
    )
    return [*pages, (COPY, copy)]


@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("batch-inputs")
    warc = folder / "site.warc.gz"
    write_warc(warc, [Page(f"{HOST}/{path}", body) for path, body in site_pages()])
    truncated = folder / "truncated.warc.gz"
    data = warc.read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    image = folder / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    pages = sorted((SITE / "politics").rglob("*.html"))[:3]
    return Inputs(folder, warc, truncated, pages, folder / "missing.txt", image)
