"""The story and topic pages (``/stories``, ``/story/{id}``, ``/topics``, ``/topic/{id}``)
and their JSON twins under /api/."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsarchive.model import TopicRef
from newsarchive.store.grouping import StoredStory, StoredTopic
from newsarchive.web import bodies
from newsarchive.web.api import ERRORS, Limit
from newsarchive.web.api import Page as ApiPage
from newsarchive.web.deps import SettingsDep, StoreDep
from newsarchive.web.pages import READ, Page, render
from newsarchive.web.schemas import (
    DayCountOut,
    StoriesOut,
    StoryOut,
    StoryPageOut,
    TopicOut,
    TopicPageOut,
    TopicRefOut,
    TopicsOut,
)
from newsarchive.web.story_views import (
    stories_list,
    story_path,
    story_view,
    topic_path,
    topic_view,
    topics_list,
)
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


@router.api_route("/topics", response_class=HTMLResponse, methods=READ)
def topics(
    request: Request, store: StoreDep, settings: SettingsDep, page: Page = 1
) -> HTMLResponse:
    listed = topics_list(store, page, settings.page_size)
    return render(
        request,
        "topics.html",
        data=listed,
        pager=Pager(page, settings.page_size, listed.total),
        page_url=lambda n: with_query("/topics", page=n),
        json_url=with_query("/api/topics", page=page if page > 1 else None),
    )


@router.api_route("/topic/{topic_id}", response_class=HTMLResponse, methods=READ)
def topic(request: Request, store: StoreDep, topic_id: str) -> Response:
    view = topic_view(store, topic_id)
    if view.topic.id != topic_id:  # merged into another topic since
        return RedirectResponse(topic_path(view.topic.id), 307)
    return render(
        request, "topic.html", view=view, json_url="/api" + topic_path(topic_id).replace(
            "/topic/", "/topics/", 1)
    )  # fmt: skip


def topic_ref_out(topic: TopicRef | None) -> TopicRefOut | None:
    if topic is None:
        return None
    return TopicRefOut(id=topic.id, label=topic.label, url=topic_path(topic.id))


def story_out(story: StoredStory) -> StoryOut:
    return StoryOut(
        id=story.id,
        label=story.label,
        key_entities=list(story.key_entities),
        first=story.first,
        last=story.last,
        articles=story.articles,
        url=story_path(story.id),
        topic=topic_ref_out(story.topic),
    )


def topic_out(topic: StoredTopic) -> TopicOut:
    return TopicOut(
        id=topic.id,
        label=topic.label,
        key_entities=list(topic.key_entities),
        first=topic.first,
        last=topic.last,
        stories=topic.stories,
        articles=topic.articles,
        url=topic_path(topic.id),
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


@api.get("/topics", response_model=TopicsOut, summary="Topics, newest first")
def topics_api(
    store: StoreDep, settings: SettingsDep, page: ApiPage = 1, limit: Limit = None
) -> TopicsOut:
    size = limit or settings.page_size
    listed = topics_list(store, page, size)
    return TopicsOut(
        topics=[topic_out(t) for t in listed.items],
        page=bodies.page_out(Pager(page, size, listed.total), "/api/topics"),
    )


@api.get("/topics/{topic_id}", response_model=TopicPageOut, summary="A topic and its stories")
def topic_api(store: StoreDep, topic_id: str) -> TopicPageOut:
    """A topic (a merged topic's id gives the topic it joined), its stories oldest first,
    and its articles' number per day."""
    view = topic_view(store, topic_id)
    return TopicPageOut(
        topic=topic_out(view.topic),
        stories=[story_out(s) for s in view.stories],
        bucket="month" if view.bucket == "month" else "day",
        timeline=[DayCountOut(bucket=b, articles=n) for b, n in view.counts],
    )
