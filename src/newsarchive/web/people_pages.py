"""The who-said-what pages: speakers and their quotes, entities and their articles,
figures, and who is quoted most in a category over time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsarchive.web import people, reads
from newsarchive.web.deps import SettingsDep, StoreDep
from newsarchive.web.pages import READ, From, Page, To, render
from newsarchive.web.quoting import entity_path, speaker_path
from newsarchive.web.views import with_query

router = APIRouter(include_in_schema=False)

Filter = Annotated[str | None, Query(max_length=300)]


@router.api_route("/speakers", response_class=HTMLResponse, methods=READ)
def speakers(request: Request, store: StoreDep) -> HTMLResponse:
    data = store.speakers(people.LIST_SIZE)
    return render(request, "speakers.html", data=data, json_url="/api/speakers")


@router.api_route("/speaker/{slug}", response_class=HTMLResponse, methods=READ)
def speaker(
    request: Request, store: StoreDep, settings: SettingsDep, slug: str, page: Page = 1
) -> Response:
    data = people.speaker_page(store, slug, page, settings.page_size)
    path = speaker_path(data.speaker.slug)
    if data.speaker.slug != slug:  # a shorter name, merged into this one
        return RedirectResponse(with_query(path, page=page if page > 1 else None), 307)
    return render(
        request,
        "speaker.html",
        data=data,
        page_url=lambda n: with_query(path, page=n),
        json_url=with_query("/api" + path.replace("/speaker/", "/speakers/", 1), page=page),
    )


@router.api_route("/entities", response_class=HTMLResponse, methods=READ)
def entities(request: Request, store: StoreDep, label: Filter = None) -> HTMLResponse:
    chosen = label if label in {"PERSON", "ORG", "GPE"} else None
    kinds = [(None, "All"), ("PERSON", "People"), ("ORG", "Organisations"), ("GPE", "Places")]
    return render(
        request,
        "entities.html",
        data=store.entities(chosen, people.LIST_SIZE),
        label=chosen,
        kinds=kinds,
        json_url=with_query("/api/entities", label=chosen),
    )


@router.api_route("/entity/{slug}", response_class=HTMLResponse, methods=READ)
def entity(
    request: Request, store: StoreDep, settings: SettingsDep, slug: str, page: Page = 1
) -> Response:
    data = people.entity_page(store, slug, page, settings.page_size)
    path = entity_path(data.entity.slug)
    if data.entity.slug != slug:
        return RedirectResponse(with_query(path, page=page if page > 1 else None), 307)
    return render(
        request,
        "entity.html",
        data=data,
        page_url=lambda n: with_query(path, page=n),
        json_url=with_query("/api" + path.replace("/entity/", "/entities/", 1), page=page),
    )


@router.api_route("/figures", response_class=HTMLResponse, methods=READ)
def figures(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    by: Filter = None,
    about: Filter = None,
    q: Filter = None,
    page: Page = 1,
) -> HTMLResponse:
    data = people.figures_page(store, by, about, q, page, settings.page_size)
    filters = {
        "by": data.claimed_by.slug if data.claimed_by else None,
        "about": data.entity.slug if data.entity else None,
        "q": data.text,
    }
    api = {"claimed_by": filters["by"], "entity": filters["about"], "q": data.text}
    return render(
        request,
        "figures.html",
        data=data,
        page_url=lambda n: with_query("/figures", **filters, page=n),
        json_url=with_query("/api/figures", **api, page=page),
    )


@router.api_route("/category/{slug}/speakers", response_class=HTMLResponse, methods=READ)
def category_speakers(
    request: Request,
    store: StoreDep,
    slug: str,
    date_from: From = None,
    date_to: To = None,
    bucket: Annotated[str, Query(max_length=10)] = "month",
) -> HTMLResponse:
    when = reads.dates(date_from, date_to)
    data = people.category_speakers(store, slug, when, bucket)
    json_url = with_query(
        f"/api/categories/{slug}/speakers", from_=when.date_from, to=when.date_to, bucket=bucket
    )
    return render(request, "category_speakers.html", data=data, json_url=json_url)
