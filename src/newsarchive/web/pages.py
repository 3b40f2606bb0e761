"""The HTML pages: home, category archive (and its Atom feed), article, search."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates

from newsarchive.model import category_slug
from newsarchive.store.base import ListingQuery
from newsarchive.web import reads
from newsarchive.web.deps import SettingsDep, StoreDep
from newsarchive.web.feeds import category_feed
from newsarchive.web.problems import WebError, not_found
from newsarchive.web.views import MAX_PAGE, with_query

FEED_ENTRIES = 50
SHA256 = re.compile(r"^[0-9a-f]{64}$")
DOWNLOAD_EXTENSIONS = {
    "text/plain": "txt",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/rss+xml": "xml",
    "application/atom+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
}
READ = ["GET", "HEAD"]  # HEAD for link checkers and monitors

router = APIRouter(include_in_schema=False)

Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]
From = Annotated[str | None, Query(alias="from")]
To = Annotated[str | None, Query(alias="to")]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.api_route("/", response_class=HTMLResponse, methods=READ)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    return render(request, "home.html", data=reads.home(store), json_url="/api/home")


@router.api_route("/category/{slug}", response_class=HTMLResponse, methods=READ)
def category(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    slug: str,
    page: Page = 1,
    date_from: From = None,
    date_to: To = None,
    duplicates: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    when = reads.dates(date_from, date_to)
    data = reads.category_page(store, slug, page, settings.page_size, when, duplicates)
    path = f"/category/{slug}"
    shown = "true" if duplicates else None

    def page_url(number: int) -> str:
        return with_query(
            path, from_=when.date_from, to=when.date_to, duplicates=shown, page=number
        )

    return render(
        request,
        "category.html",
        data=data,
        page_url=page_url,
        json_url=with_query(
            f"/api/categories/{slug}",
            from_=when.date_from,
            to=when.date_to,
            duplicates=shown,
            page=page,
        ),
        feed_url=f"{path}/feed.atom",
        duplicates=duplicates,
        toggle_url=with_query(
            path, from_=when.date_from, to=when.date_to, duplicates=None if shown else "true"
        ),
    )


@router.api_route("/category/{slug}/feed.atom", methods=READ)
def feed(request: Request, store: StoreDep, slug: str) -> Response:
    name = reads.category_name(store, slug)
    items = store.list_articles(ListingQuery(name, limit=FEED_ENTRIES)).items
    base = str(request.base_url).rstrip("/")
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = category_feed(name, category_slug(name), base, items, now)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.api_route("/article/{article_id}", response_class=HTMLResponse, methods=READ)
def article(
    request: Request,
    store: StoreDep,
    article_id: str,
    raw: Annotated[str | None, Query()] = None,
    in_: Annotated[str | None, Query(alias="in")] = None,
) -> Response:
    if raw not in (None, "", "0", "false"):
        return raw_text(store, article_id)
    view = reads.article_page(store, article_id, in_)
    return render(
        request,
        "article.html",
        view=view,
        json_url="/api/articles/" + quote(view.article.id, safe=""),
    )


@router.api_route("/article/{article_id}/raw", response_class=PlainTextResponse, methods=READ)
def raw_text(store: StoreDep, article_id: str) -> PlainTextResponse:
    """The article's span of its source, exactly as read, as plain text."""
    view = reads.article_page(store, article_id, None)
    return PlainTextResponse(view.article.raw, media_type="text/plain; charset=utf-8")


@router.api_route("/source/{sha256}", methods=READ)
def original(store: StoreDep, sha256: str) -> Response:
    """An input's original bytes (a dump, a fetched page, a WARC record's payload), as a
    download: never rendered in the archive's origin, whatever it holds."""
    data = store.source_text(sha256) if SHA256.match(sha256) else None
    if data is None:
        raise not_found(f"The source {sha256!r}")
    info = store.source_info(sha256)
    extension = DOWNLOAD_EXTENSIONS.get(info.media_type or "", "bin") if info else "bin"
    disposition = f'attachment; filename="{sha256[:16]}.{extension}"'
    return Response(
        data, media_type="application/octet-stream", headers={"content-disposition": disposition}
    )


@router.api_route("/search", response_class=HTMLResponse, methods=READ)
def search(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=1000)] = "",
    category: str | None = None,
    date_from: From = None,
    date_to: To = None,
    sort: Annotated[str, Query(pattern="^(relevance|newest)$")] = "relevance",
    page: Page = 1,
    duplicates: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    when = reads.dates(date_from, date_to)
    shown = "true" if duplicates else None
    filters = {
        "category": category, "from_": when.date_from, "to": when.date_to, "sort": sort,
        "duplicates": shown,
    }  # fmt: skip
    context: dict[str, Any] = {
        "q": q,
        "filters": filters,
        "categories": store.categories(),
        "data": None,
        "json_url": with_query("/api/search", q=q, **filters, page=page),
    }
    if not q.strip():
        return render(request, "search.html", **context)
    context["page_url"] = lambda n: with_query("/search", q=q, **filters, page=n)
    query = reads.search_query(store, q, category, when, sort, settings.page_size, page, duplicates)
    try:
        context["data"] = reads.search_page(store, query, category, page)
    except WebError as exc:  # a query FTS5 cannot run: the form again, with what to fix
        return render(request, "search.html", status=exc.status, error=exc.message, **context)
    return render(request, "search.html", **context)
