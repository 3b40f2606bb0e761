"""Store objects and view models as the JSON API's pydantic bodies."""

from __future__ import annotations

from newsarchive.model import Caption, category_slug
from newsarchive.render import bracketed
from newsarchive.store.base import ArchiveStats, CategoryCount, ListedArticle, SearchHit
from newsarchive.web.people_bodies import enrichment_fields
from newsarchive.web.schemas import (
    ArticleOut,
    CaptionOut,
    CategoryOut,
    HitOut,
    ListedOut,
    NeighbourOut,
    PageOut,
    PredictedCategoryOut,
    RelatedOut,
    SegmentOut,
    SourceOut,
    StatsOut,
    StoryRefOut,
    TopicRefOut,
)
from newsarchive.web.story_views import story_path, topic_path
from newsarchive.web.views import (
    ArticleView,
    Pager,
    article_path,
    category_path,
    snippet_segments,
    source_path,
    with_query,
)


def caption_out(caption: Caption) -> CaptionOut:
    return CaptionOut(text=caption.text, credit=caption.credit, image_url=caption.image_url)


def category_out(category: CategoryCount) -> CategoryOut:
    return CategoryOut(
        name=category.name,
        slug=category_slug(category.name),
        count=category.count,
        url=category_path(category.name),
    )


def listed_out(item: ListedArticle) -> ListedOut:
    return ListedOut(
        id=item.id,
        headline=item.headline,
        title=item.title,
        summary=item.summary,
        published=item.published,
        first_seen=item.first_seen,
        categories=list(item.categories),
        caption=caption_out(item.caption) if item.caption else None,
        teaser=item.teaser,
        url=article_path(item.id),
        duplicate_of=item.duplicate_of,
    )


def stats_out(stats: ArchiveStats, categories: int) -> StatsOut:
    return StatsOut(
        articles=stats.articles,
        sources=stats.sources,
        revisions=stats.revisions,
        categories=categories,
        earliest=stats.earliest,
        latest=stats.latest,
    )


def page_out(pager: Pager, path: str, **params: str | int | None) -> PageOut:
    def link(page: int) -> str:
        return with_query(path, **params, page=page, limit=pager.size)

    return PageOut(
        page=pager.page,
        page_size=pager.size,
        total=pager.total,
        pages=pager.pages,
        next=link(pager.page + 1) if pager.has_next else None,
        previous=link(min(pager.page - 1, pager.pages)) if pager.has_previous else None,
    )


def article_out(view: ArticleView, *, with_raw: bool) -> ArticleOut:
    article = view.article
    src = article.source
    neighbours = None
    if view.neighbour_category is not None:
        neighbours = NeighbourOut(
            category=view.neighbour_category,
            newer=listed_out(view.neighbours.newer) if view.neighbours.newer else None,
            older=listed_out(view.neighbours.older) if view.neighbours.older else None,
        )
    return ArticleOut(
        id=article.id,
        title=article.title,
        summary=article.summary,
        headline=article.headline,
        paragraphs=list(article.paragraphs),
        captions=[caption_out(c) for c in article.captions],
        related=[
            RelatedOut(
                title=link.title,
                url=original.url,
                image_caption=link.image_caption,
                image_credit=link.image_credit,
                article_id=link.article_id,
            )
            for link, original in zip(view.related, article.related, strict=True)
        ],
        categories=list(article.categories),
        authors=list(article.authors),
        published=article.published,
        dateline=article.dateline,
        canonical_url=article.url,
        updated=article.updated,
        language=article.language,
        tags=list(article.tags),
        teaser=article.teaser,
        source=SourceOut(
            sha256=src.sha256,
            start=src.start,
            end=src.end,
            encoding=src.encoding,
            path=src.path,
            url=src.url,
            media_type=view.source.media_type if view.source else None,
            record_id=src.record_id,
            record_offset=src.record_offset,
            fetched_at=src.fetched_at,
            http_status=src.http_status,
            original_url=source_path(src.sha256),
        ),
        neighbours=neighbours,
        url=article_path(article.id),
        raw_url=article_path(article.id) + "/raw",
        raw=article.raw if with_raw else None,
    ).model_copy(update={**enrichment_fields(view.enrichment), **grouping_fields(view)})


def grouping_fields(view: ArticleView) -> dict[str, object]:
    grouping = view.grouping
    story, topic = grouping.story, grouping.topic
    return {
        "story": None
        if story is None
        else StoryRefOut(id=story.id, label=story.label, url=story_path(story.id)),
        "topic": None
        if topic is None
        else TopicRefOut(id=topic.id, label=topic.label, url=topic_path(topic.id)),
        "duplicate_of": grouping.duplicate_of,
        "predicted_categories": [
            PredictedCategoryOut(name=p.name, confidence=min(max(p.confidence, 0.0), 1.0))
            for p in grouping.predicted_categories
        ],
        "same_story": [listed_out(a) for a in view.same_story],
    }


def hit_out(hit: SearchHit) -> HitOut:
    return HitOut(
        id=hit.id,
        headline=hit.headline,
        title=hit.title,
        summary=hit.summary,
        snippet=bracketed(hit.snippet),
        segments=[SegmentOut(text=s.text, match=s.match) for s in snippet_segments(hit.snippet)],
        published=hit.published,
        categories=list(hit.categories),
        score=hit.score,
        url=article_path(hit.id),
    )
