"""The JSON API under /api/: the twin of every page, and streamed exports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from newsarchive.model import Article
from newsarchive.store import Store
from newsarchive.store.base import CategoryCount, ListingQuery
from newsarchive.store.export import iter_csv, iter_jsonl
from newsarchive.web import bodies, reads
from newsarchive.web.deps import SettingsDep, StoreDep, pool_of
from newsarchive.web.schemas import (
    ArticleOut,
    ArticlesOut,
    CategoryOut,
    CategoryPageOut,
    ErrorOut,
    HomeOut,
    SearchOut,
    StatsOut,
)
from newsarchive.web.views import MAX_PAGE, Pager

MAX_LIMIT = 100
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "a bad parameter; the message says which"},
    404: {"model": ErrorOut, "description": "not in this archive"},
}
MEDIA = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
Limit = Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="items a page")]
DAY = r"^\d{4}-\d{2}-\d{2}$"
From = Annotated[
    str | None, Query(alias="from", pattern=DAY, description="published on or after, YYYY-MM-DD")
]
To = Annotated[
    str | None, Query(alias="to", pattern=DAY, description="published on or before, YYYY-MM-DD")
]
Sort = Annotated[Literal["relevance", "newest"], Query()]
Format = Annotated[Literal["jsonl", "csv"], Query(description="JSON Lines or CSV")]
Text = Annotated[str, Query(min_length=1, max_length=1000, description="full-text query")]
Slug = Annotated[str | None, Query(description="a category slug, as in /category/{slug}")]
Duplicates = Annotated[
    bool, Query(description="include near-duplicates (hidden by default, never deleted)")
]


@router.get("/home", response_model=HomeOut, summary="The home page: counts, categories, latest")
def home(store: StoreDep) -> HomeOut:
    data = reads.home(store)
    return HomeOut(
        stats=bodies.stats_out(data.stats, len(data.categories)),
        categories=[bodies.category_out(c) for c in data.categories],
        latest=[bodies.listed_out(i) for i in data.latest],
    )


@router.get("/stats", response_model=StatsOut, summary="Size and date range of the archive")
def stats(store: StoreDep) -> StatsOut:
    return bodies.stats_out(store.stats(), len(store.categories()))


@router.get("/categories", response_model=list[CategoryOut], summary="Categories, most used first")
def categories(store: StoreDep) -> list[CategoryOut]:
    return [bodies.category_out(c) for c in store.categories()]


@router.get("/categories/{slug}", response_model=CategoryPageOut, summary="A category's articles")
def category(
    store: StoreDep,
    settings: SettingsDep,
    slug: str,
    page: Page = 1,
    limit: Limit = None,
    date_from: From = None,
    date_to: To = None,
    duplicates: Duplicates = False,
) -> CategoryPageOut:
    when = reads.dates(date_from, date_to)
    size = limit or settings.page_size
    data = reads.category_page(store, slug, page, size, when, duplicates)
    path = f"/api/categories/{slug}"
    return CategoryPageOut(
        category=bodies.category_out(CategoryCount(data.name, data.count)),
        date_from=when.date_from,
        date_to=when.date_to,
        articles=[bodies.listed_out(i) for i in data.items],
        page=bodies.page_out(
            data.pager,
            path,
            from_=when.date_from,
            to=when.date_to,
            duplicates="true" if duplicates else None,
        ),
        feed=f"/category/{slug}/feed.atom",
    )


@router.get("/articles", response_model=ArticlesOut, summary="Every article, newest first")
def articles(
    store: StoreDep,
    settings: SettingsDep,
    page: Page = 1,
    limit: Limit = None,
    category: Slug = None,
    date_from: From = None,
    date_to: To = None,
    duplicates: Duplicates = False,
) -> ArticlesOut:
    when = reads.dates(date_from, date_to)
    name = reads.category_name(store, category) if category else None
    size = limit or settings.page_size
    listing = store.list_articles(
        ListingQuery(name, when.date_from, when.date_to, size, (page - 1) * size, duplicates)
    )
    pager = Pager(page, size, listing.total)
    return ArticlesOut(
        articles=[bodies.listed_out(i) for i in listing.items],
        page=bodies.page_out(
            pager,
            "/api/articles",
            category=category,
            from_=when.date_from,
            to=when.date_to,
            duplicates="true" if duplicates else None,
        ),
    )


@router.get("/articles/{article_id}", response_model=ArticleOut, summary="One article")
def article(
    store: StoreDep,
    article_id: str,
    raw: Annotated[bool, Query(description="include the source span")] = False,
    in_: Annotated[str | None, Query(alias="in", description="neighbours in this category")] = None,
) -> ArticleOut:
    return bodies.article_out(reads.article_page(store, article_id, in_), with_raw=raw)


@router.get("/search", response_model=SearchOut, summary="Full-text search")
def search(
    store: StoreDep,
    settings: SettingsDep,
    q: Text,
    category: Slug = None,
    date_from: From = None,
    date_to: To = None,
    sort: Sort = "relevance",
    page: Page = 1,
    limit: Limit = None,
    duplicates: Annotated[
        bool, Query(description="Include near-duplicates (hidden by default).")
    ] = False,
) -> SearchOut:
    when = reads.dates(date_from, date_to)
    size = limit or settings.page_size
    query = reads.search_query(store, q, category, when, sort, size, page, duplicates)
    data = reads.search_page(store, query, category, page)
    return SearchOut(
        query=q,
        category=category,
        date_from=when.date_from,
        date_to=when.date_to,
        sort=sort,
        total=data.result.total,
        bounded=data.result.bounded,
        hits=[bodies.hit_out(h) for h in data.result.hits],
        page=bodies.page_out(
            data.pager, "/api/search", q=q, category=category, from_=when.date_from,
            to=when.date_to, sort=sort, duplicates="true" if duplicates else None,
        ),
    )  # fmt: skip


EXPORT: dict[int | str, dict[str, Any]] = {
    200: {"content": {MEDIA["jsonl"]: {}, MEDIA["csv"]: {}}, "description": "streamed"}
}


@router.get("/search/export", response_class=StreamingResponse, responses=EXPORT)
def search_export(
    request: Request,
    store: StoreDep,
    q: Text,
    format: Format = "jsonl",
    category: Slug = None,
    date_from: From = None,
    date_to: To = None,
    sort: Sort = "relevance",
) -> StreamingResponse:
    """Every article a search finds (up to the 2,000 it ranks), as JSON Lines or CSV."""
    when = reads.dates(date_from, date_to)
    query = reads.search_query(store, q, category, when, sort, 1)
    reads.run_search(store, query)  # a bad query is a 400 now, not a broken stream
    return _streamed(request, format, "search", lambda s: reads.search_articles(s, query))


@router.get("/categories/{slug}/export", response_class=StreamingResponse, responses=EXPORT)
def category_export(
    request: Request,
    store: StoreDep,
    slug: str,
    format: Format = "jsonl",
    date_from: From = None,
    date_to: To = None,
) -> StreamingResponse:
    """A category's articles, newest first, as JSON Lines or CSV."""
    when = reads.dates(date_from, date_to)
    name = reads.category_name(store, slug)
    return _streamed(request, format, slug, lambda s: reads.category_articles(s, name, when))


def _streamed(
    request: Request, fmt: str, name: str, produce: Callable[[Store], Iterator[Article]]
) -> StreamingResponse:
    """The export, on a store of its own (the request's goes back before streaming)."""
    pool = pool_of(request)
    lines = iter_jsonl if fmt == "jsonl" else iter_csv

    def stream() -> Iterator[str]:
        with pool.borrow() as store:  # enriched articles carry who said what
            yield from lines(produce(store), store.enrichment, store.grouping)

    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in name) or "export"
    return StreamingResponse(
        stream(),
        media_type=MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}.{fmt}"'},
    )
