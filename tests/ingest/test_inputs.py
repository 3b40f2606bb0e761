"""Command-line arguments to documents: URLs, HTML/XML files, WARCs, gzip, text dumps."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsarchive.errors import InputError
from newsarchive.ingest.inputs import iter_documents, media_type_for
from newsarchive.model import Document
from tests.httpserver import page, serve
from tests.ingest.test_warc import site_records, write_warc

MIB = 1024**2
HTML = "<!DOCTYPE html><html><head><title>T</title></head><body><p>Текст статьи.</p></body></html>"
DUMP = "Russia\n\nHeadline of the day\n\nThe body of the article, in plain text.\n"


def read(*arguments: str | Path, allow_private: bool = False) -> list[Document | InputError]:
    return list(
        iter_documents(
            [str(a) for a in arguments], max_bytes=MIB, encoding=None, allow_private=allow_private
        )
    )


def only(items: list[Document | InputError]) -> Document:
    [item] = items
    assert isinstance(item, Document), str(item)
    return item


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("page.html", "text/html"),
        ("page.htm", "text/html"),
        ("feed.rss", "application/rss+xml"),
        ("feed.atom", "application/atom+xml"),
        ("sitemap.xml", "application/xml"),
    ],
)
def test_web_files_by_extension(tmp_path: Path, name: str, media_type: str) -> None:
    path = tmp_path / name
    path.write_bytes(HTML.encode("cp1251"))
    document = only(read(path))
    assert document.media_type == media_type and document.path == str(path)
    assert document.text == HTML and document.encoding == "cp1251"


def test_markup_without_a_telling_extension_is_a_web_document(tmp_path: Path) -> None:
    (tmp_path / "saved-page").write_text(HTML, encoding="utf-8")
    (tmp_path / "feed.txt").write_text('<?xml version="1.0"?><rss></rss>', encoding="utf-8")
    page_doc, feed_doc = read(tmp_path / "saved-page", tmp_path / "feed.txt")
    assert isinstance(page_doc, Document) and page_doc.media_type == "text/html"
    assert isinstance(feed_doc, Document) and feed_doc.media_type == "application/xml"


def test_text_dumps_are_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text(DUMP, encoding="utf-8")
    document = only(read(path))
    assert document.text == DUMP and document.media_type is None


def test_warc_files_and_a_warc_in_disguise(tmp_path: Path) -> None:
    packed = write_warc(tmp_path / "crawl.warc.gz", site_records())
    plain = write_warc(tmp_path / "crawl.warc", site_records())
    disguised = tmp_path / "crawl.dat"
    disguised.write_bytes(plain.read_bytes())
    for path in (packed, plain, disguised):
        items = read(path)
        assert len(items) == 4 and all(isinstance(i, Document) for i in items)
        assert all(isinstance(i, Document) and i.record_id for i in items)


def test_gzipped_page_and_dump(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(HTML.encode()))
    (tmp_path / "dump.txt.gz").write_bytes(gzip.compress(DUMP.encode()))
    page_doc, dump_doc = read(tmp_path / "page.html.gz", tmp_path / "dump.txt.gz")
    assert isinstance(page_doc, Document) and page_doc.media_type == "text/html"
    assert page_doc.text == HTML
    assert isinstance(dump_doc, Document) and dump_doc.media_type == "text/plain"
    assert dump_doc.text == DUMP


def test_truncated_gzip_is_an_error_and_the_rest_is_read(tmp_path: Path) -> None:
    data = gzip.compress((HTML * 200).encode())
    (tmp_path / "cut.html.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "fine.html").write_text(HTML, encoding="utf-8")
    error, document = read(tmp_path / "cut.html.gz", tmp_path / "fine.html")
    assert isinstance(error, InputError) and "truncated gzip" in error.problem
    assert isinstance(document, Document)


def test_a_folder_of_mixed_inputs_and_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "b.txt").write_text(DUMP, encoding="utf-8")
    write_warc(tmp_path / "c.warc.gz", site_records())
    (tmp_path / "d.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    items = read(tmp_path, tmp_path / "missing.html")
    assert sum(isinstance(i, Document) for i in items) == 1 + 1 + 4
    errors = [i for i in items if isinstance(i, InputError)]
    assert [e.problem for e in errors] == ["looks like a PNG image, not text", "does not exist"]


def test_html_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<html>" + b"x" * MIB + b"</html>")
    [error] = read(path)
    assert isinstance(error, InputError) and "limit" in error.problem


def test_urls_are_fetched_and_private_addresses_refused() -> None:
    with serve({"/story": page(HTML)}) as site:
        refused = read(site.url("/story"))
        fetched = read(site.url("/story"), allow_private=True)
    assert isinstance(refused[0], InputError) and "--allow-private" in refused[0].advice
    document = only(fetched)
    assert document.url == site.url("/story") and document.http_status == 200


def test_media_type_for() -> None:
    assert media_type_for("Index.HTML") == "text/html"
    assert media_type_for("notes.txt") is None


def test_arc_files_are_declined_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.arc.gz"
    path.write_bytes(gzip.compress(b"filedesc://old.arc 0.0.0.0 20000101000000 text/plain 76\n"))
    [error] = read(path)
    assert isinstance(error, InputError) and "ARC" in error.problem and "WARC" in error.advice
