"""The needs chart: bar geometry for a server-drawn SVG of needed against planned places."""

from dataclasses import dataclass
from typing import Any

from interagency.people.needs.arithmetic import CourseNeed

CHART_COURSES = 15
BAR_HEIGHT = 12
ROW_HEIGHT = 40
LABEL_WIDTH = 260
PLOT_WIDTH = 420
TOP = 30


@dataclass(frozen=True)
class ChartRow:
    title: str
    needed: int
    planned: int
    y: int
    needed_width: int
    planned_width: int

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT

    @property
    def planned_y(self) -> int:
        return self.y + BAR_HEIGHT + 2

    @property
    def needed_label_x(self) -> int:
        return LABEL_WIDTH + self.needed_width + 4

    @property
    def planned_label_x(self) -> int:
        return LABEL_WIDTH + self.planned_width + 4


def chart(needs: list[CourseNeed], *, limit: int = CHART_COURSES) -> dict[str, Any]:
    """Bar geometry for needed against planned places: the courses with the biggest gaps."""
    shown = sorted(needs, key=lambda need: -need.gap)[:limit]
    largest = max([1, *(max(need.places_needed, need.planned) for need in shown)])
    rows = [
        ChartRow(
            title=need.title if len(need.title) <= 40 else need.title[:39] + "…",
            needed=need.places_needed,
            planned=need.planned,
            y=TOP + index * ROW_HEIGHT,
            needed_width=round(PLOT_WIDTH * need.places_needed / largest),
            planned_width=round(PLOT_WIDTH * need.planned / largest),
        )
        for index, need in enumerate(shown)
    ]
    return {
        "rows": rows,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": TOP + len(rows) * ROW_HEIGHT + 10,
        "label_x": LABEL_WIDTH - 8,
        "plot_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
