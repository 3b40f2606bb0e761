"""Build small category-archive documents with correct spans, for store tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsarchive.model import Article, Caption, Document, SourceRef, make_article_id


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
