"""Pure view models of an article's enrichment: its paragraphs cut into runs of plain
text and quoted text (each quote with its speaker), and the lists of quotes, entities and
figures an article page shows.

Offsets index ``model.enrichment_text`` (title, summary, paragraphs joined by a blank
line); a paragraph's runs are found by where it starts in that text. Nothing here writes
HTML: the template escapes every run, so a quote or a speaker name is always text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as url_quote

from newsarchive.model import ENRICHMENT_SEPARATOR, Article, Enrichment, Entity, Figure, Quote
from newsarchive.store.base import EntityRef


def speaker_path(slug: str) -> str:
    return f"/speaker/{url_quote(slug, safe='')}"


def entity_path(slug: str) -> str:
    return f"/entity/{url_quote(slug, safe='')}"


@dataclass(frozen=True, slots=True)
class Speaker:
    """A quote's speaker as the archive names them, with their page."""

    name: str
    href: str | None  # None when the archive has no page for the name


@dataclass(frozen=True, slots=True)
class QuoteView:
    number: int  # from 1, in the article's order: the anchor "quote-N"
    quote: Quote
    speaker: Speaker | None  # None: unattributed (the article's speaker was not resolved)


@dataclass(frozen=True, slots=True)
class Run:
    """A run of a paragraph: plain text, or (part of) a quote; ``last`` marks the run
    that ends its quote, after which the speaker is shown."""

    text: str
    quote: QuoteView | None = None
    last: bool = False


@dataclass(frozen=True, slots=True)
class EntityView:
    entity: Entity
    name: str  # the archive's canonical name
    href: str | None


@dataclass(frozen=True, slots=True)
class FigureView:
    figure: Figure
    claimer: Speaker | None


@dataclass(frozen=True, slots=True)
class EnrichmentView:
    version: str
    quotes: tuple[QuoteView, ...]
    entities: tuple[EntityView, ...]
    figures: tuple[FigureView, ...]


def enrichment_view(enrichment: Enrichment, refs: dict[str, EntityRef]) -> EnrichmentView:
    """``refs``: the archive's entity for each name the article gives (for links)."""

    def person(name: str | None) -> Speaker | None:
        if name is None:
            return None
        ref = refs.get(name)
        return Speaker(ref.name, speaker_path(ref.slug)) if ref else Speaker(name, None)

    entities = []
    for entity in enrichment.entities:
        ref = refs.get(entity.name)
        entities.append(
            EntityView(
                entity, ref.name if ref else entity.name, entity_path(ref.slug) if ref else None
            )
        )
    return EnrichmentView(
        version=enrichment.version,
        quotes=tuple(
            QuoteView(n, q, person(q.speaker)) for n, q in enumerate(enrichment.quotes, start=1)
        ),
        entities=tuple(entities),
        figures=tuple(FigureView(f, person(f.claimed_by)) for f in enrichment.figures),
    )


def names_of(enrichment: Enrichment) -> list[str]:
    """Every name the enrichment links to: entities, speakers, claimers."""
    names = [e.name for e in enrichment.entities]
    names += [q.speaker for q in enrichment.quotes if q.speaker]
    names += [f.claimed_by for f in enrichment.figures if f.claimed_by]
    return names


def paragraph_runs(article: Article, quotes: tuple[QuoteView, ...]) -> list[list[Run]]:
    """Each paragraph as runs, quotes marked. Overlapping quotes (a partial quote inside
    a reported one) are marked from where the previous one ends; a quote running across
    paragraphs is marked in each, its speaker shown after its last part."""
    heads = [part for part in (article.title, article.summary) if part]
    start = sum(len(h) + len(ENRICHMENT_SEPARATOR) for h in heads)
    spans = _spans(quotes)
    out = []
    for paragraph in article.paragraphs:
        out.append(_runs(paragraph, start, spans))
        start += len(paragraph) + len(ENRICHMENT_SEPARATOR)
    return out


def summary_runs(article: Article, quotes: tuple[QuoteView, ...]) -> list[Run]:
    """The summary as runs, quotes marked (it follows the title in the enriched text)."""
    if not article.summary:
        return []
    start = len(article.title) + len(ENRICHMENT_SEPARATOR) if article.title else 0
    return _runs(article.summary, start, _spans(quotes))


def _spans(quotes: tuple[QuoteView, ...]) -> list[tuple[int, int, QuoteView]]:
    spans: list[tuple[int, int, QuoteView]] = []
    reached = 0
    for view in sorted(quotes, key=lambda v: (v.quote.start, -v.quote.end)):
        start, end = max(view.quote.start, reached), view.quote.end
        if end > start:
            spans.append((start, end, view))
            reached = end
    return spans


def _runs(paragraph: str, offset: int, spans: list[tuple[int, int, QuoteView]]) -> list[Run]:
    runs: list[Run] = []
    at = 0  # within the paragraph
    end_of_paragraph = offset + len(paragraph)
    for start, end, view in spans:
        if end <= offset + at or start >= end_of_paragraph:
            continue
        first, last = max(start - offset, at), min(end - offset, len(paragraph))
        if first > at:
            runs.append(Run(paragraph[at:first]))
        ends_here = end <= end_of_paragraph + len(ENRICHMENT_SEPARATOR)
        runs.append(Run(paragraph[first:last], view, last=ends_here))
        at = last
    if at < len(paragraph) or not runs:
        runs.append(Run(paragraph[at:]))
    return runs
