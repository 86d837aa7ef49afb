"""Reading an uploaded staff list: CSV or XLSX bytes to a header and rows of text.

What is not a staff list is refused with a message for the uploader: the wrong
type, too big (also once a workbook is unzipped), no header row, mixed text
encodings, formulas.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A workbook is a zip: its parts may expand far beyond the upload (a zip bomb).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


class ImportFileError(Exception):
    """The file cannot be read as a staff list; the message says why, for the uploader."""


@dataclass
class Table:
    """A staff list as text: the header row and the data rows (row numbers start at 2)."""

    headers: list[str]
    rows: list[list[str]]
    first_row_number: int = 2

    def numbered_rows(self) -> Iterable[tuple[int, list[str]]]:
        return enumerate(self.rows, start=self.first_row_number)


def read_table(content: bytes, file_name: str) -> Table:
    """The header and rows of an uploaded CSV or XLSX file, or :class:`ImportFileError`."""
    if not content:
        raise ImportFileError("The selected file is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
    name = file_name.lower()
    if content.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xlsm")):
            raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file.")
        rows = _xlsx_rows(content)
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(
            "The selected file is not an Excel (.xlsx) workbook. Save it as .xlsx or CSV."
        )
    elif name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        rows = _csv_rows(content)
    else:
        raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file.")
    return _table(rows)


def _table(rows: list[list[str]]) -> Table:
    # Skip blank lines before the header; drop blank rows after it.
    start = 0
    while start < len(rows) and not any(cell.strip() for cell in rows[start]):
        start += 1
    if start == len(rows):
        raise ImportFileError("The selected file has no rows.")
    headers = [cell.strip() for cell in rows[start]]
    if _looks_like_data(headers):
        raise ImportFileError(
            "The first row of the file must be a header row naming the columns "
            "(such as Name, Email, Job title). The first row looks like a person's details."
        )
    named = [header for header in headers if header]
    if len({h.lower() for h in named}) != len(named):
        raise ImportFileError(
            "The header row must name each column once: two columns share a name."
        )
    width = len(headers)
    data: list[list[str]] = []
    for row in rows[start + 1 :]:
        if not any(cell.strip() for cell in row):
            data.append([])  # kept so row numbers match the file; skipped when planning
            continue
        cells = [cell.strip() for cell in row[:width]]
        data.append(cells + [""] * (width - len(cells)))
    while data and not data[-1]:
        data.pop()
    return Table(headers=headers, rows=data, first_row_number=start + 2)


_DATA_LIKE = re.compile(r"@|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$|^\d+(\.\d+)?$")


def _looks_like_data(headers: list[str]) -> bool:
    """True when the first row holds values (an email, a date, a number), or no names at all."""
    if not any(headers):
        return True
    return any(_DATA_LIKE.search(header) for header in headers if header)


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_csv(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without a byte order mark), else Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _mixed_encodings(content, error) from error
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(content):
            raise _mixed_encodings(content, error) from error
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as cp_error:
            raise ImportFileError(
                "The selected file is not a text (CSV) file. Save it as CSV UTF-8 and try again."
            ) from cp_error
    if "\x00" in text:
        raise ImportFileError(
            "The selected file is not a text (CSV) file. Save it as CSV UTF-8 and try again."
        )
    return text


def _mixed_encodings(content: bytes, error: UnicodeDecodeError) -> ImportFileError:
    line = content[: error.start].count(b"\n") + 1
    return ImportFileError(
        "The selected file mixes text encodings (some of it is UTF-8, some is not, "
        f"first on line {line}). Open it in a spreadsheet and save it as CSV UTF-8."
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    text = decode_csv(content)
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise ImportFileError(f"The selected file is not a valid CSV file: {error}.") from error


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """Cell values of the first sheet as text; formulas are refused, not evaluated."""
    import openpyxl  # defusedxml is installed, so openpyxl refuses XML entity attacks

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) workbook.") from error
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            "The selected workbook is too large once opened. Split it or save it as CSV."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) workbook.") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise ImportFileError(
                        f"The workbook has a formula in cell {cell.coordinate}. Copy the "
                        "sheet and paste values only, then upload it again."
                    )
                cells.append(_cell_text(cell.value))
            rows.append(cells)
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
