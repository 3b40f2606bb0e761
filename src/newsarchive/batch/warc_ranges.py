"""A big WARC file cut into byte ranges of whole records, so it is read by many tasks.

``record_starts`` makes one light pass over the file (FastWARC without HTTP parsing or
payload reading) and returns where each record starts, or None when the file cannot be
cut safely: one gzip stream around all records (a record start is then not a place a
reader can seek to), a corrupt record, or a file that ends inside a record. Such a file
is read whole, by ``ingest.warc.iter_warc``, with its resynchronisation and its error
reports. ``iter_warc_range`` reads the records starting in ``[start, stop)`` with the
same per-record rules as ``iter_warc`` (the same kept types, limits and provenance), so
the ranges of a sound file give exactly the documents ``iter_warc`` gives, in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastwarc.warc import ArchiveIterator

from newsarchive.errors import InputError
from newsarchive.ingest.warc import WarcFile
from newsarchive.model import Document

Item = Document | InputError
_ADVICE = "the records around it were read; re-download the file to recover it"


def record_starts(path: Path) -> list[int] | None:
    """The offset of every record of a sound, seekable WARC file, in file order; None
    when the file must be read whole (see the module's docstring)."""
    try:
        with path.open("rb") as handle:
            warc = WarcFile(path, handle, max_bytes=0)
            starts = [record.stream_pos for record in ArchiveIterator(handle, parse_http=False)]
            if not starts or any(not warc._starts_record(s) for s in starts):
                return None
            if warc._tail_problem(starts[-1]) is not None:
                return None
    except OSError:  # unreadable, or a corrupt record FastWARC gave up on
        return None
    return starts


def cut_ranges(starts: list[int], size: int, target_bytes: int) -> list[tuple[int, int]]:
    """``[start, stop)`` byte ranges of about ``target_bytes``, each beginning at a record
    start and holding at least one record; together they cover ``[0, size)``."""
    ranges: list[tuple[int, int]] = []
    begin = 0
    for offset in starts[1:]:
        if offset - begin >= target_bytes:
            ranges.append((begin, offset))
            begin = offset
    ranges.append((begin, size))
    return ranges


def iter_warc_range(path: Path, start: int, stop: int, *, max_bytes: int) -> Iterator[Item]:
    """The pages among the records starting in ``[start, stop)`` of a file that
    ``record_starts`` found sound, as ``iter_warc`` gives them."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot be read ({exc.strerror})", "check the path")
        return
    with handle:
        warc = WarcFile(path, handle, max_bytes)
        handle.seek(start)
        position = start
        try:
            for record in ArchiveIterator(handle, auto_decode="all"):
                position = record.stream_pos
                if position >= stop:
                    break
                item = warc._item(record)
                if item is not None:
                    yield item
        except OSError as exc:  # the light pass found it sound; the full parse did not
            yield warc._error(position, f"has a corrupt record ({exc})", _ADVICE)
