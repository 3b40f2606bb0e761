"""The Store interface: what any archive backend (SQLite now, PostgreSQL later) provides.

Everything above the store (CLI, web) talks to this interface only. A backend takes
one input file's articles in one transaction (``add_document``), so a crash or Ctrl-C
leaves the archive exactly as it was before that file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING

from newsarchive.model import (
    Article,
    Caption,
    Document,
    Enrichment,
    FetchState,
    Figure,
    Quote,
    category_slug,
    make_article_id,
    url_key,
)

if TYPE_CHECKING:
    from newsarchive.model import Grouping, PredictedCategory
    from newsarchive.store.grouping import (
        GroupingCounts,
        StoryLike,
        StoryList,
        StoryPage,
        TopicLike,
        TopicList,
        TopicPage,
    )


class Outcome(Enum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class IngestCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: IngestCounts) -> IngestCounts:
        return IngestCounts(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> IngestCounts:
        items = list(outcomes)
        return cls(
            added=items.count(Outcome.ADDED),
            updated=items.count(Outcome.UPDATED),
            unchanged=items.count(Outcome.UNCHANGED),
        )


class SortOrder(Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str
    category: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    sort: SortOrder = SortOrder.RELEVANCE
    limit: int = 20
    offset: int = 0
    duplicates: bool = False  # True: near-duplicates too (hidden by default)


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    headline: str
    title: str | None
    summary: str | None
    snippet: str  # with [ and ] around matched terms (see HIGHLIGHT_OPEN/CLOSE)
    published: str | None
    categories: tuple[str, ...]
    score: float


HIGHLIGHT_OPEN = "\x02"
HIGHLIGHT_CLOSE = "\x03"


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[SearchHit, ...]
    total: int  # matches considered; see ``bounded``
    bounded: bool  # True when a very common query shows its newest matches, newest first


@dataclass(frozen=True, slots=True)
class Revision:
    number: int  # 1 = first seen
    content_hash: str
    seen_at: str
    article: Article


@dataclass(frozen=True, slots=True)
class CategoryCount:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    articles: int
    sources: int
    revisions: int
    earliest: str | None
    latest: str | None


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """A page of articles newest first (by ``published``, undated last, then newest added).

    ``category`` is a category name (None: every article); dates are ISO, inclusive.
    Near-duplicates are left out unless ``duplicates`` (they are never deleted).
    """

    category: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    limit: int = 20
    offset: int = 0
    duplicates: bool = False


@dataclass(frozen=True, slots=True)
class ListedArticle:
    """What a listing shows of an article, without its body or provenance."""

    id: str
    title: str | None
    summary: str | None
    lead: str  # the first paragraph (cut at a few hundred characters)
    published: str | None
    first_seen: str  # when the archive first saw it (ISO, UTC)
    categories: tuple[str, ...]
    caption: Caption | None  # the first caption, with its credit
    teaser: bool = False  # only a teaser is archived (a feed entry, a listing item)
    duplicate_of: str | None = None  # the id of the article it near-duplicates

    @property
    def headline(self) -> str:
        return self.title or self.summary or self.lead


@dataclass(frozen=True, slots=True)
class Listing:
    items: tuple[ListedArticle, ...]
    total: int  # articles matching the category and dates, on every page


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The articles around one in a listing: ``newer`` is above it, ``older`` below."""

    newer: ListedArticle | None
    older: ListedArticle | None


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What the archive knows of one input (a file, a fetched page, a WARC record),
    without its bytes: ``source_text`` gives those."""

    sha256: str
    path: str | None  # the file read; for a WARC record, the WARC file
    url: str | None  # the address fetched (or the WARC record's target URI)
    encoding: str
    media_type: str | None  # "text/html", "text/plain", ... when the reader knew it
    size: int  # bytes
    added_at: str  # when the archive first stored it (ISO, UTC)
    exact: bool  # True when ``source_text`` gives back bytes with this sha256
    record_id: str | None = None
    record_offset: int | None = None
    fetched_at: str | None = None
    http_status: int | None = None


# -- who said what ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity of the archive under its canonical name (the one every article's
    shorter forms were merged into) and the slug of its pages."""

    name: str
    label: str
    slug: str


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity with how often the archive has it: articles naming it, or quotes by it."""

    entity: EntityRef
    count: int


@dataclass(frozen=True, slots=True)
class ArchivedQuote:
    """A quote with the article it is in; ``quote.speaker`` is the archive's canonical name."""

    article_id: str
    headline: str
    published: str | None
    quote: Quote
    speaker: EntityRef | None


