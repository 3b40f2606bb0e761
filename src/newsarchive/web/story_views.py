"""What the story pages show: a story's timeline, and its articles per day as the
geometry of a bar chart (drawn by the template as inline SVG, with a table of the same
numbers). Pure: built from store objects, no HTML."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

from newsarchive.store.base import ListedArticle, Store
from newsarchive.store.grouping import StoredStory, StoryList
from newsarchive.web.problems import not_found

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 12, 36
MAX_DAYS = 120  # a longer story is charted per month
MAX_X_LABELS = 10
SAME_STORY_LINKS = 8


def story_path(story_id: str) -> str:
    return f"/story/{quote(story_id, safe='')}"


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    bucket: str  # "2026-01-02" or "2026-01"
    count: int

    @property
    def label(self) -> str:
        return f"{self.bucket}: {self.count} article{'' if self.count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class TimelineChart:
    """Articles per day (or month) from the story's first dated article to its last."""

    bucket: str  # "day" or "month"
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]


def per_bucket(articles: tuple[ListedArticle, ...]) -> tuple[str, list[tuple[str, int]]]:
    """Every day (or month, for a long story) from the first dated article to the last,
    with its number of articles; undated articles are not counted."""
    days = sorted(_day(a.published) for a in articles if a.published and _day(a.published))
    if not days:
        return "day", []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    if (last - first).days >= MAX_DAYS:
        months = Counter(d[:7] for d in days)
        span = [m for m in _months(days[0][:7], days[-1][:7])]
        return "month", [(m, months.get(m, 0)) for m in span]
    counts = Counter(days)
    span_days = [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]
    return "day", [(d, counts.get(d, 0)) for d in span_days]


def _day(published: str) -> str:
    try:
        return date.fromisoformat(published[:10]).isoformat()
    except ValueError:
        return ""


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def timeline_chart(articles: tuple[ListedArticle, ...]) -> TimelineChart | None:
    bucket, counts = per_bucket(articles)
    if not counts:
        return None
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    highest = max(n for _, n in counts) or 1
    slot = (right - LEFT) / len(counts)
    width = max(slot * 0.8, 1.0)
    bars = tuple(
        Bar(
            x=LEFT + i * slot + (slot - width) / 2,
            y=bottom - n / highest * (bottom - TOP),
            width=width,
            height=n / highest * (bottom - TOP),
            bucket=b,
            count=n,
        )
        for i, (b, n) in enumerate(counts)
    )
    values = sorted({0, highest // 2, highest}) if highest > 1 else [0, 1]
    y_ticks = tuple(Tick(bottom - v / highest * (bottom - TOP), str(v)) for v in values)
    every = max(1, -(-len(counts) // MAX_X_LABELS))
    x_ticks = tuple(
        Tick(LEFT + i * slot + slot / 2, b) for i, (b, _) in enumerate(counts) if i % every == 0
    )
    return TimelineChart(bucket, WIDTH, HEIGHT, LEFT, right, TOP, bottom, bars, y_ticks, x_ticks)


@dataclass(frozen=True, slots=True)
class StoryView:
    story: StoredStory
    articles: tuple[ListedArticle, ...]  # oldest first, undated last
    chart: TimelineChart | None
    counts: tuple[tuple[str, int], ...]  # the chart's numbers, for its table
    bucket: str


def story_view(store: Store, story_id: str) -> StoryView:
    page = store.story(story_id)
    if page is None:
        raise not_found(f"The story {story_id!r}")
    bucket, counts = per_bucket(page.articles)
    return StoryView(
        page.story, page.articles, timeline_chart(page.articles), tuple(counts), bucket
    )


def stories_list(store: Store, page: int, size: int) -> StoryList:
    return store.stories(size, (page - 1) * size)


def same_story(store: Store, story_id: str | None, article_id: str) -> tuple[ListedArticle, ...]:
    """The other articles of the article's story (a few, in time order), for its page."""
    if story_id is None:
        return ()
    page = store.story(story_id)
    if page is None:
        return ()
    others = [a for a in page.articles if a.id != article_id]
    return tuple(others[:SAME_STORY_LINKS])
