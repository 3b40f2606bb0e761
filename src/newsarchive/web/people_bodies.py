"""Who-said-what store objects and view models as the JSON API's pydantic bodies."""

from __future__ import annotations

import math
from typing import Any

from newsarchive.model import Figure, Quote
from newsarchive.store.base import ArchivedFigure, ArchivedQuote, EntityCount, EntityRef
from newsarchive.web.quoting import EnrichmentView, Speaker, entity_path, speaker_path
from newsarchive.web.schemas import (
    ArchivedFigureOut,
    ArchivedQuoteOut,
    ArticleEntityOut,
    ArticleRefOut,
    EntityCountOut,
    EntityOut,
    FigureOut,
    QuoteOut,
)
from newsarchive.web.views import article_path


def entity_out(ref: EntityRef) -> EntityOut:
    return EntityOut(
        name=ref.name,
        label=ref.label,
        slug=ref.slug,
        url=entity_path(ref.slug),
        speaker_url=speaker_path(ref.slug),
    )


def entity_count_out(item: EntityCount) -> EntityCountOut:
    return EntityCountOut(entity=entity_out(item.entity), count=item.count)


def quote_out(quote: Quote, speaker: Speaker | None) -> QuoteOut:
    return QuoteOut(
        speaker=speaker.name if speaker else None,
        speaker_url=speaker.href if speaker else None,
        speaker_text=quote.speaker_text,
        role=quote.role,
        text=quote.text,
        cue=quote.cue,
        direct=quote.direct,
        start=quote.start,
        end=quote.end,
    )


def figure_out(figure: Figure, claimer: Speaker | None) -> FigureOut:
    number = figure.number
    return FigureOut(
        value=figure.value,
        number=number if number is not None and math.isfinite(number) else None,
        counts=figure.counts,
        period=figure.period,
        claimed_by=claimer.name if claimer else None,
        claimed_by_url=claimer.href if claimer else None,
        start=figure.start,
        end=figure.end,
    )


def _speaker(ref: EntityRef | None) -> Speaker | None:
    return Speaker(ref.name, speaker_path(ref.slug)) if ref else None


def _article(article_id: str, headline: str, published: str | None) -> ArticleRefOut:
    return ArticleRefOut(
        id=article_id, headline=headline, published=published, url=article_path(article_id)
    )


def archived_quote_out(item: ArchivedQuote) -> ArchivedQuoteOut:
    return ArchivedQuoteOut(
        article=_article(item.article_id, item.headline, item.published),
        quote=quote_out(item.quote, _speaker(item.speaker)),
    )


def archived_figure_out(item: ArchivedFigure) -> ArchivedFigureOut:
    return ArchivedFigureOut(
        article=_article(item.article_id, item.headline, item.published),
        figure=figure_out(item.figure, _speaker(item.claimed_by)),
    )


def enrichment_fields(view: EnrichmentView | None) -> dict[str, Any]:
    """The enrichment fields of ``ArticleOut``."""
    if view is None:
        return {}
    return {
        "enrichment_version": view.version,
        "entities": [
            ArticleEntityOut(
                name=e.entity.name,
                canonical=e.name,
                label=e.entity.label,
                role=e.entity.role,
                mentions=[list(m) for m in e.entity.mentions],
                url=e.href,
            )
            for e in view.entities
        ],
        "quotes": [quote_out(q.quote, q.speaker) for q in view.quotes],
        "figures": [figure_out(f.figure, f.claimer) for f in view.figures],
    }
