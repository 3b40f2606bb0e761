"""The geometry of the "who is quoted most" chart, drawn by the template as inline SVG.

Pure numbers: a line per speaker (points at each bucket, so a single month still shows),
the y axis's ticks and the x axis's labels. No script and no inline style (the CSP allows
neither): colours come from the stylesheet's ``series-N`` classes. The page shows the same
numbers as a table, for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass

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
