"""Reading a flattened category-archive or listing page into its articles.

``split_archive_page`` is pure: a decoded ``Document`` in, ``Article``s out. Spans
index the decoded text as given, so normalisation never loses the original.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsarchive.errors import NoArticlesError
from newsarchive.extract import patterns as pt
from newsarchive.extract.dates import to_iso
from newsarchive.extract.items import Item, Kind, classify
from newsarchive.extract.segment import split_items
from newsarchive.extract.text import Line, split_lines, word_count
from newsarchive.model import (
    Article,
    Caption,
    Document,
    RelatedLink,
    SourceRef,
    article_key,
    make_article_id,
)

_HEADER_SCAN = 4  # page chrome lines that may stand above the archive header
_TITLE_MAX_WORDS = 13  # median length above which lone headlines are summaries (deks)
_PROSE_WORD = re.compile(r"(?:^|(?<=\s))[^\W\d_][\w'’\-]*[,.;:!?”\"’)]*(?=\s|$)")


@dataclass(slots=True)
class _Parts:
    """What an article's items add up to, gathered in one pass."""

    headings: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def split_archive_page(document: Document) -> list[Article]:
    """The articles of a flattened archive page, in page order.

    Raises ``NoArticlesError`` when the text holds nothing that reads as an article.
    """
    lines = split_lines(document.text)
    category, body = page_header(lines)
    segments = split_items(classify(body))
    lone = [_parts(seg) for seg in segments]
    dek_layout = _headlines_are_summaries(lone)
    articles = _distinct_ids(
        [
            _article(seg, parts, document, category, dek_layout)
            for seg, parts in zip(segments, lone, strict=True)
            if _is_article(parts)
        ]
    )
    if not articles:
        where = document.path or document.url or "input"
        raise NoArticlesError(
            where,
            "no article found (no paragraphs of prose)",
            "check that this is a news page or dump; pass only news files",
        )
    return articles


def page_header(lines: Sequence[Line]) -> tuple[str | None, Sequence[Line]]:
    """The category named by the page header ("Category Archive : Russia") and the lines
    after it. Without a header, no category and every line."""
    for n, line in enumerate(lines[:_HEADER_SCAN]):
        category = pt.header_category(line.text)
        if category is not None:
            return category, lines[n + 1 :]
    return None, lines


def _parts(items: Sequence[Item]) -> _Parts:
    parts = _Parts()
    in_group = True
    for item in items:
        if in_group and item.kind is Kind.HEADING and len(parts.headings) < 2:
            parts.headings.append(item.text)
            continue
        if item.kind not in (Kind.BYLINE, Kind.CATEGORY):
            in_group = False
        _add(parts, item)
    return parts


def _add(parts: _Parts, item: Item) -> None:
    if item.kind in (Kind.PARA, Kind.HEADING):
        parts.paragraphs.append(item.text)
    elif item.kind is Kind.CAPTION and item.caption is not None:
        parts.captions.append(item.caption)
    elif item.kind is Kind.RELATED:
        parts.related.extend(item.related)
    elif item.kind is Kind.BYLINE and item.byline is not None:
        parts.authors.extend(a for a in item.byline.authors if a not in parts.authors)
        if item.byline.date_text:
            parts.dates.append(item.byline.date_text)
    elif item.kind is Kind.CATEGORY:
        parts.categories.extend(c for c in item.categories if c not in parts.categories)


def _headlines_are_summaries(all_parts: Sequence[_Parts]) -> bool:
    """Whether this layout's lone headline lines are summaries (one-sentence deks) rather
    than titles: decided once per page, from their typical length."""
    lone = [word_count(p.headings[0]) for p in all_parts if len(p.headings) == 1]
    return bool(lone) and statistics.median(lone) >= _TITLE_MAX_WORDS


def _article(
    items: Sequence[Item],
    parts: _Parts,
    document: Document,
    category: str | None,
    dek_layout: bool,
) -> Article:
    title, summary = _title_and_summary(parts.headings, dek_layout)
    paragraphs = tuple(parts.paragraphs)
    categories = ([category] if category else []) + [c for c in parts.categories if c != category]
    start, end = items[0].start, items[-1].end
    published = next((iso for d in parts.dates if (iso := to_iso(d))), None)
    return Article(
        id=make_article_id(article_key(title, summary, paragraphs, published)),
        title=title,
        summary=summary,
        paragraphs=paragraphs,
        captions=tuple(parts.captions),
        related=tuple(parts.related),
        categories=tuple(categories),
        authors=tuple(parts.authors),
        published=published,
        dateline=pt.wire_dateline(paragraphs[0]) if paragraphs else None,
        source=SourceRef(
            sha256=document.sha256,
            start=start,
            end=end,
            path=document.path,
            url=document.url,
            encoding=document.encoding,
        ),
        raw=document.text[start:end],
    )


def _distinct_ids(articles: list[Article]) -> list[Article]:
    """Two articles of one page with the same headline and date ("Letters", "Briefing")
    are still two articles: a repeated id is made from the lead and first paragraph."""
    seen: set[str] = set()
    out: list[Article] = []
    for article in articles:
        if article.id in seen:
            key = article_key(article.title, article.summary, article.paragraphs, article.published)
            first = article.paragraphs[0] if article.paragraphs else str(article.source.start)
            article = replace(article, id=make_article_id(f"{key} #{first}"))
            if article.id in seen:  # the very same article printed twice: keep its position
                article = replace(article, id=make_article_id(f"{key} @{article.source.start}"))
        seen.add(article.id)
        out.append(article)
    return out


def _title_and_summary(headings: Sequence[str], dek_layout: bool) -> tuple[str | None, str | None]:
    if len(headings) >= 2:
        return headings[0], headings[1]
    if len(headings) == 1:
        return (None, headings[0]) if dek_layout else (headings[0], None)
    return None, None


def _is_article(parts: _Parts) -> bool:
    """At least one paragraph (or headline with a dated byline) that reads as prose."""
    if any(_is_prose(p) for p in parts.paragraphs):
        return True
    return bool(parts.dates) and any(_is_prose(h) for h in parts.headings)


def _is_prose(text: str) -> bool:
    opening = text[:400]
    words = len(opening.split())
    return words >= 6 and len(_PROSE_WORD.findall(opening)) / words >= 0.7
