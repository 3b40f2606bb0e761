"""The bad inputs of issue 4, each in a batch with a good input: the bad item gives one
clear line on stderr (``newsarchive: <source>: <problem>; <advice>``), no traceback, and
the good item of the same command is still stored. Big and deep files are made here, in
tmp_path, never committed."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.archive import (
    Article,
    body,
    by_url,
    crawl,
    error_lines,
    export,
    lines_about,
    newsarchive,
    norm,
    problem,
)
from tests.e2e.warcs import Page, write_warc
from tests.site_server import Site, expected, page_bytes

EXPECTED = expected()
ARTICLES = {article["path"]: article for article in EXPECTED["articles"]}
BASE = "https://www.wendford-courier.example"  # saved pages: as served from the real site
GOOD = "/science/2026/03/03/river-otters-return-to-the-wend.html"
BUDGET = "/politics/2026/03/02/council-approves-riverside-budget.html"
RECOUNT = "/politics/2026/03/04/recount-confirms-mayoral-result.html"
TOLL = "/politics/2026/03/06/old-bridge-toll-to-be-scrapped.html"
RU = next(path for path, a in ARTICLES.items() if a["encoding"] == "cp1251")
SECONDS = 90  # a bad input is answered within this, whatever it is


def saved(folder: Path, path: str, name: str) -> Path:
    target = folder / name
    target.write_bytes(page_bytes(path, BASE))
    return target


def warc_pages(paths: list[str]) -> list[Page]:
    return [Page(BASE + path, page_bytes(path, BASE)) for path in paths]


def ingest(
    folder: Path, *inputs: str | Path, extra: tuple[str, ...] = ()
) -> tuple[int, list[str], dict[str, Article]]:
    """Run ``ingest`` on a batch; its exit code, stderr lines and the archive by URL."""
    db = folder / "archive.db"
    started = time.monotonic()
    result = newsarchive(["ingest", *inputs, "--db", db, *extra], cwd=folder)
    assert time.monotonic() - started < SECONDS
    stored = by_url(export(db)) if db.exists() else {}
    return result.returncode, error_lines(result.stderr), stored


def one_line_about(lines: list[str], source: str | Path, *words: str) -> str:
    """The single error line naming ``source``; it says one of ``words``."""
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith(f"newsarchive: {source}"), line
    said = problem(line, source)
    assert not words or any(word in said for word in words), f"none of {words} in {line!r}"
    return line


# -- WARC files ----------------------------------------------------------------------------


def test_truncated_warc_gz(tmp_path: Path) -> None:
    warc = tmp_path / "cut.warc.gz"
    records = write_warc(warc, warc_pages([BUDGET, RECOUNT, TOLL]))
    last = records[-1]
    with warc.open("r+b") as handle:  # the download stopped inside the last page
        handle.truncate(last.offset + last.length // 2)
    good = saved(tmp_path, GOOD, "otters.html")

    code, lines, stored = ingest(tmp_path, warc, good)
    assert code == 0
    one_line_about(lines, warc, "truncated", "incomplete", "ends", "unexpected end", "corrupt")
    # what was read before the cut is kept, and the rest of the batch is ingested
    assert set(stored) == {BASE + BUDGET, BASE + RECOUNT, BASE + GOOD}


def test_warc_with_a_corrupt_record_in_the_middle(tmp_path: Path) -> None:
    warc = tmp_path / "damaged.warc"
    records = write_warc(warc, warc_pages([BUDGET, RECOUNT, TOLL]), gzip=False)
    data = bytearray(warc.read_bytes())
    middle = records[1].offset
    assert data[middle : middle + 8] == b"WARC/1.0"
    data[middle : middle + 8] = b"\x00\xffGARBLE"  # its header no longer reads as a record
    warc.write_bytes(bytes(data))
    good = saved(tmp_path, GOOD, "otters.html")

    code, lines, stored = ingest(tmp_path, warc, good)
    assert code == 0
    one_line_about(lines, warc, "corrupt", "record", "invalid", "malformed")
    assert {BASE + BUDGET, BASE + TOLL, BASE + GOOD} <= set(stored)  # records after it are read


# -- HTML pages ----------------------------------------------------------------------------


def _huge_attribute(folder: Path) -> Path:
    """An article page with a 50 MB inline image (a data: URI) before its text."""
    page = page_bytes(BUDGET, BASE)
    blob = b'<img alt="" src="data:image/png;base64,' + b"A" * (50 * 1024**2) + b'">'
    path = folder / "inline-image.html"
    path.write_bytes(page.replace(b'<main id="content">', b'<main id="content">' + blob, 1))
    return path


def _deeply_nested(folder: Path) -> Path:
    """100,000 nested <div> with an article at the bottom."""
    path = folder / "deep.html"
    depth = 100_000
    with path.open("wb") as out:
        out.write(b"<!DOCTYPE html><html><head><title>Deep page</title></head><body>")
        out.write(b"<div>" * depth)
        out.write(b"<h1>Deep page</h1><p>" + b"A sentence at the bottom of the page. " * 20)
        out.write(b"</p>" + b"</div>" * depth + b"</body></html>")
    return path


@pytest.mark.parametrize(
    ("make", "title"),
    [
        (_huge_attribute, ARTICLES[BUDGET]["title"]),
        (_deeply_nested, "Deep page"),
    ],
    ids=["50 MB attribute", "100,000 nested divs"],
)
def test_pathological_page_never_stalls_the_batch(
    tmp_path: Path, make: Callable[[Path], Path], title: str
) -> None:
    """Such a page is read (what libxml2's limits cut is parsed again without the huge
    attribute or the nesting), without a traceback, and the good page of the batch goes in."""
    bad = make(tmp_path)
    good = saved(tmp_path, GOOD, "otters.html")
    code, lines, stored = ingest(tmp_path, bad, good)
    assert code == 0
    assert BASE + GOOD in stored
    assert not [line for line in lines if "RecursionError" in line or "MemoryError" in line]
    others = [a for url, a in stored.items() if url != BASE + GOOD]
    assert lines == []
    assert [norm(str(a["title"])) for a in others] == [title]


def test_cp1251_page_without_charset_is_decoded(tmp_path: Path) -> None:
    bad = saved(tmp_path, RU, "duma.html")
    assert b"charset" not in bad.read_bytes().lower()
    good = saved(tmp_path, GOOD, "otters.html")
    code, lines, stored = ingest(tmp_path, bad, good)
    assert (code, lines) == (0, [])
    article = stored[BASE + RU]
    want = ARTICLES[RU]
    assert article["title"] == want["title"]
    assert article["authors"] == want["authors"]
    assert all(phrase in body(article) for phrase in want["body_phrases"])
    assert BASE + GOOD in stored


# -- feeds ---------------------------------------------------------------------------------

BROKEN_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>The Wendford Courier</title>
    <link>https://www.wendford-courier.example/</link>
    <description>News & views from the Wend valley <<< </description>
    <lastBuildDate>Mon, 09 Mar 2026 08:00:00 +0000
    <ite"""


