"""What the who-said-what pages read from the store, shared by the HTML pages and their
JSON twins: a speaker's quotes, an entity's articles, figures, and who is quoted most in a
category over time.

A page is addressed by the slug of any of its entity's names; the canonical slug is in
the result, so the HTML page can redirect ``/speaker/peskov`` to ``/speaker/dmitry-peskov``.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.model import category_slug
from newsarchive.store.base import (
    BUCKETS,
    EntityCount,
    EntityRef,
    FigurePage,
    FigureQuery,
    Listing,
    QuotePage,
    SpeakerChart,
    Store,
)
from newsarchive.web.charts import ChartView, chart_view
from newsarchive.web.problems import WebError, not_found
from newsarchive.web.reads import Dates, category_name
from newsarchive.web.views import Pager

NAMED_WITH = 20
LIST_SIZE = 200
CHART_SPEAKERS = 8


def entity_ref(store: Store, slug: str, what: str = "entity") -> EntityRef:
    found = store.find_entity(slug)
    if found is None:
        raise not_found(f"The {what} {slug!r}")
    return found


@dataclass(frozen=True, slots=True)
class SpeakerPage:
    speaker: EntityRef
    quotes: QuotePage
    pager: Pager


def speaker_page(store: Store, slug: str, page: int, size: int) -> SpeakerPage:
    ref = entity_ref(store, slug, "speaker")
    quotes = store.speaker_quotes(ref.name, size, (page - 1) * size)
    return SpeakerPage(ref, quotes, Pager(page, size, quotes.total))


@dataclass(frozen=True, slots=True)
class EntityPage:
    entity: EntityRef
    articles: Listing
    pager: Pager
    named_with: list[EntityCount]
    quotes: int  # quotes by it (its speaker page, when there are any)


def entity_page(store: Store, slug: str, page: int, size: int) -> EntityPage:
    ref = entity_ref(store, slug)
    listing = store.entity_articles(ref.name, size, (page - 1) * size)
    return EntityPage(
        ref,
        listing,
        Pager(page, size, listing.total),
        store.co_entities(ref.name, NAMED_WITH),
        store.speaker_quotes(ref.name, 0).total,
    )


@dataclass(frozen=True, slots=True)
class FiguresPage:
    claimed_by: EntityRef | None
    entity: EntityRef | None
    text: str | None
    figures: FigurePage
    pager: Pager


def figures_page(
    store: Store,
    claimed_by: str | None,
    entity: str | None,
    text: str | None,
    page: int,
    size: int,
) -> FiguresPage:
    """``claimed_by`` and ``entity`` are names or slugs (a form takes names)."""
    claimer = _named(store, claimed_by)
    named = _named(store, entity)
    text = text.strip() if text and text.strip() else None
    query = FigureQuery(
        claimer.name if claimer else None,
        named.name if named else None,
        text,
        size,
        (page - 1) * size,
    )
    found = store.figures(query)
    return FiguresPage(claimer, named, text, found, Pager(page, size, found.total))


def _named(store: Store, value: str | None) -> EntityRef | None:
    if value is None or not value.strip():
        return None
    return store.find_entity(value.strip()) or entity_ref(store, category_slug(value))


@dataclass(frozen=True, slots=True)
class CategorySpeakers:
    name: str
    slug: str
    dates: Dates
    chart: SpeakerChart
    view: ChartView


def category_speakers(
    store: Store, slug: str, when: Dates, bucket: str, limit: int = CHART_SPEAKERS
) -> CategorySpeakers:
    if bucket not in BUCKETS:
        raise WebError(400, f"bucket={bucket!r}: use one of {', '.join(BUCKETS)}")
    name = category_name(store, slug)
    chart = store.top_speakers(name, when.date_from, when.date_to, bucket, limit)
    return CategorySpeakers(name, slug, when, chart, chart_view(chart))
