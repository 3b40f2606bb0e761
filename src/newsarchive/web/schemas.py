"""The JSON API's bodies as pydantic models, so /openapi.json describes them exactly."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    """Every error: a stable code, a message saying what to do, the HTTP status."""

    error: str = Field(examples=["not_found"])
    message: str
    status: int


class CaptionOut(BaseModel):
    text: str
    credit: str | None
    image_url: str | None = Field(
        default=None, description="the picture's address as published (not checked)"
    )


class RelatedOut(BaseModel):
    title: str
    url: str | None = Field(description="as published (any scheme; not checked)")
    image_caption: str | None
    image_credit: str | None
    article_id: str | None = Field(description="the archived article with this title, if any")


class SourceOut(BaseModel):
    """The input the article was read from: a file, a fetched page or a WARC record."""

    sha256: str
    start: int = Field(description="first character of the article in the decoded source")
    end: int = Field(description="one past its last character")
    encoding: str | None
    path: str | None = Field(description="the file read; for a WARC record, the WARC file")
    url: str | None = Field(description="the address fetched, or the WARC record's target")
    media_type: str | None = Field(default=None, examples=["text/html"])
    record_id: str | None = Field(default=None, description="the WARC record's WARC-Record-ID")
    record_offset: int | None = Field(default=None, description="its byte offset in the file")
    fetched_at: str | None = Field(default=None, description="when it was fetched (UTC)")
    http_status: int | None = None
    original_url: str = Field(description="the input's original bytes, as a download")


class CategoryOut(BaseModel):
    name: str
    slug: str
    count: int
    url: str = Field(description="the category's page")


class ListedOut(BaseModel):
    """An article as a listing shows it."""

    id: str
    headline: str
    title: str | None
    summary: str | None
    published: str | None
    first_seen: str
    categories: list[str]
    caption: CaptionOut | None
    teaser: bool = Field(default=False, description="only a teaser of it is archived")
    url: str
    duplicate_of: str | None = Field(
        default=None, description="the id of the earlier article it near-duplicates"
    )


class NeighbourOut(BaseModel):
    category: str
    newer: ListedOut | None
    older: ListedOut | None


class EntityOut(BaseModel):
    """An entity of the archive under its canonical name."""

    name: str
    label: str = Field(examples=["PERSON"], description="PERSON, ORG, GPE or LOC")
    slug: str
    url: str = Field(description="its page: the articles naming it")
    speaker_url: str = Field(description="its quotes' page")


class EntityCountOut(BaseModel):
    entity: EntityOut
    count: int = Field(description="articles naming it, or quotes by it (see the endpoint)")


class QuoteOut(BaseModel):
    """A quotation as the article attributes it; offsets index the article's title,
    summary and paragraphs joined by a blank line."""

    speaker: str | None = Field(description="the archive's name for the speaker; null: unresolved")
    speaker_url: str | None
    speaker_text: str | None = Field(description='how the article names them ("he", "Peskov")')
    role: str | None
    text: str
    cue: str | None = Field(examples=["said"])
    direct: bool = Field(description="in quotation marks")
    start: int
    end: int


class FigureOut(BaseModel):
    value: str = Field(examples=["6,483"])
    number: float | None
    counts: str | None = Field(examples=["civilian casualties"])
    period: str | None
    claimed_by: str | None
    claimed_by_url: str | None
    start: int
    end: int


class ArticleEntityOut(BaseModel):
    name: str = Field(description="as the article names it")
    canonical: str = Field(description="the archive's name for it")
    label: str
    role: str | None
    mentions: list[list[int]] = Field(description="[start, end) of each mention")
    url: str | None


class ArticleRefOut(BaseModel):
    id: str
    headline: str
    published: str | None
    url: str


class ArchivedQuoteOut(BaseModel):
    article: ArticleRefOut
    quote: QuoteOut


class ArchivedFigureOut(BaseModel):
    article: ArticleRefOut
    figure: FigureOut


class SpeakerOut(BaseModel):
    speaker: EntityOut
    quotes: list[ArchivedQuoteOut] = Field(description="newest article first")
    page: PageOut


class EntityPageOut(BaseModel):
    entity: EntityOut
    quotes: int = Field(description="quotes by it")
    articles: list[ListedOut] = Field(description="the articles naming it, newest first")
    named_with: list[EntityCountOut] = Field(description="entities named in the same articles")
    page: PageOut


class FiguresOut(BaseModel):
    claimed_by: EntityOut | None
    entity: EntityOut | None
    q: str | None
    total: int
    figures: list[ArchivedFigureOut]
    page: PageOut


class SpeakerSeriesOut(BaseModel):
    speaker: EntityOut
    total: int
    counts: list[int] = Field(description="quotes per bucket, in the order of buckets")


class SpeakerChartOut(BaseModel):
    category: CategoryOut
    date_from: str | None
    date_to: str | None
    bucket: Literal["month", "year", "day"]
    buckets: list[str]
    speakers: list[SpeakerSeriesOut] = Field(description="most quoted first")


class StoryRefOut(BaseModel):
    id: str
    label: str = Field(description="the story's most central headline")
    url: str = Field(description="the story's page")


class TopicRefOut(BaseModel):
    id: str
    label: str = Field(description="the label of the topic's most central story")
    url: str = Field(description="the topic's page")


class PredictedCategoryOut(BaseModel):
    """A category the archive's classifier gives an article its source gave none."""

    name: str
    confidence: float = Field(ge=0, le=1)
    predicted: Literal[True] = Field(default=True, description="always true: not the source's")