@dataclass(frozen=True, slots=True)
class QuotePage:
    items: tuple[ArchivedQuote, ...]
    total: int


@dataclass(frozen=True, slots=True)
class ArchivedFigure:
    """A figure with the article it is in; ``figure.claimed_by`` is a canonical name."""

    article_id: str
    headline: str
    published: str | None
    figure: Figure
    claimed_by: EntityRef | None


@dataclass(frozen=True, slots=True)
class FigureQuery:
    """Figures newest first: claimed by an entity, in articles naming an entity, and/or
    whose value, what it counts or its period contains ``text`` (case-insensitive)."""

    claimed_by: str | None = None
    entity: str | None = None
    text: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class FigurePage:
    items: tuple[ArchivedFigure, ...]
    total: int


@dataclass(frozen=True, slots=True)
class SpeakerSeries:
    """One speaker's quotes per bucket of a ``SpeakerChart`` (aligned with its buckets)."""

    speaker: EntityRef
    total: int
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SpeakerChart:
    """Who is quoted most in a category, per month (or year, or day): the top speakers,
    most quoted first, and every bucket from the first to the last with a quote."""

    category: str
    bucket: str  # "month", "year" or "day"
    buckets: tuple[str, ...]  # "2024-01", ...
    series: tuple[SpeakerSeries, ...]


BUCKETS = {"year": 4, "month": 7, "day": 10}
# a query with more matches than this lists the most recently added this many, newest first
# and unranked (``SearchResult.bounded``), on every backend
RANK_WINDOW = 2_000


@dataclass(frozen=True, slots=True)
class TableRows:
    """One table of an archive as ``copy`` moves it between backends: the table's name,
    its column names and its rows (streamed, in primary-key order). Both backends have the
    same tables and columns holding the same values (text, integers, floats, bytes); only
    derived structures (the full-text index, category listings) are not copied but rebuilt."""

    table: str
    columns: tuple[str, ...]
    rows: Iterator[tuple[object, ...]]


