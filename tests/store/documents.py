"""Build small category-archive documents with correct spans, for store tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from newsarchive.model import Article, Caption, Document, SourceRef, make_article_id, url_key


@dataclass(frozen=True)
class Draft:
    """An article to place in a document; ``key`` (default: the summary) gives its id."""

    summary: str
    paragraphs: tuple[str, ...]
    categories: tuple[str, ...] = ("world",)
    published: str | None = None
    title: str | None = None
    captions: tuple[Caption, ...] = ()
    key: str | None = None

    @property
    def id(self) -> str:
        return make_article_id(self.key or self.summary)


def build_document(
    drafts: list[Draft], *, path: str = "archive.txt", encoding: str = "utf-8"
) -> tuple[Document, list[Article]]:
    """Render drafts as one dump; each article's source span points at its own text."""
    text = "Category Archive : Test\n\n"
    spans = []
    for draft in drafts:
        block = "\n\n".join((draft.title or draft.summary, *draft.paragraphs))
        spans.append((len(text), len(text) + len(block)))
        text += block + "\n\n\n"
    data = text.encode(encoding)
    sha = hashlib.sha256(data).hexdigest()
    document = Document(text, sha, encoding, path=path, size=len(data))
    articles = [
        Article(
            id=draft.id,
            title=draft.title,
            summary=draft.summary,
            paragraphs=draft.paragraphs,
            source=SourceRef(sha, start, end, path=path, encoding=encoding),
            captions=draft.captions,
            categories=draft.categories,
            published=draft.published,
            raw=text[start:end],
        )
        for draft, (start, end) in zip(drafts, spans, strict=True)
    ]
    return document, articles


FETCHED_AT = "2026-03-02T08:15:00+00:00"


def html_page(
    url: str,
    title: str,
    paragraphs: tuple[str, ...],
    *,
    teaser: bool = False,
    warc: str | None = None,
    record_offset: int | None = None,
    html: str | None = None,
    **fields: object,
) -> tuple[Document, Article]:
    """A fetched (or WARC-archived) HTML page and the article read from it, as the web
    readers would give them: the id derives from the canonical URL, the span is the page,
    provenance is on the document and its SourceRef. ``fields`` are other Article fields."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    text = (
        html
        or f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    )
    data = text.encode("utf-8")
    document = Document(
        text,
        hashlib.sha256(data).hexdigest(),
        "utf-8",
        path=warc,
        url=url,
        size=len(data),
        data=data,
        media_type="text/html",
        record_id=f"<urn:uuid:{hashlib.md5(data).hexdigest()}>" if warc else None,
        record_offset=record_offset,
        fetched_at=FETCHED_AT,
        http_status=200,
    )
    article = Article(
        id=make_article_id(url_key(url)),
        title=title,
        summary=None,
        paragraphs=paragraphs,
        source=document.source_ref(),
        raw=text,
        url=url,
        teaser=teaser,
    )
    return document, replace(article, **fields)