class StoryOut(BaseModel):
    id: str
    label: str
    key_entities: list[str]
    first: str | None = Field(description="its earliest article's publication date")
    last: str | None = Field(description="its latest")
    articles: int = Field(description="articles in it, near-duplicates too")
    url: str
    topic: TopicRefOut | None = Field(
        default=None, description="the topic it belongs to; null before topics were stored"
    )


class TopicOut(BaseModel):
    id: str
    label: str = Field(description="the label of its most central story")
    key_entities: list[str]
    first: str | None = Field(description="its earliest article's publication date")
    last: str | None = Field(description="its latest")
    stories: int = Field(description="stories in it")
    articles: int = Field(description="articles in its stories, near-duplicates too")
    url: str


class DayCountOut(BaseModel):
    bucket: str = Field(examples=["2026-01-02"], description="a day, or a month (YYYY-MM)")
    articles: int


class StoryPageOut(BaseModel):
    story: StoryOut
    articles: list[ListedOut] = Field(description="oldest first, undated last")
    bucket: Literal["day", "month"]
    timeline: list[DayCountOut] = Field(description="articles per day (month for long ones)")


class StoriesOut(BaseModel):
    stories: list[StoryOut] = Field(description="newest first")
    page: PageOut


class TopicPageOut(BaseModel):
    topic: TopicOut
    stories: list[StoryOut] = Field(description="oldest first, undated last")
    bucket: Literal["day", "month"]
    timeline: list[DayCountOut] = Field(description="its articles per day (month for long ones)")


class TopicsOut(BaseModel):
    topics: list[TopicOut] = Field(description="newest first")
    page: PageOut


class ArticleOut(BaseModel):
    id: str
    title: str | None
    summary: str | None
    headline: str
    paragraphs: list[str]
    captions: list[CaptionOut]
    related: list[RelatedOut]
    categories: list[str]
    authors: list[str]
    published: str | None
    dateline: str | None
    canonical_url: str | None = Field(
        default=None, description="the article's address as published (its id derives from it)"
    )
    updated: str | None = None
    language: str | None = None
    tags: list[str] = Field(default_factory=list)
    teaser: bool = Field(
        default=False, description="only a teaser (a feed entry, a listing item) is archived"
    )
    source: SourceOut
    neighbours: NeighbourOut | None
    url: str = Field(description="this article's page in the archive")
    raw_url: str
    raw: str | None = Field(default=None, description="the source span, with ?raw=true")
    enrichment_version: str | None = Field(
        default=None, description="the enricher's version; null when not enriched yet"
    )
    entities: list[ArticleEntityOut] = Field(default_factory=list)
    quotes: list[QuoteOut] = Field(default_factory=list)
    figures: list[FigureOut] = Field(default_factory=list)
    story: StoryRefOut | None = Field(default=None, description="null until grouped")
    topic: TopicRefOut | None = Field(
        default=None, description="its story's topic; null until grouped"
    )
    duplicate_of: str | None = Field(
        default=None, description="the id of the earlier article it near-duplicates"
    )
    predicted_categories: list[PredictedCategoryOut] = Field(default_factory=list)
    same_story: list[ListedOut] = Field(
        default_factory=list, description="a few other articles of its story, oldest first"
    )


class PageOut(BaseModel):
    page: int
    page_size: int
    total: int
    pages: int
    next: str | None = Field(description="the next page of this JSON, if any")
    previous: str | None


class ArticlesOut(BaseModel):
    articles: list[ListedOut]
    page: PageOut


class CategoryPageOut(BaseModel):
    category: CategoryOut
    date_from: str | None
    date_to: str | None
    articles: list[ListedOut]
    page: PageOut
    feed: str


class SegmentOut(BaseModel):
    text: str
    match: bool


class HitOut(BaseModel):
    id: str
    headline: str
    title: str | None
    summary: str | None
    snippet: str = Field(description="matches [in brackets], as the CLI prints them")
    segments: list[SegmentOut]
    published: str | None
    categories: list[str]
    score: float
    url: str


class SearchOut(BaseModel):
    query: str
    category: str | None
    date_from: str | None
    date_to: str | None
    sort: Literal["relevance", "newest"]
    total: int
    bounded: bool = Field(
        description="more than 2,000 matches: the newest 2,000, newest first, unranked"
    )
    hits: list[HitOut]
    page: PageOut


class StatsOut(BaseModel):
    articles: int
    sources: int
    revisions: int
    categories: int
    earliest: str | None
    latest: str | None


class HomeOut(BaseModel):
    stats: StatsOut
    categories: list[CategoryOut]
    latest: list[ListedOut]


class IngestOut(BaseModel):
    added: int
    updated: int
    unchanged: int
    articles: list[str] = Field(description="ids of the articles read from the dump")
