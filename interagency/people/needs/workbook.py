"""The needs table as an XLSX workbook, with a bar chart of needed against planned places."""

from interagency.core.spreadsheets import neutralise
from interagency.people.needs.arithmetic import CourseNeed
from interagency.people.needs.chart import CHART_COURSES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(needs: list[CourseNeed], *, heading: str) -> bytes:
    """The needs table as an XLSX workbook, with a bar chart of needed against planned."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Training needs"
    sheet.append([neutralise(heading)])
    columns = ["Course", "Tier", "People needing", "Places needed a year", "Planned", "Gap"]
    sheet.append(columns)
    for need in needs:
        sheet.append(
            [
                neutralise(need.title),
                neutralise(need.tier),
                need.people,
                need.places_needed,
                need.planned,
                need.gap,
            ]
        )
    for letter, width in zip("ABCDEF", (50, 25, 15, 20, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    shown = min(len(needs), CHART_COURSES)
    if shown:
        bars = BarChart()
        bars.type = "bar"
        bars.title = "Places needed and planned a year"
        bars.y_axis.title = "Places"
        data = Reference(sheet, min_col=4, max_col=5, min_row=2, max_row=2 + shown)
        labels = Reference(sheet, min_col=1, min_row=3, max_row=2 + shown)
        bars.add_data(data, titles_from_data=True)
        bars.set_categories(labels)
        bars.height = 4 + shown
        bars.width = 24
        sheet.add_chart(bars, "H2")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
