"""Cells written to files a spreadsheet opens (CSV and XLSX downloads).

A cell starting with one of these characters is run as a formula when the file
is opened (OWASP "CSV injection"); every download that carries text a user
typed passes its cells through :func:`neutralise`.
"""

import csv
import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet could run as a formula gets a leading apostrophe; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Undo :func:`neutralise` on text read back from a file this application wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def csv_download(
    file_name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV attachment of ``rows`` under ``headers``, every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    writer = csv.writer(response)
    writer.writerow(headers)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return response


class _Line:
    """A file-like object that hands back what the CSV writer writes, a line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    file_name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """:func:`csv_download` sent as ``rows`` come: an export of any size, in little memory."""
    writer = csv.writer(_Line())
    lines = (
        writer.writerow(line)
        for line in itertools.chain([headers], ([neutralise(cell) for cell in row] for row in rows))
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
