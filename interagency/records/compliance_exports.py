"""The partnership compliance table and participation as rows for CSV and XLSX downloads.

Every cell goes through ``core.spreadsheets.neutralise`` (agency and role names
are typed by people); numbers stay numbers.
"""

import io
from collections.abc import Iterator
from typing import Any

import xlsxwriter
from django.http import HttpResponse

from interagency.core.spreadsheets import neutralise
from interagency.records.selectors.partnership import NO_TIER, Cell, PartnershipCompliance, Row
from interagency.records.statuses import STATUS_ORDER

COMPLIANCE_HEADERS = [
    "Sector",
    "Agency",
    "Tier",
    "People",
    "With a role",
    "Up to date",
    "Up to date (%)",
    *[status.label for status in STATUS_ORDER],
]
PARTICIPATION_HEADERS = [
    "Role",
    "Tier",
    "Named people",
    "Trained in the last 12 months",
    "Mapped workforce",
    "Participation (%)",
    "Under-represented",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_values(cell: Cell) -> list[Any]:
    percent = cell.percent
    return [
        cell.people,
        cell.with_role,
        cell.up_to_date,
        "" if percent is None else percent,
        *[cell.statuses[status.value] for status in STATUS_ORDER],
    ]


def compliance_rows(result: PartnershipCompliance) -> Iterator[list[Any]]:
    """One row per agency and tier, then each agency's, sector's and the partnership's total."""
    tiers = {tier.pk: f"{tier.framework.name}: {tier.name}" for tier in result.tiers}
    tiers[NO_TIER] = "No role"

    def rows_of(row: Row, sector: str, agency: str) -> Iterator[list[Any]]:
        for tier_id, name in tiers.items():
            if tier_id in row.cells:
                yield [sector, agency, name, *cell_values(row.cells[tier_id])]
        yield [sector, agency, "All tiers", *cell_values(row.total)]

    for sector in result.sectors:
        for agency in result.agencies_of(sector.sector):
            yield from rows_of(agency, sector.name, agency.name)
        yield from rows_of(sector, sector.name, "All agencies")
    yield from rows_of(result.total, "All sectors", "All agencies")


def participation_rows(result: PartnershipCompliance) -> Iterator[list[Any]]:
    for item in result.professions:
        percent = item.percent
        yield [
            item.name,
            item.tier,
            item.people,
            item.trained,
            item.workforce,
            "" if percent is None else percent,
            "Yes" if item.under_represented else "No",
        ]


def workbook_response(file_name: str, result: PartnershipCompliance) -> HttpResponse:
    """An XLSX of two sheets, compliance and participation, every text cell neutralised."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    for title, headers, rows in (
        ("Compliance", COMPLIANCE_HEADERS, compliance_rows(result)),
        ("Participation", PARTICIPATION_HEADERS, participation_rows(result)),
    ):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, headers, bold)
        for number, row in enumerate(rows, start=1):
            sheet.write_row(number, 0, [neutralise(value) for value in row])
        sheet.set_column(0, len(headers) - 1, 18)
    book.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
