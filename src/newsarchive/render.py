"""How articles and search hits look to people and to scripts: plain text, rich text and
JSON-ready dicts. Pure; the CLI decides where it goes."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from newsarchive.model import Article, article_to_dict
from newsarchive.store.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, Revision, SearchHit


def one_line(snippet: str) -> str:
    """Snippets span paragraph breaks; shown, they are one line."""
    return " ".join(snippet.split())


def bracketed(snippet: str) -> str:
    """A snippet with its matches marked ``[like this]``, for pipes and JSON."""
    return one_line(snippet).replace(HIGHLIGHT_OPEN, "[").replace(HIGHLIGHT_CLOSE, "]")


def highlighted(snippet: str) -> Text:
    """A snippet with its matches in bold, for a terminal."""
    text = Text()
    parts = one_line(snippet).replace(HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN).split(HIGHLIGHT_OPEN)
    for n, part in enumerate(parts):
        text.append(part, style="bold" if n % 2 else "")
    return text


def hit_heading(hit: SearchHit) -> str:
    return f"{hit.id}  {hit.published or 'undated':10.10}  {hit.headline}"


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "headline": hit.headline,
        "title": hit.title,
        "summary": hit.summary,
        "snippet": bracketed(hit.snippet),
        "published": hit.published,
        "categories": list(hit.categories),
        "score": hit.score,
    }


def revision_to_dict(revision: Revision) -> dict[str, Any]:
    return {
        "number": revision.number,
        "content_hash": revision.content_hash,
        "seen_at": revision.seen_at,
        "article": article_to_dict(revision.article),
    }


def revision_line(revision: Revision) -> str:
    title = revision.article.headline[:70]
    return f"revision {revision.number}  {revision.seen_at}  {revision.content_hash[:12]}  {title}"


def article_text(article: Article) -> list[str]:
    """An article as lines of plain text: headline, facts, body, captions with credits,
    related links, provenance. The first line is the headline."""
    lines = [article.headline]
    if article.title and article.summary:
        lines.append(article.summary)
    facts = [
        ("Published", article.published),
        ("Dateline", article.dateline),
        ("By", ", ".join(article.authors)),
        ("Categories", ", ".join(article.categories)),
        ("Id", article.id),
    ]
    lines += ["", *(f"{label}: {value}" for label, value in facts if value), ""]
    lines += [line for paragraph in article.paragraphs for line in (paragraph, "")]
    lines += [f"Photo: {c.text}" + (f" ({c.credit})" if c.credit else "") for c in article.captions]
    lines += [f"Related: {r.title}" + (f" <{r.url}>" if r.url else "") for r in article.related]
    lines.append(_provenance(article))
    return lines


def _provenance(article: Article) -> str:
    source = article.source
    where = source.path or source.url or "?"
    return (
        f"Source: {where} (chars {source.start}-{source.end}, {source.encoding or '?'},"
        f" sha256 {source.sha256[:12]})"
    )
