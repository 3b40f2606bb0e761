"""Read web pages out of WARC files (plain or gzipped), streamed: memory stays flat at any size.

FastWARC parses; this module adds what it leaves out. FastWARC stops silently at a
truncated file, so a record is handed on only once the next one has been parsed, and at
the end the last record is checked against the file's bytes. A corrupt record raises in
FastWARC; reading then resumes at the next record start found in the file (a gzip member
or a ``WARC/1.x`` line), and the corrupt stretch is reported once, with its offset.

Kept: ``response`` records with HTTP 200 and ``resource`` records, of an HTML, feed or XML
type. Request, metadata, warcinfo, revisit and conversion records are skipped, as are
redirects, errors and images: they are not pages to read.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from newsarchive.errors import InputError
from newsarchive.ingest.decode import make_document, split_content_type
from newsarchive.model import Document
from newsarchive.settings import format_size

WEB_MEDIA_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CHUNK = 1 << 20
_MAX_HEADER = 64 * 1024
_ADVICE_TRUNCATED = "re-download or re-copy the file; the records before it were read"
_ADVICE_CORRUPT = "the records around it were read; re-download the file to recover it"

Item = Document | InputError


def iter_warc(path: Path, *, max_bytes: int) -> Iterator[Item]:
    """The pages in a WARC file as ``Document`` items; problems as ``InputError`` items."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror})", "check the path")
        return
    with handle:
        yield from WarcFile(path, handle, max_bytes).items()


