"""Long-format CSV: one line per answer, the shape R, Stata and pivot tables read best."""

from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from interagency.core.spreadsheets import csv_download
from interagency.evaluation.exports.table import ResponseTable, response_table
from interagency.evaluation.filters import ResultsFilter

HEADERS = [
    "response",
    "wave",
    "respondent",
    "code",
    "session",
    "version",
    "submitted_at",
    "scale",
    "item",
    "value",
    "text",
]


def long_rows(table: ResponseTable) -> tuple[list[str], Iterator[list[Any]]]:
    """The headers and the lines; a named evaluation adds each person's name after the code."""
    headers = list(HEADERS)
    if table.named:
        headers.insert(4, "name")

    def lines() -> Iterator[list[Any]]:
        for row in table.rows:
            for column in table.columns:
                if column.key not in row.answers:
                    continue
                answer = row.answers[column.key]
                line = [
                    row.response,
                    row.wave,
                    row.respondent,
                    row.code,
                    row.session or "",
                    row.version,
                    timezone.localtime(row.submitted_at).isoformat(),
                    column.scale,
                    column.key,
                    "" if column.is_text else answer,
                    answer if column.is_text else "",
                ]
                if table.named:
                    line.insert(4, row.name)
                yield line

    return headers, lines()


def long_csv_download(
    plan, *, only: ResultsFilter | None = None, file_name: str = "evaluation.csv"
) -> HttpResponse:
    """The plan's answers (those ``only`` keeps) as a formula-safe CSV attachment
    (``core.spreadsheets``)."""
    headers, lines = long_rows(response_table(plan, only))
    return csv_download(file_name, headers, lines)
