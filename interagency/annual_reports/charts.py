"""The report's charts: horizontal bars drawn on the server as SVG, with words saying the same.

Each chart is shown as an image whose text alternative is its description, and
the page and the PDF put a table of the same numbers beside it. No script.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from interagency.annual_reports.selectors.report import ReportFigures

WIDTH = 640
LABEL_WIDTH = 220
ROW = 28
TOP = 10
BLUE = "#1d70b8"
GREY = "#b1b4b6"
BLACK = "#0b0c0c"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    svg: str

    @property
    def data_uri(self) -> str:
        """The SVG as an image address (the page's and the PDF's ``<img>``)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def bar_chart(
    key: str, title: str, rows: Sequence[tuple[str, float | Decimal]], *, unit: str = ""
) -> Chart | None:
    """Bars of ``rows`` (label, value at least 0); ``None`` when there is nothing to draw."""
    if not rows:
        return None
    top = max((float(value) for _, value in rows), default=0.0) or 1.0
    height = TOP * 2 + ROW * len(rows)
    room = WIDTH - LABEL_WIDTH - 80
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Arial, sans-serif" font-size="13">',
        f'<line x1="{LABEL_WIDTH}" x2="{LABEL_WIDTH}" y1="0" y2="{height}" stroke="{GREY}"/>',
    ]
    for index, (label, value) in enumerate(rows):
        y = TOP + ROW * index
        width = round(float(value) / top * room, 1)
        text = escape(label if len(label) <= 32 else label[:31] + "…")
        bar = max(width, 1)
        parts += [
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" fill="{BLACK}">'
            f"{text}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="18" fill="{BLUE}"/>',
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}" fill="{BLACK}">'
            f"{escape(shown(value, unit))}</text>",
        ]
    parts.append("</svg>")
    words = "; ".join(f"{label}: {shown(value, unit)}" for label, value in rows)
    return Chart(key, title, f"{title}. {words}.", "".join(parts))


def shown(value: float | Decimal, unit: str) -> str:
    if unit == "£":
        return f"£{value:,.2f}"
    number = f"{value:,}" if isinstance(value, int) else f"{float(value):,.1f}"
    return f"{number}{unit}"


def report_charts(figures: ReportFigures) -> dict[str, Chart | None]:
    """The charts of the report, by the section they belong to."""
    return {
        "outputs": bar_chart(
            "outputs",
            "Attendances by agency",
            [(row.name, row.attendances) for row in figures.outputs.by_agency],
        ),
        "reach": bar_chart(
            "reach",
            "Participation by profession: per cent of the mapped workforce trained in the year",
            [
                (row.name, row.percent)
                for row in figures.reach.professions
                if row.percent is not None
            ],
            unit="%",
        ),
        "money": bar_chart(
            "money",
            "Spending by kind: actual",
            [(row.label, row.actual) for row in figures.spending if row.actual],
            unit="£",
        ),
    }