class WarcFile:
    """One open WARC file read record by record (``items``); ``newsarchive batch`` also
    reads it from given record offsets."""

    def __init__(self, path: Path, handle: BinaryIO, max_bytes: int) -> None:
        self.name = str(path)
        self.handle = handle
        self.fd = handle.fileno()
        self.size = os.fstat(self.fd).st_size
        self.gzipped = os.pread(self.fd, 3, 0) == _GZIP_MAGIC
        self.max_bytes = max_bytes

    def items(self) -> Iterator[Item]:
        if self.size == 0:
            yield InputError(self.name, "is empty", "check the file or leave it out")
            return
        start: int | None = 0
        resumed = False
        while start is not None:
            start = yield from self._segment(start, resumed)
            resumed = True

    def _segment(self, start: int, resumed: bool) -> Generator[Item, None, int | None]:
        """Read records from ``start`` until the end or a failure; return where to resume."""
        self.handle.seek(start)
        records = ArchiveIterator(self.handle, auto_decode="all")
        last: int | None = None
        pending: Item | None = None
        try:
            for record in records:
                if pending is not None:
                    yield pending
                last = record.stream_pos
                pending = self._item(record)
        except OSError as exc:
            return (yield from self._after_failure(start, last, pending, str(exc), resumed))
        if last is None:
            if not resumed:
                yield InputError(self.name, "holds no WARC records", "pass a .warc or .warc.gz")
            return None
        broken = self._tail_problem(last)
        if pending is not None and (broken is None or broken[0] != last):
            yield pending
        if broken is not None:
            yield self._error(broken[0], broken[1], _ADVICE_TRUNCATED)
        return None

    def _after_failure(
        self, start: int, last: int | None, pending: Item | None, problem: str, resumed: bool
    ) -> Generator[Item, None, int | None]:
        if last is None:  # the record at ``start`` itself
            if not resumed:
                yield self._error(start, f"has a corrupt record ({problem})", _ADVICE_CORRUPT)
            return self._next_record_start(start + 1)
        end = self._record_end(last)
        if end is None:  # the last record parsed is the broken one
            yield self._error(last, f"has a corrupt record ({problem})", _ADVICE_CORRUPT)
            return self._next_record_start(last + 1)
        if pending is not None:
            yield pending
        yield self._error(end, f"has a corrupt record ({problem})", _ADVICE_CORRUPT)
        return self._next_record_start(end + 1)

    def _item(self, record: WarcRecord) -> Item | None:
        if not record.record_id or "WARC-Type" not in record.headers:
            problem = "has a corrupt record (no WARC-Type or WARC-Record-ID in its header)"
            return self._error(record.stream_pos, problem, _ADVICE_CORRUPT)
        media_type, charset, status = self._media(record)
        if media_type not in WEB_MEDIA_TYPES:
            return None
        offset = record.stream_pos
        if record.content_length > self.max_bytes:
            return self.too_big(offset, record.content_length)
        try:
            data = record.reader.read(self.max_bytes + 1)
        except OSError as exc:
            return self._error(offset, f"has a record that cannot be read ({exc})", _ADVICE_CORRUPT)
        if len(data) > self.max_bytes:
            return self.too_big(offset, len(data))
        return make_document(
            data,
            url=record.headers.get("WARC-Target-URI"),
            path=self.name,
            media_type=media_type,
            declared_charset=charset,
            record_id=record.record_id,
            record_offset=offset if self._starts_record(offset) else None,
            fetched_at=record.headers.get("WARC-Date"),
            http_status=status,
        )

    @staticmethod
    def _media(record: WarcRecord) -> tuple[str | None, str | None, int | None]:
        """``(media type, charset, HTTP status)`` of a page record; a media type of None
        for anything that is not a page (other record types, non-200 responses)."""
        if record.record_type == WarcRecordType.resource:
            kind, charset = split_content_type(record.headers.get("Content-Type"))
            return kind, charset, None
        if record.record_type != WarcRecordType.response or not record.is_http_parsed:
            return None, None, None
        status = record.http_headers.status_code
        if status != 200:
            return None, None, status
        kind, charset = split_content_type(record.http_headers.get("Content-Type"))
        return kind, charset, status

    def _starts_record(self, offset: int) -> bool:
        """Whether a reader can seek to ``offset`` and read the record there (not so inside a
        WARC gzipped as one stream, where FastWARC reports the buffer's position)."""
        head = os.pread(self.fd, 8, offset)
        return head.startswith(_GZIP_MAGIC) if self.gzipped else head.startswith(b"WARC/")

    def _record_end(self, offset: int) -> int | None:
        """The offset just past the record at ``offset``; None if it is incomplete or unknown."""
        if not self._starts_record(offset):
            return None
        return self._member_end(offset) if self.gzipped else self._plain_end(offset)

    def _member_end(self, offset: int) -> int | None:
        inflater = zlib.decompressobj(wbits=31)
        position = offset
        try:
            while not inflater.eof:
                chunk = os.pread(self.fd, _CHUNK, position)
                if not chunk:
                    return None
                position += len(chunk)
                inflater.decompress(chunk, _CHUNK)
                while inflater.unconsumed_tail and not inflater.eof:  # output is discarded
                    inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        except zlib.error:
            return None
        return position - len(inflater.unused_data)

    def _plain_end(self, offset: int) -> int | None:
        head = os.pread(self.fd, _MAX_HEADER, offset)
        header_end = head.find(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head, 0, max(header_end, 0))
        if header_end < 0 or length is None:
            return None
        end = offset + header_end + 4 + int(length.group(1))
        return min(end + 4, self.size) if end <= self.size else None

    def _tail_problem(self, last: int) -> tuple[int, str] | None:
        """Where and why the file does not end cleanly from the record at ``last`` on."""
        if self.gzipped:
            start = last if self._starts_record(last) else 0
            while start < self.size:
                end = self._member_end(start)
                if end is None:
                    problem = "the file ends inside a record (or its gzip data is damaged)"
                    return max(start, last), problem
                start = end
                if not os.pread(self.fd, 3, start).startswith(_GZIP_MAGIC[:1]):
                    break  # trailing padding
            return None
        if self._record_end(last) is None:
            return last, "the file ends inside a record"
        return None

    def _next_record_start(self, position: int) -> int | None:
        """The first record start at or after ``position``, scanning the raw bytes."""
        overlap = 16
        while position < self.size:
            chunk = os.pread(self.fd, _CHUNK + overlap, position)
            if self.gzipped:
                found = chunk.find(_GZIP_MAGIC)
            else:
                match = _WARC_LINE.search(chunk)
                found = match.start() if match else -1
            if found >= 0:
                return position + found
            position += _CHUNK
        return None

    def _error(self, offset: int, problem: str, advice: str) -> InputError:
        return InputError(f"{self.name} at offset {offset}", problem, advice)

    def too_big(self, offset: int, size: int) -> InputError:
        return self._error(
            offset,
            f"has a record of {format_size(size)}, over the {format_size(self.max_bytes)} limit",
            "raise --max-bytes to read it; the other records were read",
        )
