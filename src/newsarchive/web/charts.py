"""The geometry of the charts the templates draw as inline SVG: "who is quoted most"
(a line per speaker) and a story's or topic's timeline (a bar per day or month).

Pure numbers: points or bars, the y axis's ticks and the x axis's labels. No script and
no inline style (the CSP allows neither): colours come from the stylesheet's ``series-N``
and ``bar`` classes. The pages show the same numbers as a table, for screen readers and
for copying.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from newsarchive.store.base import SpeakerChart

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 12, 40
MAX_X_LABELS = 12
SERIES_CLASSES = 8


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    label: str  # "Dmitry Peskov, 2026-01: 3 quotes"


@dataclass(frozen=True, slots=True)
class Line:
    name: str
    css: str  # "series-N"
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True, slots=True)
class ChartView:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the x axis
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]


def chart_view(chart: SpeakerChart) -> ChartView:
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    count = len(chart.buckets)
    highest = max((max(s.counts, default=0) for s in chart.series), default=0) or 1
    step = (right - LEFT) / (count - 1) if count > 1 else 0.0

    def x(index: int) -> float:
        return LEFT + index * step if count > 1 else (LEFT + right) / 2

    def y(value: int) -> float:
        return bottom - value / highest * (bottom - TOP)

    lines = tuple(
        Line(
            series.speaker.name,
            f"series-{n % SERIES_CLASSES}",
            tuple(
                Point(x(i), y(value), f"{series.speaker.name}, {bucket}: {_quotes(value)}")
                for i, (bucket, value) in enumerate(zip(chart.buckets, series.counts, strict=True))
            ),
        )
        for n, series in enumerate(chart.series)
    )
    values = sorted({0, highest // 2, highest}) if highest > 1 else [0, 1]
    y_ticks = tuple(Tick(y(v), str(v)) for v in values)
    every = max(1, -(-count // MAX_X_LABELS))
    x_ticks = tuple(Tick(x(i), b) for i, b in enumerate(chart.buckets) if i % every == 0)
    return ChartView(WIDTH, HEIGHT, LEFT, right, TOP, bottom, lines, y_ticks, x_ticks)


def _quotes(value: int) -> str:
    return f"{value} quote" if value == 1 else f"{value} quotes"


# -- timelines: articles per day (or month) -----------------------------------------------

BAR_WIDTH, BAR_HEIGHT = 720, 200
BAR_LEFT, BAR_RIGHT, BAR_TOP, BAR_BOTTOM = 36, 12, 12, 36
MAX_DAYS = 120  # a longer timeline is charted per month
MAX_BAR_LABELS = 10


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
class TimelineChart:
    """Articles per day (or month) from the first dated article to the last."""

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


def per_bucket(days: Mapping[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """Every day (or month, for a long span) from the first of ``days`` (day -> articles;
    keys that are not dates are left out) to the last, with its number of articles."""
    counts: Counter[str] = Counter()
    for day, n in days.items():
        if checked := as_day(day):
            counts[checked] += n
    if not counts:
        return "day", []
    ordered = sorted(counts)
    first, last = date.fromisoformat(ordered[0]), date.fromisoformat(ordered[-1])
    if (last - first).days >= MAX_DAYS:
        months: Counter[str] = Counter()
        for day, n in counts.items():
            months[day[:7]] += n
        return "month", [(m, months.get(m, 0)) for m in _months(ordered[0][:7], ordered[-1][:7])]
    span = [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]
    return "day", [(d, counts.get(d, 0)) for d in span]


def as_day(published: str) -> str:
    """The date of a ``published`` value (``YYYY-MM-DD``), or "" when it has none."""
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


def timeline_chart(bucket: str, counts: list[tuple[str, int]]) -> TimelineChart | None:
    """The bars of ``per_bucket``'s counts; None when there is nothing dated."""
    if not counts:
        return None
    right, bottom = BAR_WIDTH - BAR_RIGHT, BAR_HEIGHT - BAR_BOTTOM
    highest = max(n for _, n in counts) or 1
    slot = (right - BAR_LEFT) / len(counts)
    width = max(slot * 0.8, 1.0)
    bars = tuple(
        Bar(
            x=BAR_LEFT + i * slot + (slot - width) / 2,
            y=bottom - n / highest * (bottom - BAR_TOP),
            width=width,
            height=n / highest * (bottom - BAR_TOP),
            bucket=b,
            count=n,
        )
        for i, (b, n) in enumerate(counts)
    )
    values = sorted({0, highest // 2, highest}) if highest > 1 else [0, 1]
    y_ticks = tuple(Tick(bottom - v / highest * (bottom - BAR_TOP), str(v)) for v in values)
    every = max(1, -(-len(counts) // MAX_BAR_LABELS))
    x_ticks = tuple(
        Tick(BAR_LEFT + i * slot + slot / 2, b) for i, (b, _) in enumerate(counts) if i % every == 0
    )
    return TimelineChart(
        bucket, BAR_WIDTH, BAR_HEIGHT, BAR_LEFT, right, BAR_TOP, bottom, bars, y_ticks, x_ticks
    )
