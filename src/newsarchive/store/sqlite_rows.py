"""How an Article becomes a row of the SQLite store, and back.

The searchable text lives in plain columns (the FTS5 index reads them); everything
else goes in one compact JSON column. A field that can be derived again (paragraphs
from the body, the source ref from the source row, ``raw`` from the source text) is
only written out when deriving would not give it back exactly.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from newsarchive.model import Article, Caption, Document, RelatedLink, SourceRef

CHUNK_CHARS = 65_536
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """The columns the store writes for one article's current text."""

    title: str | None
    summary: str | None
    body: str
    captions: str
    published: str | None
    extra: str


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What the store knows of an input, enough to rebuild a SourceRef."""

    sha256: str
    path: str | None
    url: str | None
    encoding: str
    # web provenance (v4): the WARC record or the HTTP fetch
    record_id: str | None = None
    record_offset: int | None = None
    fetched_at: str | None = None
    http_status: int | None = None


def source_row(document: Document) -> SourceRow:
    return SourceRow(
        document.sha256,
        document.path,
        document.url,
        document.encoding,
        document.record_id,
        document.record_offset,
        document.fetched_at,
        document.http_status,
    )


def split_body(body: str) -> tuple[str, ...]:
    return tuple(body.split(PARAGRAPH_SEPARATOR)) if body else ()


def captions_text(captions: tuple[Caption, ...]) -> str:
    return "\n".join(f"{c.text}\n{c.credit}" if c.credit else c.text for c in captions)


def searchable_extras(article: Article) -> str:
    """What the ``captions`` column indexes: caption texts and credits, then the tags (so
    a tag is found by search without a fifth FTS column and a rebuilt index)."""
    text = captions_text(article.captions)
    if article.tags:
        text = "\n".join([text, *article.tags]) if text else "\n".join(article.tags)
    return text


def article_row(article: Article, source: SourceRow, raw: str | None) -> ArticleRow:
    """``raw`` is the span of the source text, or None when it cannot be derived.

    Fields of pages read from the web are written only when set, so a dump article's row
    is what it was before they existed (and costs the same to build).
    """
    extra: dict[str, Any] = {}
    if article.captions:
        extra["c"] = [_caption_cell(c) for c in article.captions]
    if article.related:
        extra["r"] = [[r.title, r.url, r.image_caption, r.image_credit] for r in article.related]
    if article.authors:
        extra["a"] = list(article.authors)
    if article.dateline is not None:
        extra["d"] = article.dateline
    if split_body(article.body) != article.paragraphs:
        extra["p"] = list(article.paragraphs)
    derived = source_ref(source, article.source.start, article.source.end)
    if article.source != derived:
        extra["s"] = _source_cell(article.source)
    if raw is None or article.raw != raw:
        extra["raw"] = article.raw
    _web_fields(article, extra)
    return ArticleRow(
        title=article.title,
        summary=article.summary,
        body=article.body,
        captions=searchable_extras(article),
        published=article.published,
        extra=json.dumps(extra, ensure_ascii=False, separators=(",", ":")),
    )


def _caption_cell(caption: Caption) -> list[str | None]:
    cell = [caption.text, caption.credit]
    return cell if caption.image_url is None else [*cell, caption.image_url]


def _source_cell(src: SourceRef) -> list[object]:
    cell: list[object] = [src.sha256, src.path, src.url, src.encoding]
    web = [src.record_id, src.record_offset, src.fetched_at, src.http_status]
    return cell + web if any(value is not None for value in web) else cell


def _web_fields(article: Article, extra: dict[str, Any]) -> None:
    if article.url is not None:
        extra["u"] = article.url
    if article.updated is not None:
        extra["up"] = article.updated
    if article.language is not None:
        extra["l"] = article.language
    if article.tags:
        extra["g"] = list(article.tags)
    if article.teaser:
        extra["t"] = 1


def source_ref(source: SourceRow, start: int, end: int) -> SourceRef:
    return SourceRef(
        source.sha256,
        start,
        end,
        source.path,
        source.url,
        source.encoding,
        source.record_id,
        source.record_offset,
        source.fetched_at,
        source.http_status,
    )


def caption_from_cell(cell: list[str | None]) -> Caption:
    """A caption as stored in ``extra["c"]``: [text, credit] or [text, credit, image_url]."""
    return Caption(str(cell[0]), *cell[1:3])


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article row as read back; ``raw`` is None when it must come from the source."""

    article: Article
    raw_stored: bool


