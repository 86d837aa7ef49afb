"""The regional benchmarks as rows for CSV and XLSX downloads.

A suppressed figure is written as the words "Fewer than 5", never a number;
every cell goes through ``core.spreadsheets.neutralise`` (partnership names are typed).
"""

import io
from collections.abc import Iterator
from typing import Any

import xlsxwriter
from django.http import HttpResponse

from interagency.core.spreadsheets import csv_download, neutralise
from interagency.regional.benchmarks import Benchmark, RegionalBenchmarks
from interagency.regional.figures import Figure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Partnership",
    "Cost per participant (£)",
    "Cost per attended place (£)",
    "Sessions per 1,000 children in need",
    "Places per 1,000 children in need",
    "Participation (%)",
    "Up to date (%)",
]


def headers(found: RegionalBenchmarks) -> list[str]:
    columns = list(HEADERS)
    for scale, unit in found.scales:
        columns += [
            f"{scale} ({unit}): people paired",
            f"{scale} ({unit}): mean change",
            f"{scale} ({unit}): effect size d_z",
        ]
    return columns


def cell(figure: Figure) -> Any:
    """A number stays a number; the words stand where there is none."""
    return float(figure.value) if figure.value is not None else figure.note


def row(benchmark: Benchmark) -> list[Any]:
    cells: list[Any] = [
        benchmark.name,
        *(
            cell(figure)
            for figure in (
                benchmark.cost_per_participant,
                benchmark.cost_per_place,
                benchmark.sessions_per_1000_in_need,
                benchmark.places_per_1000_in_need,
                benchmark.participation_percent,
                benchmark.compliance_percent,
            )
        ),
    ]
    for outcome in benchmark.outcomes:
        cells += [cell(outcome.n), cell(outcome.change), cell(outcome.effect_size)]
    return cells


def rows(found: RegionalBenchmarks) -> Iterator[list[Any]]:
    for benchmark in (*found.partnerships, found.region_row):
        yield [neutralise(value) for value in row(benchmark)]


def csv_response(found: RegionalBenchmarks, file_name: str) -> HttpResponse:
    return csv_download(file_name, headers(found), rows(found))


def xlsx_response(found: RegionalBenchmarks, file_name: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Benchmarks")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers(found), bold)
    for number, values in enumerate(rows(found), start=1):
        sheet.write_row(number, 0, values)
    sheet.set_column(0, 0, 40)
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
