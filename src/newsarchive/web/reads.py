"""What each page reads from the store, shared by the HTML pages and their JSON twins.

Parameters arrive checked for type by FastAPI; the checks that need words (dates,
categories, queries) happen here and raise ``WebError`` with what to do next.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from newsarchive.errors import QueryError
from newsarchive.model import Article
from newsarchive.store.base import (
    ArchiveStats,
    CategoryCount,
    ListedArticle,
    ListingQuery,
    Neighbours,
    SearchQuery,
    SearchResult,
    SortOrder,
    Store,
)
from newsarchive.web.problems import WebError, not_found
from newsarchive.web.quoting import enrichment_view, names_of
from newsarchive.web.story_views import same_story
from newsarchive.web.views import ArticleView, Pager, article_view, parse_day

LATEST_ON_HOME = 10
EXPORT_BATCH = 200


@dataclass(frozen=True, slots=True)
class Home:
    stats: ArchiveStats
    categories: list[CategoryCount]
    latest: tuple[ListedArticle, ...]


def home(store: Store) -> Home:
    latest = store.list_articles(ListingQuery(limit=LATEST_ON_HOME)).items
    return Home(store.stats(), store.categories(), latest)


@dataclass(frozen=True, slots=True)
class Dates:
    date_from: str | None
    date_to: str | None


def dates(date_from: str | None, date_to: str | None) -> Dates:
    checked = Dates(parse_day(date_from, "from"), parse_day(date_to, "to"))
    if checked.date_from and checked.date_to and checked.date_from > checked.date_to:
        raise WebError(400, f"from={checked.date_from} is after to={checked.date_to}; swap them")
    return checked


def category_name(store: Store, slug: str) -> str:
    name = store.category_name(slug)
    if name is None:
        raise not_found(f"The category {slug!r}")
    return name


@dataclass(frozen=True, slots=True)
class CategoryPage:
    name: str
    slug: str
    count: int
    dates: Dates
    items: tuple[ListedArticle, ...]
    pager: Pager


def category_page(
    store: Store, slug: str, page: int, size: int, when: Dates, duplicates: bool = False
) -> CategoryPage:
    name = category_name(store, slug)
    listing = store.list_articles(
        ListingQuery(
            name, when.date_from, when.date_to, size, (page - 1) * size, duplicates=duplicates
        )
    )
    count = next((c.count for c in store.categories() if c.name == name), listing.total)
    return CategoryPage(name, slug, count, when, listing.items, Pager(page, size, listing.total))


def article_page(store: Store, article_id: str, category: str | None) -> ArticleView:
    article = store.get(article_id)
    if article is None:
        raise not_found(f"The article {article_id!r}")
    chosen = _neighbour_category(store, article, category)
    neighbours = store.neighbours(article.id, chosen) if chosen else Neighbours(None, None)
    resolved = store.resolve_titles([link.title for link in article.related])
    source = store.source_info(article.source.sha256)
    enrichment = store.enrichment(article.id)
    view = None
    if enrichment is not None:
        view = enrichment_view(enrichment, store.canonical_entities(names_of(enrichment)))
    grouping = store.grouping(article.id)
    story_id = grouping.story.id if grouping.story else None
    return replace(
        article_view(article, resolved, neighbours, chosen, source, view),
        grouping=grouping,
        same_story=same_story(store, story_id, article.id),
    )


def _neighbour_category(store: Store, article: Article, slug: str | None) -> str | None:
    """The category whose listing previous/next walk: ``?in=slug`` if the article is in
    it, else the article's first category."""
    if slug:
        name = store.category_name(slug)
        if name in article.categories:
            return name
    return article.categories[0] if article.categories else None


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: SearchQuery
    category_slug: str | None
    result: SearchResult
    pager: Pager


def search_query(
    store: Store,
    text: str,
    slug: str | None,
    when: Dates,
    sort: str,
    size: int,
    page: int = 1,
    duplicates: bool = False,
) -> SearchQuery:
    category = category_name(store, slug) if slug else None
    order = SortOrder.NEWEST if sort == "newest" else SortOrder.RELEVANCE
    offset = (page - 1) * size
    return SearchQuery(
        text, category, when.date_from, when.date_to, order, size, offset, duplicates=duplicates
    )


def search_page(store: Store, query: SearchQuery, slug: str | None, page: int) -> SearchPage:
    result = run_search(store, query)  # a page past the last hit is empty, with the total
    return SearchPage(query, slug, result, Pager(page, query.limit, result.total))


def run_search(store: Store, query: SearchQuery) -> SearchResult:
    try:
        return store.search(query)
    except QueryError as exc:
        raise WebError(400, str(exc), code="bad_query") from exc


def search_articles(store: Store, query: SearchQuery) -> Iterator[Article]:
    """Every article a search finds (within the store's ranking window), in order."""
    offset = 0
    while True:  # the store's window ends the pages: past it, a page is empty
        batch = run_search(store, replace(query, limit=EXPORT_BATCH, offset=offset))
        yield from _articles(store, [hit.id for hit in batch.hits])
        if len(batch.hits) < EXPORT_BATCH:
            return
        offset += EXPORT_BATCH


def _articles(store: Store, ids: list[str]) -> Iterator[Article]:
    for article_id in ids:
        article = store.get(article_id)
        if article is not None:
            yield article


def category_articles(store: Store, name: str, when: Dates) -> Iterator[Article]:
    """A category's articles newest first, within the dates: the listing index picks them,
    a page at a time, so a date range never reads the rest of the category."""
    offset = 0
    while True:
        page = store.list_articles(
            ListingQuery(name, when.date_from, when.date_to, limit=EXPORT_BATCH, offset=offset)
        )
        yield from _articles(store, [item.id for item in page.items])
        if len(page.items) < EXPORT_BATCH:
            return
        offset += EXPORT_BATCH