def article_from_row(
    article_id: str,
    row: ArticleRow,
    categories: tuple[str, ...],
    source: SourceRow,
    span: tuple[int, int],
) -> StoredArticle:
    extra: dict[str, Any] = json.loads(row.extra)
    paragraphs = tuple(extra["p"]) if "p" in extra else split_body(row.body)
    if "s" in extra:
        sha, path, url, encoding, *web = extra["s"]
        ref = SourceRef(sha, span[0], span[1], path, url, encoding, *web)
    else:
        ref = source_ref(source, *span)
    article = Article(
        id=article_id,
        title=row.title,
        summary=row.summary,
        paragraphs=paragraphs,
        source=ref,
        captions=tuple(caption_from_cell(cell) for cell in extra.get("c", ())),
        related=tuple(RelatedLink(*link) for link in extra.get("r", ())),
        categories=categories,
        authors=tuple(extra.get("a", ())),
        published=row.published,
        dateline=extra.get("d"),
        raw=extra.get("raw", ""),
        url=extra.get("u"),
        updated=extra.get("up"),
        language=extra.get("l"),
        tags=tuple(extra.get("g", ())),
        teaser=bool(extra.get("t", 0)),
    )
    return StoredArticle(article, "raw" in extra)


def pack_json(data: dict[str, Any]) -> bytes:
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return zlib.compress(blob, 6)


def unpack_json(blob: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(zlib.decompress(blob))
    return data


@dataclass(frozen=True, slots=True)
class EncodedSource:
    """A document's text cut into compressed chunks, in the codec that re-creates its bytes."""

    codec: str
    exact: bool  # the chunks (or ``original``) give back bytes with the input's sha256
    chunks: tuple[tuple[int, bytes], ...]  # (character offset, zlib of the chunk's bytes)
    original: bytes | None  # zlib of Document.data, only when the chunks are not exact


def encode_source(document: Document) -> EncodedSource:
    """Cut the text into chunks so that one article's span is read without the whole file.

    Each chunk is encoded with the input's own encoding (an incremental encoder, so a
    BOM is written once), so joining the chunks gives the input's bytes back; the
    sha256 check says whether they are exactly those bytes. When they are not (a reader
    replaced undecodable bytes) the input's own bytes, if the reader passed them in
    ``Document.data``, are kept as well. Text the input's encoding cannot hold is kept
    as UTF-8 instead.
    """
    try:
        codec = f"{document.encoding}:surrogateescape"
        chunks = _encode_chunks(document.text, codec)
    except (LookupError, UnicodeEncodeError):
        codec = "utf-8:surrogatepass"
        chunks = _encode_chunks(document.text, codec)
    digest = hashlib.sha256(b"".join(data for _, data in chunks)).hexdigest()
    packed = tuple((start, zlib.compress(data, 1)) for start, data in chunks)
    if digest == document.sha256:
        return EncodedSource(codec, True, packed, None)
    if document.data:
        exact = hashlib.sha256(document.data).hexdigest() == document.sha256
        return EncodedSource(codec, exact, packed, zlib.compress(document.data, 6))
    return EncodedSource(codec, False, packed, None)


def _encode_chunks(text: str, codec: str) -> list[tuple[int, bytes]]:
    encoding, _, errors = codec.partition(":")
    encoder = codecs.getincrementalencoder(encoding)(errors)
    out = []
    for start in range(0, max(len(text), 1), CHUNK_CHARS):
        out.append((start, encoder.encode(text[start : start + CHUNK_CHARS])))
    out[-1] = (out[-1][0], out[-1][1] + encoder.encode("", final=True))
    return out


def decode_chunks(chunks: list[bytes], codec: str, *, at_start: bool) -> str:
    """Decode consecutive chunks back to text; ``at_start`` when the first is chunk 0.

    A later chunk has no BOM (the incremental encoder wrote it once), so the decoder is
    first given the BOM a fresh encoder writes (nothing, for most encodings).
    """
    encoding, _, errors = codec.partition(":")
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    if not at_start:
        decoder.decode(codecs.getincrementalencoder(encoding)(errors).encode(""))
    text = "".join(decoder.decode(zlib.decompress(chunk)) for chunk in chunks)
    return text + decoder.decode(b"", final=True)
