"""The story pages (``/stories``, ``/story/{id}``) and their JSON twins under /api/."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsarchive.store.grouping import StoredStory
from newsarchive.web import bodies
from newsarchive.web.api import ERRORS, Limit
from newsarchive.web.api import Page as ApiPage
from newsarchive.web.deps import SettingsDep, StoreDep
from newsarchive.web.pages import READ, Page, render
from newsarchive.web.schemas import DayCountOut, StoriesOut, StoryOut, StoryPageOut
from newsarchive.web.story_views import stories_list, story_path, story_view
from newsarchive.web.views import Pager, with_query

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


@router.api_route("/stories", response_class=HTMLResponse, methods=READ)
def stories(
    request: Request, store: StoreDep, settings: SettingsDep, page: Page = 1
) -> HTMLResponse:
    listed = stories_list(store, page, settings.page_size)
    return render(
        request,
        "stories.html",
        data=listed,
        pager=Pager(page, settings.page_size, listed.total),
        page_url=lambda n: with_query("/stories", page=n),
        json_url=with_query("/api/stories", page=page if page > 1 else None),
    )


@router.api_route("/story/{story_id}", response_class=HTMLResponse, methods=READ)
def story(request: Request, store: StoreDep, story_id: str) -> Response:
    view = story_view(store, story_id)
    if view.story.id != story_id:  # merged into another story since
        return RedirectResponse(story_path(view.story.id), 307)
    return render(
        request, "story.html", view=view, json_url="/api" + story_path(story_id).replace(
            "/story/", "/stories/", 1)
    )  # fmt: skip


def story_out(story: StoredStory) -> StoryOut:
    return StoryOut(
        id=story.id,
        label=story.label,
        key_entities=list(story.key_entities),
        first=story.first,
        last=story.last,
        articles=story.articles,
        url=story_path(story.id),
    )


@api.get("/stories", response_model=StoriesOut, summary="Stories, newest first")
def stories_api(
    store: StoreDep, settings: SettingsDep, page: ApiPage = 1, limit: Limit = None
) -> StoriesOut:
    size = limit or settings.page_size
    listed = stories_list(store, page, size)
    return StoriesOut(
        stories=[story_out(s) for s in listed.items],
        page=bodies.page_out(Pager(page, size, listed.total), "/api/stories"),
    )


@api.get("/stories/{story_id}", response_model=StoryPageOut, summary="A story and its timeline")
def story_api(store: StoreDep, story_id: str) -> StoryPageOut:
    """A story (a merged story's id gives the story it joined), its articles oldest
    first, and their number per day."""
    view = story_view(store, story_id)
    return StoryPageOut(
        story=story_out(view.story),
        articles=[bodies.listed_out(a) for a in view.articles],
        bucket="month" if view.bucket == "month" else "day",
        timeline=[DayCountOut(bucket=b, articles=n) for b, n in view.counts],
    )
