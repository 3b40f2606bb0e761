"""Turn command-line arguments (URLs, files, folders, globs) into documents, lazily.

By what each argument is: an http(s) URL is fetched; a ``.warc`` / ``.warc.gz`` (or any
file whose bytes start a WARC record) is read record by record; another ``.gz`` is
gunzipped and then treated by its inner name or first bytes; ``.html``, ``.htm``,
``.xml``, ``.rss``, ``.atom`` and any file that starts like markup become a web document
(its media type from the extension, when that tells); anything else is a text dump.

What a web document *is* (an article or a listing, a feed or a sitemap) is decided later,
by the readers; here the media type is set only from the extension or the HTTP header.
Every problem is an ``InputError`` item, and the remaining arguments are still read.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from newsarchive.errors import InputError
from newsarchive.ingest.decode import make_document
from newsarchive.ingest.fetch import Fetched, Fetcher, FetchOptions
from newsarchive.ingest.paths import iter_input_paths
from newsarchive.ingest.textfile import (
    checked_size,
    read_text_file,
    reject_known_binary,
    too_big,
)
from newsarchive.ingest.warc import iter_warc
from newsarchive.model import Document

Item = Document | InputError

_MEDIA_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}
_WARC_START = re.compile(rb"^WARC/1\.[01]\r?\n")
_MARKUP_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|head|\?xml|rss|feed|urlset|sitemapindex|rdf:rdf)\b",
    re.IGNORECASE,
)
_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_SNIFF_BYTES = 1024


def iter_documents(
    arguments: Iterable[str],
    *,
    max_bytes: int,
    encoding: str | None,
    allow_private: bool = False,
    fetch_options: FetchOptions | None = None,
) -> Iterator[Item]:
    """Every document the arguments name, in order; problems as ``InputError`` items.

    ``max_bytes`` limits each file and WARC record, and each response unless
    ``fetch_options`` set their own limit; ``encoding``
    (``--encoding``) is used for text dumps and as the declared charset of HTML files.
    """
    fetcher: Fetcher | None = None
    try:
        for argument in arguments:
            if is_url(argument):
                if fetcher is None:
                    fetcher = Fetcher(_options(fetch_options, max_bytes, allow_private))
                yield _fetch(fetcher, argument)
                continue
            for path in iter_input_paths([argument]):
                if isinstance(path, InputError):
                    yield path
                else:
                    yield from read_path(path, max_bytes=max_bytes, encoding=encoding)
    finally:
        if fetcher is not None:
            fetcher.close()


def is_url(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


def read_path(path: Path, *, max_bytes: int, encoding: str | None) -> Iterator[Item]:
    """The documents in one file, chosen by its name, then by its first bytes."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        yield from iter_warc(path, max_bytes=max_bytes)
    elif name.endswith((".arc", ".arc.gz")):
        yield InputError(str(path), "is an ARC file", "convert it to WARC first (warcio, jwarc)")
    elif name.endswith(".gz"):
        yield from _read_gzip(path, max_bytes=max_bytes, encoding=encoding)
    elif _WARC_START.match(_head(path)):
        yield from iter_warc(path, max_bytes=max_bytes)
    else:
        yield _read_plain(path, max_bytes=max_bytes, encoding=encoding)


def media_type_for(name: str) -> str | None:
    """The media type an extension tells (``page.html`` -> ``text/html``), if it does."""
    return _MEDIA_TYPES.get(Path(name.lower()).suffix)


def _read_plain(path: Path, *, max_bytes: int, encoding: str | None) -> Item:
    try:
        media_type = media_type_for(path.name)
        head = _head(path)
        if media_type is None and not _MARKUP_START.match(head):
            return read_text_file(path, max_bytes=max_bytes, encoding=encoding)
        reject_known_binary(head, str(path))
        checked_size(path, max_bytes)
        data = path.read_bytes()
    except InputError as exc:
        return exc
    except OSError as exc:
        return InputError(str(path), f"cannot be read ({exc.strerror})", "check permissions")
    return _web_document(data, str(path), media_type, encoding)


def _read_gzip(path: Path, *, max_bytes: int, encoding: str | None) -> Iterator[Item]:
    name = str(path)
    try:
        checked_size(path, max_bytes)
        with gzip.open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except InputError as exc:
        yield exc
        return
    except EOFError:
        yield InputError(name, "is a truncated gzip file", "re-download or re-copy it")
        return
    except (gzip.BadGzipFile, zlib.error) as exc:
        yield InputError(name, f"is not a valid gzip file ({exc})", "check the file")
        return
    except OSError as exc:
        yield InputError(name, f"cannot be read ({exc.strerror})", "check permissions")
        return
    if len(data) > max_bytes:
        yield too_big(f"{name} (unpacked)", len(data), max_bytes)
    elif _WARC_START.match(data):
        yield from iter_warc(path, max_bytes=max_bytes)
    else:
        yield _gunzipped_document(data, name, path.name[:-3], encoding)


def _gunzipped_document(data: bytes, name: str, inner: str, encoding: str | None) -> Item:
    media_type = media_type_for(inner)
    if media_type is not None or _MARKUP_START.match(data[:_SNIFF_BYTES]):
        return _web_document(data, name, media_type, encoding)
    if not data:
        return InputError(name, "is empty once unpacked", "check the file or leave it out")
    try:
        return make_document(
            data, url=None, path=name, media_type="text/plain", declared_charset=encoding
        )
    except InputError as exc:
        return exc


def _web_document(data: bytes, name: str, media_type: str | None, encoding: str | None) -> Item:
    if media_type is None:
        media_type = "text/html" if _HTML_HINT.search(data[:_SNIFF_BYTES]) else "application/xml"
    if not data.strip():
        return InputError(name, "is empty", "check the file or leave it out")
    return make_document(
        data, url=None, path=name, media_type=media_type, declared_charset=encoding
    )


def _fetch(fetcher: Fetcher, url: str) -> Item:
    try:
        result = fetcher.fetch(url)
    except InputError as exc:
        return exc
    if isinstance(result, Fetched):
        return result.document
    return InputError(url, "was not modified", "fetch it without a known state")


def _head(path: Path) -> bytes:
    """The first bytes, or none if the file cannot be read (the reader then says why)."""
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""


def _options(options: FetchOptions | None, max_bytes: int, allow_private: bool) -> FetchOptions:
    """``options`` as given (with their own response limit), else defaults with ``max_bytes``;
    private addresses are allowed when either says so."""
    if options is None:
        return FetchOptions(max_bytes=max_bytes, allow_private=allow_private)
    return replace(options, allow_private=allow_private or options.allow_private)
