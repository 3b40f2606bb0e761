"""The who-said-what JSON API: the twins of the speaker, entity, figures and category
chart pages. A slug of any of an entity's names answers with the entity (its canonical
slug is in the body)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from newsarchive.store.base import CategoryCount
from newsarchive.web import bodies, people, reads
from newsarchive.web.api import ERRORS, From, Limit, Page, To
from newsarchive.web.deps import SettingsDep, StoreDep
from newsarchive.web.people_bodies import (
    archived_figure_out,
    archived_quote_out,
    entity_count_out,
    entity_out,
)
from newsarchive.web.schemas import (
    EntityCountOut,
    EntityPageOut,
    FiguresOut,
    SpeakerChartOut,
    SpeakerOut,
    SpeakerSeriesOut,
)

router = APIRouter(prefix="/api", tags=["who said what"], responses=ERRORS)

ListLimit = Annotated[int, Query(ge=1, le=people.LIST_SIZE, description="entries")]
Label = Annotated[
    Literal["PERSON", "ORG", "GPE", "LOC"] | None,
    Query(description="only entities of this kind (GPE and LOC are both places)"),
]
EntitySlug = Annotated[str | None, Query(max_length=300, description="an entity's slug or name")]
Bucket = Annotated[Literal["month", "year", "day"], Query(description="count quotes per")]


@router.get("/speakers", response_model=list[EntityCountOut], summary="The most quoted")
def speakers(store: StoreDep, limit: ListLimit = 100) -> list[EntityCountOut]:
    """Speakers with their number of quotes, most quoted first."""
    return [entity_count_out(item) for item in store.speakers(limit)]


@router.get("/speakers/{slug}", response_model=SpeakerOut, summary="A speaker's quotes")
def speaker(
    store: StoreDep, settings: SettingsDep, slug: str, page: Page = 1, limit: Limit = None
) -> SpeakerOut:
    data = people.speaker_page(store, slug, page, limit or settings.page_size)
    return SpeakerOut(
        speaker=entity_out(data.speaker),
        quotes=[archived_quote_out(item) for item in data.quotes.items],
        page=bodies.page_out(data.pager, f"/api/speakers/{data.speaker.slug}"),
    )


@router.get("/entities", response_model=list[EntityCountOut], summary="The most named")
def entities(store: StoreDep, label: Label = None, limit: ListLimit = 100) -> list[EntityCountOut]:
    """People, organisations and places with the number of articles naming them."""
    return [entity_count_out(item) for item in store.entities(label, limit)]


@router.get("/entities/{slug}", response_model=EntityPageOut, summary="An entity's articles")
def entity(
    store: StoreDep, settings: SettingsDep, slug: str, page: Page = 1, limit: Limit = None
) -> EntityPageOut:
    data = people.entity_page(store, slug, page, limit or settings.page_size)
    return EntityPageOut(
        entity=entity_out(data.entity),
        quotes=data.quotes,
        articles=[bodies.listed_out(item) for item in data.articles.items],
        named_with=[entity_count_out(item) for item in data.named_with],
        page=bodies.page_out(data.pager, f"/api/entities/{data.entity.slug}"),
    )


@router.get("/figures", response_model=FiguresOut, summary="Figures and who claims them")
def figures(
    store: StoreDep,
    settings: SettingsDep,
    claimed_by: EntitySlug = None,
    entity: EntitySlug = None,
    q: Annotated[str | None, Query(max_length=300, description="in the figure's text")] = None,
    page: Page = 1,
    limit: Limit = None,
) -> FiguresOut:
    """Figures newest first: claimed by an entity, in articles naming one, and/or whose
    value, what it counts or its period contains ``q``."""
    data = people.figures_page(store, claimed_by, entity, q, page, limit or settings.page_size)
    return FiguresOut(
        claimed_by=entity_out(data.claimed_by) if data.claimed_by else None,
        entity=entity_out(data.entity) if data.entity else None,
        q=data.text,
        total=data.figures.total,
        figures=[archived_figure_out(item) for item in data.figures.items],
        page=bodies.page_out(
            data.pager,
            "/api/figures",
            claimed_by=data.claimed_by.slug if data.claimed_by else None,
            entity=data.entity.slug if data.entity else None,
            q=data.text,
        ),
    )


@router.get(
    "/categories/{slug}/speakers",
    response_model=SpeakerChartOut,
    summary="Who is quoted most in a category, over time",
)
def category_speakers(
    store: StoreDep,
    slug: str,
    date_from: From = None,
    date_to: To = None,
    bucket: Bucket = "month",
    limit: Annotated[int, Query(ge=1, le=50, description="speakers")] = people.CHART_SPEAKERS,
) -> SpeakerChartOut:
    when = reads.dates(date_from, date_to)
    data = people.category_speakers(store, slug, when, bucket, limit)
    count = next((c.count for c in store.categories() if c.name == data.name), 0)
    return SpeakerChartOut(
        category=bodies.category_out(CategoryCount(data.name, count)),
        date_from=when.date_from,
        date_to=when.date_to,
        bucket=bucket,
        buckets=list(data.chart.buckets),
        speakers=[
            SpeakerSeriesOut(speaker=entity_out(s.speaker), total=s.total, counts=list(s.counts))
            for s in data.chart.series
        ],
    )