class Store(ABC):
    """An archive of articles with full-text search. Use as a context manager."""

    @abstractmethod
    def add_document(self, document: Document, articles: Sequence[Article]) -> IngestCounts:
        """Store one input and its articles atomically; same input twice adds nothing."""

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def revisions(self, article_id: str) -> list[Revision]:
        """Every revision of an article, oldest first (the last is the current one)."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def categories(self) -> list[CategoryCount]: ...

    @abstractmethod
    def iter_articles(self, category: str | None = None) -> Iterator[Article]:
        """Every current article, newest first, streamed (flat memory)."""

    @abstractmethod
    def source_text(self, sha256: str) -> bytes | None:
        """The original bytes of an ingested input, exactly as read."""

    @abstractmethod
    def source_info(self, sha256: str) -> SourceInfo | None:
        """Where an ingested input came from (path, URL, WARC record, fetch) and its media
        type; None when no input has this sha256.

        One input is stored once: the same bytes read again (another path, a re-fetch)
        keep the provenance of their first reading."""

    def find_by_url(self, url: str) -> Article | None:
        """The article whose canonical URL is ``url`` (``Article.url``, as the reader
        canonicalised it), or None. Its id derives from the URL, so this is a ``get``."""
        article = self.get(make_article_id(url_key(url)))
        return article if article is not None and article.url == url else None

    @abstractmethod
    def fetch_state(self, url: str) -> FetchState | None:
        """What was recorded of the last fetch of ``url`` (for ``If-None-Match`` /
        ``If-Modified-Since``), or None when it was never recorded."""

    @abstractmethod
    def record_fetch(self, state: FetchState) -> None:
        """Remember a fetch of ``state.url``, replacing what was recorded before.

        Written at once, in a small transaction of its own (not in ``add_document``'s).
        Record a fetch only after its document is stored: a crash in between then costs
        one unconditional re-fetch, never a page the archive believes it has."""

    @abstractmethod
    def stats(self) -> ArchiveStats: ...

    @abstractmethod
    def list_articles(self, query: ListingQuery) -> Listing:
        """One page of a category (or of everything), newest first, with the total.

        Must stay fast at millions of articles for the first pages and bounded offsets:
        walk an index in order, never sort the whole category.
        """

    @abstractmethod
    def neighbours(self, article_id: str, category: str) -> Neighbours:
        """The articles just newer and just older than ``article_id`` in ``category``'s
        listing (the order of ``list_articles``); both None when it is not in it."""

    @abstractmethod
    def resolve_titles(self, titles: Sequence[str]) -> dict[str, str]:
        """Which of ``titles`` (related-link titles) name an archived article: title -> id.

        A title matches an article whose title or summary is the same text after
        ``normalise_title`` (case and spacing ignored); of several, the newest added wins.
        """

    # -- who said what -----------------------------------------------------------------

    @abstractmethod
    def put_enrichments(self, items: Iterable[tuple[Article, Enrichment]]) -> int:
        """Store each article's enrichment, replacing its previous one, all in one
        transaction; returns how many were stored.

        ``Article`` is the text the enrichment was computed from: when the archive's
        current text of that id differs (a new revision came meanwhile) or the id is gone,
        that enrichment is skipped, so offsets always index the current text. Archive-level
        names are merged here: a shorter form ("Peskov") joins the one full name that ends
        with it ("Dmitry Peskov"), never one of two candidates."""

    def put_enrichment(self, article_id: str, enrichment: Enrichment) -> bool:
        """Store the enrichment of the article's current text (see ``put_enrichments``)."""
        article = self.get(article_id)
        return article is not None and self.put_enrichments([(article, enrichment)]) == 1

    @abstractmethod
    def enrichment(self, article_id: str) -> Enrichment | None:
        """The article's enrichment as it was put (names as in the article), or None when
        it was never enriched or its text changed since."""

    @abstractmethod
    def enrichment_backlog(self, version: str, *, force: bool = False) -> int:
        """How many articles ``articles_needing_enrichment`` would give."""

    @abstractmethod
    def articles_needing_enrichment(
        self, version: str, *, force: bool = False
    ) -> Iterator[Article]:
        """Articles never enriched, or enriched by another ``version`` (every article with
        ``force``), in ingest order, streamed (flat memory; writes in between are fine)."""

    @abstractmethod
    def find_entity(self, slug: str) -> EntityRef | None:
        """The canonical entity one of whose names has this slug (``/speaker/peskov`` finds
        Dmitry Peskov: compare the slugs to redirect)."""

    @abstractmethod
    def canonical_entities(self, names: Sequence[str]) -> dict[str, EntityRef]:
        """The canonical entity of each name as an article gives it (for links)."""

    @abstractmethod
    def speaker_quotes(self, name: str, limit: int = 20, offset: int = 0) -> QuotePage:
        """Every quote by the entity ``name`` (any of its names), newest article first."""

    @abstractmethod
    def entity_articles(self, name: str, limit: int = 20, offset: int = 0) -> Listing:
        """The articles naming the entity ``name``, newest first."""

    @abstractmethod
    def co_entities(self, name: str, limit: int = 20) -> list[EntityCount]:
        """The entities named in the same articles as ``name``, by articles in common."""

    @abstractmethod
    def figures(self, query: FigureQuery) -> FigurePage: ...

    @abstractmethod
    def top_speakers(
        self,
        category: str,
        date_from: str | None = None,
        date_to: str | None = None,
        bucket: str = "month",
        limit: int = 8,
    ) -> SpeakerChart:
        """Who is quoted most in ``category`` (dated articles within the dates), over time."""

    @abstractmethod
    def speakers(self, limit: int = 100) -> list[EntityCount]:
        """The most quoted entities, with their number of quotes."""

    @abstractmethod
    def entities(self, label: str | None = None, limit: int = 100) -> list[EntityCount]:
        """The most named entities (of ``label``: PERSON, ORG, GPE or LOC), by articles."""

    # -- stories, near-duplicates, predicted categories ------------------------------

    @abstractmethod
    def grouping(self, article_id: str) -> Grouping:
        """The article's story, the original it near-duplicates and its predicted
        categories (an empty ``Grouping`` when it was never grouped)."""

    @abstractmethod
    def put_groupings(
        self,
        duplicates: Mapping[str, str | None],
        stories: Sequence[StoryLike],
        states: Mapping[str, bytes],
        *,
        rebuild: bool = False,
        topics: Sequence[TopicLike] = (),
    ) -> GroupingCounts:
        """In one transaction: mark the articles of ``duplicates`` grouped (each with the
        id of its original, or None), give every article of ``stories`` (the clusterer's
        whole current list) its story, record stories that vanished as merged into the one
        that now holds their articles, give every story of ``topics`` (the clusterer's
        whole current list of topics) its topic, record topics that vanished as merged
        into the one that now holds most of their stories, and store ``states``. A
        near-duplicate belongs to its original's story. ``rebuild`` first forgets every
        grouping, story and topic."""

    @abstractmethod
    def grouping_backlog(self) -> int:
        """How many articles ``articles_needing_grouping`` would give."""

    @abstractmethod
    def articles_needing_grouping(self, *, every: bool = False) -> Iterator[Article]:
        """Articles the dedup index and the clusterer have not seen (every article with
        ``every``, for a rebuild), in ingest order, streamed (a new revision of a grouped
        article keeps its grouping)."""

    @abstractmethod
    def story(self, story_id: str) -> StoryPage | None:
        """A story and its articles, oldest first; a merged story's id gives the story
        it was merged into (compare the ids to redirect); None when unknown."""

    @abstractmethod
    def stories(self, limit: int = 20, offset: int = 0) -> StoryList:
        """Current stories, newest first (by their latest article's date)."""

    @abstractmethod
    def topic(self, topic_id: str) -> TopicPage | None:
        """A topic, its current stories oldest first and its articles per day; a merged
        topic's id gives the topic it was merged into (compare the ids to redirect);
        None when unknown."""

    @abstractmethod
    def topics(self, limit: int = 20, offset: int = 0) -> TopicList:
        """Current topics, newest first (by their latest article's date)."""

    @abstractmethod
    def put_predictions(self, items: Iterable[tuple[str, Sequence[PredictedCategory]]]) -> int:
        """Store each article's predicted categories (replacing earlier ones) in one
        transaction; returns how many articles were written."""

    @abstractmethod
    def articles_without_categories(self) -> Iterator[Article]:
        """Articles whose source gave no category, in ingest order, streamed."""

    @abstractmethod
    def state(self, name: str) -> bytes | None:
        """A stored state (the dedup index, the clusterer, the category model)."""

    @abstractmethod
    def put_state(self, name: str, data: bytes) -> None:
        """Store a state, replacing the previous one, in a transaction of its own."""

    @abstractmethod
    def dump_tables(self) -> Iterator[TableRows]:
        """Every stored table (not the derived ones), parents before children, each
        streamed; with ``load_tables`` of another backend this is ``newsarchive copy``."""

    @abstractmethod
    def load_tables(self, tables: Iterable[TableRows]) -> int:
        """Fill an empty archive with ``dump_tables`` of another one, in one transaction,
        then rebuild the derived structures; returns the number of rows written. Refuses
        (``StoreError``) an archive that already holds articles."""

    def category_name(self, slug: str) -> str | None:
        """The category whose ``category_slug`` is ``slug`` (the most used, on a clash)."""
        for category in self.categories():
            if category_slug(category.name) == slug:
                return category.name
        return None

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
