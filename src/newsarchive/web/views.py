"""Pure view models: what a page or a JSON body shows, built from store objects.

Nothing here writes HTML: templates escape every value, and highlighted snippets are
handed over as segments (text, matched or not) so no markup is ever built from
archived text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode, urlsplit

from newsarchive.model import Article, Caption, Grouping, RelatedLink, category_slug
from newsarchive.store.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    ListedArticle,
    Neighbours,
    SourceInfo,
)
from newsarchive.web.problems import WebError
from newsarchive.web.quoting import EnrichmentView, Run, paragraph_runs, summary_runs

SAFE_SCHEMES = frozenset({"http", "https"})
MAX_PAGE = 1_000_000
NOT_GROUPED = Grouping()
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")  # "en", "pt-BR"


def article_path(article_id: str) -> str:
    return f"/article/{quote(article_id, safe='')}"


def source_path(sha256: str) -> str:
    """The download of an input's original bytes."""
    return f"/source/{quote(sha256, safe='')}"


def category_path(name: str) -> str:
    return f"/category/{quote(category_slug(name), safe='')}"


def with_query(path: str, **params: str | int | None) -> str:
    """``path`` with the given query parameters; None and empty values are left out."""
    kept = {k.rstrip("_"): str(v) for k, v in params.items() if v is not None and v != ""}
    return f"{path}?{urlencode(kept)}" if kept else path


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None: a ``javascript:`` or
    ``data:`` URL stored in an article is shown as text, never as a link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    if any(c.isspace() or ord(c) < 32 for c in url.strip()):
        return None
    return url.strip()


def parse_day(value: str | None, name: str) -> str | None:
    """A ``YYYY-MM-DD`` filter value, checked; None or "" means no filter."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise WebError(400, f"{name}={value!r} is not a date; use YYYY-MM-DD") from None


def date_label(published: str | None) -> str:
    """How a publication date reads in a listing: the day, or "undated"."""
    return published[:10] if published else "undated"


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    match: bool


def snippet_segments(snippet: str) -> list[Segment]:
    """A search snippet as plain and matched runs, on one line."""
    flat = " ".join(snippet.split()).replace(HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN)
    return [Segment(part, n % 2 == 1) for n, part in enumerate(flat.split(HIGHLIGHT_OPEN)) if part]


@dataclass(frozen=True, slots=True)
class Pager:
    """Page ``page`` (from 1) of ``total`` items, ``size`` a page."""

    page: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size)) if self.size else 1

    @property
    def past_end(self) -> bool:
        return self.page > self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True, slots=True)
class RelatedView:
    """A related link: to the archived article when one has its title, else to its URL
    when that is http(s), else plain text."""

    title: str
    article_id: str | None
    url: str | None
    image_caption: str | None
    image_credit: str | None

    @property
    def href(self) -> str | None:
        return article_path(self.article_id) if self.article_id else self.url


def related_views(related: tuple[RelatedLink, ...], resolved: dict[str, str]) -> list[RelatedView]:
    return [
        RelatedView(
            title=link.title,
            article_id=resolved.get(link.title),
            url=safe_url(link.url),
            image_caption=link.image_caption,
            image_credit=link.image_credit,
        )
        for link in related
    ]


@dataclass(frozen=True, slots=True)
class CaptionView:
    """A photo's caption and credit, and its address as a plain link (never an <img>:
    the archive loads nothing from elsewhere) when that address is http(s)."""

    text: str
    credit: str | None
    image_url: str | None  # as stored, shown as text when it is not safe to link
    image_href: str | None


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    related: list[RelatedView]
    neighbours: Neighbours
    neighbour_category: str | None
    source_url: str | None  # the provenance URL, when it is safe to link
    source: SourceInfo | None = None  # the input's provenance, as the store keeps it
    canonical_url: str | None = None  # the article's own URL, when it is safe to link
    captions: tuple[CaptionView, ...] = ()
    enrichment: EnrichmentView | None = None  # who said what, once enriched
    paragraphs: tuple[list[Run], ...] = ()  # the body as runs, quotes marked
    summary: tuple[Run, ...] = ()  # the summary as runs, quotes marked
    grouping: Grouping = NOT_GROUPED  # its story, its original, predicted categories
    same_story: tuple[ListedArticle, ...] = ()  # other articles of its story

    @property
    def source_label(self) -> str:
        src = self.article.source
        return src.url or src.path or "unknown source"

    @property
    def language(self) -> str | None:
        """The article's language as an HTML ``lang`` value, when it is a plausible tag."""
        value = (self.article.language or "").strip()
        return value if _LANGUAGE_TAG.match(value) else None

    @property
    def original_path(self) -> str:
        return source_path(self.article.source.sha256)


def caption_views(captions: tuple[Caption, ...]) -> tuple[CaptionView, ...]:
    return tuple(
        CaptionView(c.text, c.credit, c.image_url, safe_url(c.image_url)) for c in captions
    )


def article_view(
    article: Article,
    resolved: dict[str, str],
    neighbours: Neighbours,
    category: str | None,
    source: SourceInfo | None = None,
    enrichment: EnrichmentView | None = None,
) -> ArticleView:
    resolved = {title: aid for title, aid in resolved.items() if aid != article.id}
    quotes = enrichment.quotes if enrichment else ()
    return ArticleView(
        article=article,
        related=related_views(article.related, resolved),
        neighbours=neighbours,
        neighbour_category=category,
        source_url=safe_url(article.source.url),
        source=source,
        canonical_url=safe_url(article.url),
        captions=caption_views(article.captions),
        enrichment=enrichment,
        paragraphs=tuple(paragraph_runs(article, quotes)),
        summary=tuple(summary_runs(article, quotes)),
    )
