"""Writing a framework document as an XLSX workbook."""

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from interagency.catalogue.matching import Candidate, match_item, normalise
from interagency.catalogue.workbook.sheets import (
    COURSES,
    EQUIVALENCES,
    FRAMEWORK,
    ITEM_KINDS,
    KEY_VALUE,
    LIST_SEPARATOR,
    PATHWAY_WIDE,
    PATHWAYS,
    QUESTIONS,
    TIERS,
    Column,
)
from interagency.core.spreadsheets import neutralise


def document_to_workbook(document: Mapping) -> bytes:
    """The document as an XLSX workbook: a bold, frozen header row and sized columns."""
    workbook = Workbook()
    workbook.remove(workbook.active)

    worksheet = _new_sheet(workbook, FRAMEWORK.name, list(KEY_VALUE), [18, 90])
    for column in FRAMEWORK.columns:
        worksheet.append([column.key, _cell(column, document.get(column.key))])
    _wrap_long_text(worksheet)

    pathways = [p for p in document.get("pathways") or [] if isinstance(p, Mapping)]
    for sheet, records in (
        (TIERS, document.get("tiers") or []),
        (COURSES, document.get("courses") or []),
        (PATHWAYS, [row for pathway in pathways for row in pathway_rows(pathway, document)]),
        (
            EQUIVALENCES,
            [
                {**equivalence, "role": pathway.get("role")}
                for pathway in pathways
                for equivalence in pathway.get("equivalences") or []
            ],
        ),
        (QUESTIONS, document.get("questions") or []),
    ):
        worksheet = _new_sheet(
            workbook,
            sheet.name,
            [column.key for column in sheet.columns],
            [column.width for column in sheet.columns],
        )
        for record in records:
            worksheet.append([_cell(column, record.get(column.key)) for column in sheet.columns])
        _wrap_long_text(worksheet)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pathway_rows(pathway: Mapping, document: Mapping) -> list[dict[str, Any]]:
    """One row per item of a pathway; a pathway without items still gets one row.

    A refresher goes on the row of the item it refreshes: the item with the same
    name, else the item whose name the catalogue matches to the refresher's course.
    """
    unmatched = set(pathway.get("unmatched") or [])
    wide = {key: pathway.get(key) for key in ("role", *PATHWAY_WIDE)}
    rows = [
        {**wide, "kind": kind, "course": name, "unmatched": name in unmatched}
        for kind in ITEM_KINDS
        for name in pathway.get(kind) or []
    ]
    for refresher in pathway.get("refreshers") or []:
        course, months = str(refresher.get("course", "")), refresher.get("every_months")
        row = next((r for r in rows if normalise(r["course"]) == normalise(course)), None)
        if row is None:
            row = _row_matching(rows, course, pathway, document)
        if row is None or row.get("repeat_every_months") is not None:
            row = {**wide, "kind": None, "course": course, "unmatched": False}
            rows.append(row)
        row["repeat_every_months"] = months
    return rows or [{**wide, "kind": None, "course": None}]


def _row_matching(
    rows: list[dict[str, Any]], course: str, pathway: Mapping, document: Mapping
) -> dict[str, Any] | None:
    """The first item row whose name the catalogue matches to ``course``."""
    candidates, tier_order = _candidates(document)
    for candidate_row in rows:
        matches = match_item(
            candidate_row["course"],
            tier=str(pathway.get("tier")),
            candidates=candidates,
            tier_order=tier_order,
        )
        if any(m.candidate and m.candidate.title == course for m in matches):
            return candidate_row
    return None


def _candidates(document: Mapping) -> tuple[list[Candidate], dict[str, int]]:
    tier_order = {
        str(tier.get("code")): int(tier.get("order") or 0)
        for tier in document.get("tiers") or []
        if isinstance(tier, Mapping)
    }
    candidates = [
        Candidate(
            key=str(course.get("title")),
            title=str(course.get("title")),
            level=course.get("level"),
            tier=str(course.get("tier")),
            category=str(course.get("category")),
        )
        for course in document.get("courses") or []
        if isinstance(course, Mapping)
    ]
    return candidates, tier_order


def _cell(column: Column, value: Any) -> Any:
    if column.kind == "list":
        return neutralise(LIST_SEPARATOR.join(str(item) for item in value or [])) or None
    if column.kind == "bool":
        return "yes" if value else None
    if value is None or value == "":
        return None
    return neutralise(value)


def _new_sheet(workbook: Workbook, name: str, headers: list[str], widths: list[int]):
    worksheet = workbook.create_sheet(name)
    worksheet.append(headers)
    bold = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.cell(row=1, column=index).font = bold
    worksheet.freeze_panes = "A2"
    return worksheet


def _wrap_long_text(worksheet: Worksheet) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and (len(cell.value) > 40 or "\n" in cell.value):
                cell.alignment = wrap
