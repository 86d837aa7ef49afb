"""The annual report's figures as an XLSX workbook, with native charts beside their tables.

Written with XlsxWriter from the same ``ReportFigures`` as the page and the PDF.
Every text cell is written as text and neutralised (``core.spreadsheets``), so a
name a user typed never runs as a formula; a figure not available is the words
"not available", never 0. Each chart carries a description for screen readers.
"""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import xlsxwriter

from interagency.annual_reports.charts import report_charts
from interagency.annual_reports.selectors.report import Change, ReportFigures
from interagency.core.spreadsheets import neutralise

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_AVAILABLE = "not available"


class Sheet:
    """A worksheet written row by row: text neutralised, numbers as numbers, None in words."""

    def __init__(self, book: Any, name: str, formats: dict[str, Any]) -> None:
        self.book = book
        self.sheet = book.add_worksheet(name)
        self.name = name
        self.formats = formats
        self.row = 0
        self.sheet.set_column(0, 0, 42)
        self.sheet.set_column(1, 6, 16)

    def heading(self, text: str) -> None:
        self.sheet.write_string(self.row, 0, neutralise(text), self.formats["heading"])
        self.row += 2

    def write(self, values: Sequence[Any], style: str | None = None) -> int:
        for column, value in enumerate(values):
            cell_format = self.formats.get(style) if style else None
            if value is None:
                self.sheet.write_string(self.row, column, NOT_AVAILABLE, cell_format)
            elif isinstance(value, str):
                self.sheet.write_string(self.row, column, neutralise(value), cell_format)
            elif isinstance(value, Decimal):
                self.sheet.write_number(self.row, column, float(value), self.formats["money"])
            else:
                self.sheet.write_number(self.row, column, value, cell_format)
        self.row += 1
        return self.row - 1

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
        """Headers then rows; answers the first and last data row (last < first: none)."""
        self.write(headers, "header")
        first = self.row
        for row in rows:
            self.write(row)
        last = self.row - 1
        self.row += 1
        return first, last

    def chart(self, first: int, last: int, value_column: int, title: str, words: str) -> None:
        """A bar chart of column ``value_column`` against the labels of column A, beside."""
        if last < first:
            return
        chart = self.book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": title,
                "categories": [self.name, first, 0, last, 0],
                "values": [self.name, first, value_column, last, value_column],
                "fill": {"color": "#1d70b8"},
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        self.sheet.insert_chart(first, 8, chart, {"description": words})


def report_workbook(figures: ReportFigures) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    formats = {
        "heading": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bottom": 1}),
        "money": book.add_format({"num_format": "£#,##0.00"}),
    }
    charts = report_charts(figures)
    words = {key: chart.description if chart else "" for key, chart in charts.items()}
    _about(Sheet(book, "About", formats), figures)
    _outputs(Sheet(book, "Outputs", formats), figures, words["outputs"])
    _reach(Sheet(book, "Reach and compliance", formats), figures, words["reach"])
    _outcomes(Sheet(book, "Outcomes", formats), figures)
    _money(Sheet(book, "Costs and funding", formats), figures, words["money"])
    _ratios(Sheet(book, "Children of the area", formats), figures)
    book.close()
    return output.getvalue()


def file_name(figures: ReportFigures) -> str:
    return f"annual-report-{figures.year}-{figures.year + 1}.xlsx"


def _about(sheet: Sheet, figures: ReportFigures) -> None:
    sheet.heading(f"Annual report {figures.label}: {figures.partnership_name}")
    for part in figures.narrative:
        sheet.write([part.heading, part.text or "Not written yet."])
    sheet.write([])
    sheet.write(["Outcomes", figures.suppressed_words])


def _outputs(sheet: Sheet, figures: ReportFigures, words: str) -> None:
    found = figures.outputs
    sheet.heading("Outputs")
    sheet.table(
        ["Figure", "Number"],
        [
            ["Sessions delivered", found.sessions],
            ["Training days", found.training_days],
            ["Places offered", found.places],
            ["Places confirmed", found.confirmed],
            ["Fill rate (per cent)", found.fill_percent],
            ["Attendances", found.attendances],
            ["No-shows", found.no_shows],
            ["Sessions cancelled", found.cancelled_sessions],
        ],
    )
    first, last = sheet.table(
        ["Agency", "Places confirmed", "Attendances", "No-shows"],
        [[row.name, row.confirmed, row.attendances, row.no_shows] for row in found.by_agency],
    )
    sheet.chart(first, last, 2, "Attendances by agency", words)


def _reach(sheet: Sheet, figures: ReportFigures, words: str) -> None:
    reach = figures.reach
    sheet.heading("Participation by profession against the mapped workforce")
    first, last = sheet.table(
        ["Profession", "Tier", "Trained", "Workforce", "Per cent", "Under-represented"],
        [
            [
                p.name,
                p.tier,
                p.trained,
                p.workforce,
                p.percent,
                "Yes" if p.under_represented else "No",
            ]
            for p in reach.professions
        ],
    )
    sheet.chart(first, last, 4, "Participation by profession (per cent)", words)
    sheet.heading(f"Compliance by sector on {reach.as_at.isoformat()}")
    sheet.table(
        ["Sector", "People with a role", "Up to date", "Per cent"],
        [[s.name, s.with_role, s.up_to_date, s.percent] for s in (*reach.sectors, reach.total)],
    )


def _change(change: Change) -> list[Any]:
    if change.n is None:
        return [change.note, "", ""]
    return [change.n, change.mean, change.d_z]


def _outcomes(sheet: Sheet, figures: ReportFigures) -> None:
    sheet.heading("Outcomes: pooled change, the region's and published research")
    sheet.write([figures.suppressed_words])
    sheet.row += 1
    sheet.table(
        [
            "Course type and scale",
            "n",
            "Mean change",
            "d_z",
            "Region n",
            "Region mean change",
            "Region d_z",
            "Published research",
        ],
        [
            [
                f"{o.course_type}: {o.scale} ({o.unit})",
                *_change(o.own),
                *_change(o.region),
                "; ".join(o.published) or "None on this scale",
            ]
            for o in figures.outcomes
        ],
    )
    sheet.write([f"Published research: {figures.published_source}"])


def _money(sheet: Sheet, figures: ReportFigures, words: str) -> None:
    sheet.heading("Costs and funding")
    sheet.table(
        ["Income", "Planned", "Actual"], [[r.label, r.planned, r.actual] for r in figures.income]
    )
    first, last = sheet.table(
        ["Spending", "Planned", "Actual"],
        [[r.label, r.planned, r.actual] for r in figures.spending],
    )
    sheet.chart(first, last, 2, "Spending by kind: actual", words)
    sheet.table(
        ["Agency contributions", "Planned", "Actual"],
        [[r.label, r.planned, r.actual] for r in figures.contributions],
    )
    sheet.table(
        [
            "Course",
            "Sessions",
            "Total cost",
            "Per session",
            "Per participant",
            "Per attended place",
        ],
        [
            [u.label, u.sessions, u.cost, u.per_session, u.per_participant, u.per_place]
            for u in figures.unit_costs
        ],
    )


def _ratios(sheet: Sheet, figures: ReportFigures) -> None:
    sheet.heading("Training beside the children of the area")
    sheet.table(
        ["Official figure", "Number"],
        [
            [f"Children in need at 31 March {figures.year + 1} (DfE)", figures.children_in_need],
            [f"Children aged 0 to 17, mid-{figures.year} (ONS)", figures.children],
        ],
    )
    sheet.table(
        ["Rate", "Value"],
        [[r.label, None if r.value is None else float(r.value)] for r in figures.ratios],
    )
