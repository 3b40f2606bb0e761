"""Reading pages out of WARC files written here with warcio, and the public L3S-GN1 WARC."""

from __future__ import annotations

import gzip
import io
import resource
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.errors import InputError
from newsarchive.ingest.warc import iter_warc
from newsarchive.model import Document

MIB = 1024**2


def page(number: int, size: int = 3000) -> bytes:
    return (
        f"<html><body><h1>Page {number}</h1><p>{'word ' * (size // 5)}</p></body></html>".encode()
    )


def write_warc(path: Path, records: list[tuple[str, str, bytes, dict[str, str]]]) -> Path:
    """``records``: (WARC type, URL, body, options) with options ``status``, ``type`` (the
    Content-Type) and ``refers`` (for conversion records)."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=path.name.endswith(".gz"))
        for kind, url, body, options in records:
            content_type = options.get("type", "text/html; charset=utf-8")
            if kind in ("response", "request"):
                line = options.get("status", "200 OK") if kind == "response" else "GET / HTTP/1.1"
                http = StatusAndHeaders(
                    line,
                    [("Content-Type", content_type)],
                    protocol="HTTP/1.1",
                    is_http_request=kind == "request",
                )
                record = writer.create_warc_record(
                    url, kind, payload=io.BytesIO(body), http_headers=http
                )
            else:
                record = writer.create_warc_record(
                    url, kind, payload=io.BytesIO(body), warc_content_type=content_type
                )
            writer.write_record(record)
    return path


def site_records() -> list[tuple[str, str, bytes, dict[str, str]]]:
    return [
        ("warcinfo", "", b"software: test\r\n", {"type": "application/warc-fields"}),
        ("request", "http://news.test/1", b"", {}),
        ("response", "http://news.test/1", page(1), {}),
        ("response", "http://news.test/logo.png", b"\x89PNG....", {"type": "image/png"}),
        ("response", "http://news.test/old", b"", {"status": "301 Moved Permanently"}),
        ("metadata", "http://news.test/1", b"outlinks: none\r\n", {"type": "text/plain"}),
        ("resource", "http://news.test/2", page(2), {"type": "text/html"}),
        ("conversion", "http://news.test/2", b"Page 2 as text", {"type": "text/html"}),
        (
            "response",
            "http://news.test/feed",
            b"<rss><channel/></rss>",
            {"type": "application/rss+xml"},
        ),
        ("response", "http://news.test/3", page(3), {}),
    ]


def documents(items: list[Document | InputError]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def errors(items: list[Document | InputError]) -> list[InputError]:
    return [item for item in items if isinstance(item, InputError)]


@pytest.mark.parametrize("name", ["site.warc", "site.warc.gz"])
def test_pages_are_read_and_other_records_skipped(tmp_path: Path, name: str) -> None:
    path = write_warc(tmp_path / name, site_records())
    items = list(iter_warc(path, max_bytes=MIB))
    assert errors(items) == []
    docs = documents(items)
    assert [d.url for d in docs] == [
        "http://news.test/1",
        "http://news.test/2",
        "http://news.test/feed",
        "http://news.test/3",
    ]
    first = docs[0]
    assert first.path == str(path) and first.text == page(1).decode()
    assert first.http_status == 200 and first.media_type == "text/html"
    assert first.encoding == "utf-8" and first.record_id and first.record_id.startswith("<urn:")
    assert first.fetched_at and first.fetched_at.endswith("Z")
    assert docs[1].http_status is None  # a resource record: no HTTP exchange
    assert docs[2].media_type == "application/rss+xml"


@pytest.mark.parametrize("name", ["site.warc", "site.warc.gz"])
def test_record_offsets_point_at_their_records(tmp_path: Path, name: str) -> None:
    path = write_warc(tmp_path / name, site_records())
    for document in documents(list(iter_warc(path, max_bytes=MIB))):
        assert document.record_offset is not None
        with path.open("rb") as handle:
            handle.seek(document.record_offset)
            record = next(iter(ArchiveIterator(handle)))
            assert record.record_id == document.record_id


def test_cp1251_record_without_charset(tmp_path: Path) -> None:
    body = "<html><body><p>Президент России заявил сегодня о новом законе.</p></body></html>"
    path = write_warc(
        tmp_path / "ru.warc.gz",
        [("response", "http://ru.test/", body.encode("cp1251"), {"type": "text/html"})],
    )
    [document] = list(iter_warc(path, max_bytes=MIB))
    assert isinstance(document, Document)
    assert document.text == body and document.encoding == "cp1251"


def test_truncated_gzip_gives_one_error_after_the_records_before_it(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "full.warc.gz", [("response", f"http://t/{n}", page(n), {}) for n in range(4)]
    )
    offsets = [d.record_offset for d in documents(list(iter_warc(path, max_bytes=MIB)))]
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: offsets[3] + 40])  # inside the last record's gzip member
    items = list(iter_warc(cut, max_bytes=MIB))
    assert [d.url for d in documents(items)] == ["http://t/0", "http://t/1", "http://t/2"]
    [error] = errors(items)
    assert error.source == f"{cut} at offset {offsets[3]}"
    assert "ends inside a record" in error.problem and "records before it were read" in str(error)
    assert isinstance(items[-1], InputError)


def test_truncated_plain_warc(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "full.warc", [("response", f"http://t/{n}", page(n), {}) for n in range(3)]
    )
    cut = tmp_path / "cut.warc"
    cut.write_bytes(path.read_bytes()[:-500])
    items = list(iter_warc(cut, max_bytes=MIB))
    assert [d.url for d in documents(items)] == ["http://t/0", "http://t/1"]
    assert len(errors(items)) == 1 and "ends inside a record" in errors(items)[0].problem


@pytest.mark.parametrize("name", ["bad.warc", "bad.warc.gz"])
def test_corrupt_record_in_the_middle_is_skipped_and_the_rest_read(
    tmp_path: Path, name: str
) -> None:
    path = write_warc(
        tmp_path / name, [("response", f"http://t/{n}", page(n), {}) for n in range(5)]
    )
    offsets = [d.record_offset or 0 for d in documents(list(iter_warc(path, max_bytes=MIB)))]
    data = bytearray(path.read_bytes())
    start = offsets[2] + 12  # past the gzip header, or into the WARC header lines
    data[start : start + 20] = b"\x00garbage\xff" * 2 + b"\x00\x01"
    path.write_bytes(bytes(data))
    items = list(iter_warc(path, max_bytes=MIB))
    assert [d.url for d in documents(items)] == [
        "http://t/0",
        "http://t/1",
        "http://t/3",
        "http://t/4",
    ]
    [error] = errors(items)
    assert error.source == f"{path} at offset {offsets[2]}"
    assert "corrupt record" in error.problem
    assert items.index(error) == 2  # reported where it is


def test_record_over_the_limit_is_one_error(tmp_path: Path) -> None:
    records = [
        ("response", "http://t/small", page(1), {}),
        ("response", "http://t/big", page(2, 50_000), {}),
    ]
    records.append(("response", "http://t/after", page(3), {}))
    path = write_warc(tmp_path / "big.warc.gz", records)
    items = list(iter_warc(path, max_bytes=10_000))
    assert [d.url for d in documents(items)] == ["http://t/small", "http://t/after"]
    [error] = errors(items)
    assert "over the" in error.problem and "limit" in error.problem


def test_empty_and_non_warc_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert "is empty" in str(next(iter_warc(empty, max_bytes=MIB)))
    text = tmp_path / "text.warc"
    text.write_bytes(b"just some text, not a WARC\n" * 10)
    [error] = list(iter_warc(text, max_bytes=MIB))
    assert isinstance(error, InputError) and str(text) in error.source
    missing = list(iter_warc(tmp_path / "missing.warc.gz", max_bytes=MIB))
    assert isinstance(missing[0], InputError)


def test_l3s_gn1_warc_yields_621_pages_with_flat_memory(shared_dir: Path) -> None:
    path = shared_dir / "eval" / "l3s-gn1" / "L3S-GN1-reconstructed.warc.gz"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = 0
    for item in iter_warc(path, max_bytes=10 * MIB):
        assert isinstance(item, Document), str(item)
        count += 1
    growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert count == 621
    assert growth_kib < 64 * 1024  # the file is 10 MB packed; nothing is held on to


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    gz=st.booleans(),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=12)), max_size=4),
    truncate=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_any_damage_gives_documents_or_errors_never_an_exception(
    tmp_path: Path, gz: bool, cuts: list[tuple[int, bytes]], truncate: int | None
) -> None:
    path = tmp_path / ("fuzz.warc.gz" if gz else "fuzz.warc")
    write_warc(path, site_records())
    data = bytearray(path.read_bytes())
    for position, junk in cuts:
        at = position % len(data)
        data[at : at + len(junk)] = junk
    if truncate is not None:
        del data[truncate % len(data) :]
    path.write_bytes(bytes(data))
    items = list(iter_warc(path, max_bytes=MIB))
    assert all(isinstance(item, Document | InputError) for item in items)
    assert len(documents(items)) <= 4


def test_content_encoded_and_chunked_payloads_are_decoded(tmp_path: Path) -> None:
    body = page(7)
    chunked = b"".join(
        f"{len(body[i : i + 1000]):x}\r\n".encode() + body[i : i + 1000] + b"\r\n"
        for i in range(0, len(body), 1000)
    )
    path = tmp_path / "encoded.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, payload, headers in (
            ("http://t/gzip", gzip.compress(body), [("Content-Encoding", "gzip")]),
            ("http://t/chunked", chunked, [("Transfer-Encoding", "chunked")]),
        ):
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=http
            )
            writer.write_record(record)
    docs = list(iter_warc(path, max_bytes=MIB))
    assert [d.text for d in documents(docs)] == [body.decode(), body.decode()]
