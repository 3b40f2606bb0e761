"""Decode web pages (HTML, feeds, sitemaps) and wrap raw bytes from the web into a ``Document``.

The order: a byte-order mark; then strict UTF-8 (bytes that are valid UTF-8 are UTF-8,
whatever a page declares: sites that moved to UTF-8 often kept an old ``windows-1256`` meta
tag, and a legacy text that happens to be valid UTF-8 does not occur in practice); then the
charset the HTTP header declared, then ``<meta charset>`` (or the XML declaration) in the
first 2 KB, as browsers do; then charset-normalizer on the page's text (markup stripped, so
the detector sees words, not tags). A declared charset the bytes contradict is passed over.
Decoding never fails: the last resort replaces bad bytes and says so in the encoding
(``"utf-8 (replaced)"``).

Text dumps (``text/plain``) keep the stricter reading of ``ingest/textfile.py``.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from charset_normalizer import from_bytes

from newsarchive.ingest.textfile import BOMS, best_codec
from newsarchive.ingest.textfile import decode as decode_text
from newsarchive.model import Document

_HEAD_BYTES = 2048
_SAMPLE_BYTES = 256 * 1024
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_TAG_OR_SCRIPT = re.compile(
    rb"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
# WHATWG: these labels mean windows-1252 on the web; UTF-16 in a meta tag is a lie (the
# bytes it was read from are ASCII-compatible).
_WEB_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` of a web page; never raises (see the module's notes)."""
    for bom, bom_codec in BOMS:
        if data.startswith(bom):
            return _decode_or_replace(data, bom_codec)
    sniffed = _sniff_declared(data[:_HEAD_BYTES])
    for codec in _candidates(data, _codec(declared), _codec(sniffed)):
        text = _strict(data, codec)
        if text is not None:
            return text, codec
    fallback = _codec(declared) or _codec(sniffed) or "utf-8"
    return data.decode(fallback, errors="replace"), f"{fallback} (replaced)"


def make_document(
    data: bytes,
    *,
    url: str | None,
    path: str | None,
    media_type: str | None,
    declared_charset: str | None,
    record_id: str | None = None,
    record_offset: int | None = None,
    fetched_at: str | None = None,
    http_status: int | None = None,
) -> Document:
    """A ``Document`` for bytes read from the web or a web file (sha256 and size of ``data``).

    ``text/plain`` is read as a text dump and may raise ``InputError`` (binary, wrong
    declared encoding); anything else decodes as a web page and never raises.
    """
    if media_type == "text/plain":
        label = url or path or "input"
        text, encoding = decode_text(data, label, declared=_codec(declared_charset))
    else:
        text, encoding = decode_html(data, declared_charset)
    return Document(
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        path=path,
        url=url,
        size=len(data),
        data=data,
        media_type=media_type,
        record_id=record_id,
        record_offset=record_offset,
        fetched_at=fetched_at,
        http_status=http_status,
    )


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "UTF-8")``; parts may be missing."""
    if not value:
        return None, None
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'") or None
    return (kind.strip().lower() or None), charset


def utc_now() -> str:
    """Now, ISO 8601 in UTC to the second: what ``fetched_at`` holds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _candidates(data: bytes, declared: str | None, sniffed: str | None) -> Iterator[str]:
    """Codecs to try in turn; the detector runs only when the cheaper ones failed."""
    yield from (codec for codec in ("utf-8", declared, sniffed) if codec)
    detected = _detect(data)
    if detected:
        yield detected


def _sniff_declared(head: bytes) -> str | None:
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return found.group(1).decode("ascii") if found else None


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, web aliases applied; unknown labels are None."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_or_replace(data: bytes, codec: str) -> tuple[str, str]:
    text = _strict(data, codec)
    if text is not None:
        return text, codec
    return data.decode(codec, errors="replace"), f"{codec} (replaced)"


def _detect(data: bytes) -> str | None:
    """charset-normalizer on the page's words: tags, scripts and styles are stripped first."""
    sample = _TAG_OR_SCRIPT.sub(b" ", data[:_SAMPLE_BYTES])
    if not sample.strip():
        return None
    return best_codec(from_bytes(sample, cp_exclusion=["utf_16", "utf_32", "utf_16_le"]))