def test_feed_with_invalid_xml(tmp_path: Path) -> None:
    bad = tmp_path / "rss.xml"
    bad.write_text(BROKEN_FEED, encoding="utf-8")
    good = saved(tmp_path, GOOD, "otters.html")
    code, lines, stored = ingest(tmp_path, bad, good)
    assert code == 0
    one_line_about(lines, bad, "xml", "feed", "well-formed", "no entries", "no items")
    assert set(stored) == {BASE + GOOD}


def test_nothing_readable_is_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "rss.xml"
    bad.write_text(BROKEN_FEED, encoding="utf-8")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n")[:30])
    code, lines, stored = ingest(tmp_path, bad, cut)
    assert code == 1
    assert len(lines) == 2
    assert stored == {}


def test_parse_prints_the_good_page_of_a_bad_batch(tmp_path: Path) -> None:
    bad = tmp_path / "rss.xml"
    bad.write_text(BROKEN_FEED, encoding="utf-8")
    cut = tmp_path / "cut.warc.gz"
    (record,) = write_warc(cut, warc_pages([BUDGET]))
    cut.write_bytes(cut.read_bytes()[: record.offset + record.length // 2])
    good = saved(tmp_path, GOOD, "otters.html")
    result = newsarchive(["parse", bad, cut, good], cwd=tmp_path)
    assert result.returncode == 0
    assert len(lines_about(result.stderr, bad)) == 1
    assert len(lines_about(result.stderr, cut)) == 1
    printed = [line for line in result.stdout.splitlines() if line.strip()]
    assert BASE + GOOD in {json.loads(line)["url"] for line in printed}


# -- the network ---------------------------------------------------------------------------


def test_redirect_loop(site: Site, tmp_path: Path) -> None:
    loop = site.url(EXPECTED["redirect_loop"][0])
    good = site.url(GOOD)
    code, lines, stored = ingest(tmp_path, loop, good, extra=("--allow-private", "--delay", "0"))
    assert code == 0
    one_line_about(lines, loop, "redirect")
    assert set(stored) == {good}
    hops = [r for r in site.requests() if r.path in EXPECTED["redirect_loop"]]
    assert len(hops) <= 40  # the client gave up on the loop


def test_server_that_never_answers(site: Site, tmp_path: Path) -> None:
    silent = site.url(EXPECTED["never_answers"])
    good = site.url(GOOD)
    db = tmp_path / "archive.db"
    started = time.monotonic()
    result = crawl([silent, good], db, tmp_path, "--depth", "0", "--timeout", "2")
    assert time.monotonic() - started < 60
    assert result.returncode == 0, result.stderr
    one_line_about(
        error_lines(result.stderr), silent, "timed out", "timeout", "no answer", "not answer"
    )
    assert set(by_url(export(db))) == {good}
