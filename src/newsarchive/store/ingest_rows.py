"""What both stores' ingest prepares before it writes: the article rows of an input, each
id of a page once, and what is known of an article already in the archive.

Pure (no connection), so ``prepare_rows`` can run on a store's worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from newsarchive.model import Article
from newsarchive.store.base import Outcome
from newsarchive.store.sqlite_rows import ArticleRow, SourceRow, article_row


@dataclass(slots=True)
class Existing:
    """What add_document needs to know about an article already in the archive."""

    num: int
    content_hash: str | None  # None until the id is seen again (see _merge)
    revision: int
    category_ids: list[int]
    published: str | None


@dataclass(frozen=True, slots=True)
class InputSource:
    """The input being ingested: its row's id, what the row holds, its text."""

    id: int
    row: SourceRow
    text: str
    is_new: bool


def first_of_each_id(bottom_up: Iterator[Article], outcomes: list[Outcome]) -> Iterator[Article]:
    """The articles of a page read bottom-up, each id once: the topmost wins."""
    articles = list(bottom_up)
    last_index = {article.id: n for n, article in enumerate(articles)}
    for n, article in enumerate(articles):
        if last_index[article.id] == n:
            yield article
        else:
            outcomes.append(Outcome.UNCHANGED)


def prepare_rows(batch: list[Article], source: InputSource) -> list[ArticleRow]:
    """What each article's row will hold; pure, so it can run on the worker thread."""
    return [row_of(article, source) for article in batch]


def row_of(article: Article, source: InputSource) -> ArticleRow:
    raw: str | None = None
    if article.source.sha256 == source.row.sha256:
        raw = source.text[article.source.start : article.source.end]
    return article_row(article, source.row, raw)


def text_values(row: ArticleRow) -> tuple[object, ...]:
    """The row's text columns, in ``ARTICLE_COLUMNS``' order."""
    return (row.title, row.summary, row.body, row.captions, row.published, row.extra)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
