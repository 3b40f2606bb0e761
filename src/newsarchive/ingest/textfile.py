"""Read one text file into a ``Document``: checked, sized and decoded, never normalised.

Checks run cheapest first: ``stat`` (missing, not a file, empty, over the size limit)
before any byte is read, then the first bytes (magic numbers of images, archives, PDFs),
and only then the whole file is read and decoded.

Decoding, when no encoding is declared: a byte-order mark (UTF-8/16/32), else strict
UTF-8, else UTF-16 without a BOM (one byte of each pair nearly constant), else
charset-normalizer on a sample. A result that is mostly control characters is binary.
Invariant: ``data.decode(document.encoding) == document.text``.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
from collections import Counter
from pathlib import Path

from charset_normalizer import CharsetMatches, from_bytes

from newsarchive.errors import InputError
from newsarchive.model import Document
from newsarchive.settings import DEFAULT_MAX_BYTES, check_encoding, format_size

_HEAD_BYTES = 64
_SAMPLE_BYTES = 256 * 1024
_MAX_CONTROL_SHARE = 0.02
# C0 controls and DEL, except tab, newline, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_UTF16_32 = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be")
# Tie-breaks for charset-normalizer, most used first.
_PREFERRED = ("cp1252", "cp1251", "koi8-r", "cp1250", "iso8859-2", "cp1253", "cp1254", "cp1256")

BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "pass the text dump, not the image"),
    (b"\xff\xd8\xff", "a JPEG image", "pass the text dump, not the image"),
    (b"GIF8", "a GIF image", "pass the text dump, not the image"),
    (b"\x1f\x8b", "a gzip file", "gunzip it first"),
    (b"BZh", "a bzip2 file", "bunzip2 it first"),
    (b"\xfd7zXZ\x00", "an xz file", "unxz it first"),
    (b"\x28\xb5\x2f\xfd", "a zstd file", "unzstd it first"),
    (b"PK\x03\x04", "a zip archive (or .docx/.xlsx)", "unzip it or save it as plain text first"),
    (b"PK\x05\x06", "an empty zip archive", "pass the text dump instead"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it first"),
    (b"Rar!\x1a\x07", "a RAR archive", "extract it first"),
    (b"%PDF-", "a PDF", "extract its text first (e.g. pdftotext)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old MS Office file", "save it as plain text first"),
    (b"SQLite format 3\x00", "an SQLite database", "pass it with --db to query it"),
    (b"PAR1", "a Parquet file", "pass the text dump it was made from"),
    (b"\x7fELF", "an executable", "pass a text file"),
)


def read_text_file(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Document:
    """Read ``path`` as text; any problem is an ``InputError`` naming the file."""
    name = str(path)
    size = checked_size(Path(path), max_bytes)
    # Ask for what stat saw (plus one byte to notice growth), not for the limit: read(n)
    # reserves n bytes up front.
    data = _read_bytes(Path(path), min(size, max_bytes) + 1)
    if len(data) > size:
        raise InputError(name, "grew while being read", "try again once it is complete")
    if not data:
        raise InputError(name, "is empty", "check the file or leave it out")
    text, used = decode(data, name, declared=encoding)
    digest = hashlib.sha256(data).hexdigest()
    return Document(text=text, sha256=digest, encoding=used, path=name, size=len(data), data=data)


def decode(data: bytes, name: str, *, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` for ``data``; ``name`` only labels errors."""
    reject_known_binary(data, name)
    if declared is not None:
        return _decode_declared(data, name, check_encoding(declared))
    for bom, codec in BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, name, codec), codec
    utf8 = _strict(data, "utf-8")
    if utf8 is not None and not _looks_binary(utf8):
        return utf8, "utf-8"
    # Valid UTF-8 full of control characters is UTF-16 without a BOM, or binary.
    found = _try_utf16_without_bom(data) or (_try_detected(data) if utf8 is None else None)
    if found is None:
        raise InputError(name, "looks like a binary file, not text", "pass a text dump")
    return found


def checked_size(path: Path, max_bytes: int) -> int:
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(name, "does not exist", "check the path") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror})", "check permissions") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, "is a folder", "pass the folder to parse or ingest its files")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(name, "is not a regular file", "save the input to a file first")
    if info.st_size == 0:
        raise InputError(name, "is empty", "check the file or leave it out")
    if info.st_size > max_bytes:
        raise too_big(name, info.st_size, max_bytes)
    return info.st_size


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
            reject_known_binary(head, str(path))
            return head + handle.read(max(0, limit - len(head)))
    except OSError as exc:
        raise InputError(
            str(path), f"cannot be read ({exc.strerror})", "check permissions"
        ) from None


def too_big(name: str, size: int, max_bytes: int) -> InputError:
    return InputError(
        name,
        f"{format_size(size)} is over the {format_size(max_bytes)} limit",
        "split the file or raise --max-bytes",
    )


def reject_known_binary(head: bytes, name: str) -> None:
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            raise InputError(name, f"looks like {kind}, not text", advice)


def _decode_declared(data: bytes, name: str, codec: str) -> tuple[str, str]:
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            name,
            f"is not valid {codec} (byte {exc.start})",
            "drop --encoding to detect it",
        ) from None
    if _looks_binary(text):
        raise InputError(
            name, f"decoded as {codec} is mostly control characters", "drop --encoding to detect it"
        )
    return text, codec


def _decode_with_bom(data: bytes, name: str, codec: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            name,
            f"starts with a {codec} byte-order mark but is not valid {codec} (byte {exc.start})",
            "re-save it as UTF-8 or give --encoding",
        ) from None
    if _looks_binary(text):
        raise InputError(name, "looks like a binary file, not text", "pass a text dump")
    return text


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _try_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text has one byte of each pair nearly constant (0x00 for Latin, 0x04 for
    Cyrillic...): the high byte, odd positions for LE, even for BE."""
    sample = data[: _SAMPLE_BYTES & ~1]
    if len(data) % 2 or len(sample) < 4:
        return None
    for codec, high_bytes in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        common = Counter(high_bytes).most_common(2)
        # Alphabetic scripts and punctuation live below U+3000; CJK would need a real BOM.
        if common[0][0] >= 0x30 or sum(n for _, n in common) < 0.9 * len(high_bytes):
            continue
        text = _strict(data, codec)
        if text is not None and not _looks_binary(text):
            return text, codec
    return None


def _try_detected(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer on a sample (never the whole of a big file), then a strict decode."""
    if data.count(0, 0, _SAMPLE_BYTES) > 0:
        return None  # NULs outside UTF-16/32 mean binary
    sample = data[:_SAMPLE_BYTES]
    if len(data) > _SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a multi-byte character
    codec = best_codec(from_bytes(sample, cp_exclusion=list(_UTF16_32)))
    if codec is None:
        return None
    text = _strict(data, codec)
    return None if not text or _looks_binary(text) else (text, codec)


def best_codec(matches: CharsetMatches) -> str | None:
    """charset-normalizer's pick, except that among equally good candidates the common
    code pages win (it scores Latin-1 French the same as cp1250 and may pick cp1250)."""
    best = matches.best()
    if best is None:
        return None
    tied = {
        codecs.lookup(alias).name
        for m in matches
        if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01
        for alias in m.could_be_from_charset  # code pages that give the very same text
    }
    preferred = [codec for codec in _PREFERRED if codec in tied]
    return preferred[0] if preferred else codecs.lookup(best.encoding).name


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE_BYTES]
    return len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * max(len(sample), 1)
