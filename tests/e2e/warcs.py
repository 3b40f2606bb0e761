"""WARC files of the test site's pages, written at test time with warcio, as a crawler
(Heritrix, wget --warc-file, Common Crawl) would have recorded them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_DATE = "2026-03-10T12:00:00Z"


@dataclass(frozen=True, slots=True)
class Page:
    """A page to record: where it was fetched from, and the bytes the server sent."""

    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Recorded:
    """A response record as written: its id and the byte offset where it starts."""

    url: str
    record_id: str
    offset: int
    length: int


def write_warc(path: Path, pages: list[Page], *, gzip: bool = True) -> list[Recorded]:
    """A WARC with a warcinfo record, then for each page a request and a response record,
    and a metadata record at the end. Returns the response records."""
    recorded: list[Recorded] = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(
            writer.create_warcinfo_record(
                path.name, {"software": "newsarchive tests", "format": "WARC File Format 1.0"}
            )
        )
        for page in pages:
            writer.write_record(_request(writer, page.url))
            response = _response(writer, page)
            offset = out.tell()
            writer.write_record(response)
            recorded.append(
                Recorded(
                    url=page.url,
                    record_id=response.rec_headers.get_header("WARC-Record-ID"),
                    offset=offset,
                    length=out.tell() - offset,
                )
            )
        metadata = writer.create_warc_record(
            pages[-1].url if pages else "urn:test",
            "metadata",
            payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
            warc_content_type="application/warc-fields",
        )
        writer.write_record(metadata)
    return recorded


def _request(writer: WARCWriter, url: str) -> ArcWarcRecord:
    path = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    host = url.split("/")[2]
    http = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [("Host", host), ("User-Agent", "wget/1.21 (test)"), ("Accept", "*/*")],
        is_http_request=True,
    )
    return writer.create_warc_record(
        url, "request", http_headers=http, warc_headers_dict={"WARC-Date": WARC_DATE}
    )


def _response(writer: WARCWriter, page: Page) -> ArcWarcRecord:
    http = StatusAndHeaders(
        "200 OK",
        [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))],
        protocol="HTTP/1.1",
    )
    return writer.create_warc_record(
        page.url,
        "response",
        payload=io.BytesIO(page.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": WARC_DATE},
    )
