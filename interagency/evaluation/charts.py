"""Charts drawn on the server as SVG: a scale's means by wave with their 95 % intervals.

The page draws them from these numbers with no script; the same numbers
stand in a table beside each chart, and ``description`` says what the chart
shows in words for screen readers.
"""

import math
from dataclasses import dataclass

from interagency.evaluation.analysis.evaluation import ScaleResults

WIDTH = 480
HEIGHT = 260
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 56


@dataclass(frozen=True)
class ChartPoint:
    label: str
    x: float
    y: float
    low_y: float | None
    high_y: float | None


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MeansChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    points: tuple[ChartPoint, ...]
    ticks: tuple[Tick, ...]
    path: str
    description: str


def number(value: float, places: int = 2) -> str:
    return f"{value:.{places}f}"


def axis(low: float, high: float, percent: bool) -> tuple[float, float, float]:
    """The axis's ends and tick step: 0 to 100 for percentages, else whole numbers around."""
    if percent:
        return 0.0, 100.0, 20.0
    low, high = math.floor(low), math.ceil(high)
    if high <= low:
        low, high = low - 1, high + 1
    span = high - low
    step = 1.0 if span <= 8 else float(math.ceil(span / 5))
    return float(low), float(high), step


def means_chart(scale: ScaleResults, waves: tuple[tuple[str, str], ...]) -> MeansChart | None:
    """The chart of ``scale``'s mean at each wave it was asked; None with no mean to draw."""
    shown = [(key, label, scale.by_wave[key]) for key, label in waves if key in scale.by_wave]
    shown = [(key, label, summary) for key, label, summary in shown if summary.mean is not None]
    if not shown:
        return None
    values = [s.mean for _, _, s in shown if s.mean is not None] + [
        bound for _, _, s in shown for bound in (s.ci_low, s.ci_high) if bound is not None
    ]
    low, high, step = axis(min(values), max(values), scale.percent_correct)
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT

    def y(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - TOP), 1)

    gap = (right - LEFT) / len(shown)
    points = tuple(
        ChartPoint(
            label=label,
            x=round(LEFT + gap * (index + 0.5), 1),
            y=y(summary.mean or 0.0),
            low_y=y(summary.ci_low) if summary.ci_low is not None else None,
            high_y=y(summary.ci_high) if summary.ci_high is not None else None,
        )
        for index, (_, label, summary) in enumerate(shown)
    )
    ticks = []
    value = low
    while value <= high + 1e-9:
        ticks.append(Tick(y(value), f"{value:g}"))
        value += step
    words = "; ".join(
        f"{label}: mean {number(s.mean or 0.0)}"
        + (
            f", 95% interval {number(s.ci_low)} to {number(s.ci_high)}"
            if s.ci_low is not None and s.ci_high is not None
            else ""
        )
        + f", {s.n} {'person' if s.n == 1 else 'people'}"
        for _, label, s in shown
    )
    return MeansChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        points=points,
        ticks=tuple(ticks),
        path=" ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points)),
        description=f"{scale.name}, mean by wave. {words}.",
    )


# Horizontal bars: one row per group, a zero line, 95 % intervals where known.
BAR_LEFT = 200
BAR_ROW = 30


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    x: float
    width: float
    low_x: float | None
    high_x: float | None
    text: str


@dataclass(frozen=True)
class XTick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    zero_x: float
    bars: tuple[Bar, ...]
    ticks: tuple[XTick, ...]
    description: str


def bar_axis(values: list[float]) -> tuple[float, float, float]:
    """An axis through zero covering ``values``, in steps of 0.2, 0.5, 1 or more."""
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    step = next((s for s in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0) if span / s <= 6), 20.0)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    return low, (high if high > low else low + step), step


def bar_chart(rows: list[BarRow], *, what: str) -> BarChart | None:
    """Bars of ``rows``' values with their intervals; ``what`` names the value in words."""
    if not rows:
        return None
    values = [r.value for r in rows] + [b for r in rows for b in (r.low, r.high) if b is not None]
    low, high, step = bar_axis(values)
    height = TOP + BAR_ROW * len(rows) + BOTTOM // 2
    right = WIDTH - RIGHT

    def x(value: float) -> float:
        return round(BAR_LEFT + (value - low) / (high - low) * (right - BAR_LEFT), 1)

    bars = []
    for index, row in enumerate(rows):
        start, end = sorted((x(0.0), x(row.value)))
        bars.append(
            Bar(
                label=row.label,
                y=TOP + BAR_ROW * index,
                x=start,
                width=round(max(end - start, 1.0), 1),
                low_x=x(row.low) if row.low is not None else None,
                high_x=x(row.high) if row.high is not None else None,
                text=number(row.value),
            )
        )
    ticks, value = [], low
    while value <= high + 1e-9:
        ticks.append(XTick(x(value), f"{value:g}"))
        value += step
    words = "; ".join(
        f"{r.label}: {number(r.value)}"
        + (
            f" (95% interval {number(r.low)} to {number(r.high)})"
            if r.low is not None and r.high is not None
            else ""
        )
        for r in rows
    )
    return BarChart(
        width=WIDTH,
        height=height,
        left=BAR_LEFT,
        right=right,
        top=TOP,
        bottom=height - BOTTOM // 2,
        zero_x=x(0.0),
        bars=tuple(bars),
        ticks=tuple(ticks),
        description=f"{what}. {words}.",
    )
