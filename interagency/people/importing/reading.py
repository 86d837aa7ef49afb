"""Reading an uploaded staff list: CSV or XLSX bytes to a header and rows of text.

What is not a staff list is refused with a message for the uploader: the wrong
type, too big (also once a workbook is unzipped), no header row, mixed text
encodings, a quote mark never closed, formulas.

A CSV file is read as RFC 4180 says, wherever in the file a quoted field comes:
fields in double quotes may hold the delimiter, line breaks and doubled quotes
(a quote inside a quoted field is doubled: ""Jo"" for "Jo"). Only two things
are detected: the text encoding (UTF-8 with or without a byte order mark,
UTF-16, else Windows-1252) and the delimiter (comma, semicolon, tab or bar),
from how the first records split.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interagency.people.importing import dates
from interagency.people.importing.mapping import FIELDS

if TYPE_CHECKING:
    from _csv import Reader

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A workbook is a zip: its parts may expand far beyond the upload (a zip bomb).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# A quoted field over more lines than this is a quote mark left open, not a staff list's cell.
MAX_LINES_IN_A_FIELD = 50

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
UTF16 = "UTF-16"
DELIMITERS = (",", ";", "\t", "|")
# Records compared under each delimiter to choose one.
DELIMITER_SAMPLE_RECORDS = 200


class ImportFileError(Exception):
    """The file cannot be read as a staff list; the message says why, for the uploader."""


@dataclass
class Table:
    """A staff list as text: the header row and the data rows (row numbers start at 2).

    ``encoding`` names how a CSV file's text was decoded (empty for a workbook);
    ``date_system`` is the workbook's Excel date system, which serial numbers in
    date columns count in (``dates.parse_date``); ``date_cell_columns`` are the
    positions of columns where the workbook held real date cells.
    """

    headers: list[str]
    rows: list[list[str]]
    first_row_number: int = 2
    encoding: str = ""
    date_system: int = dates.DATE_SYSTEM_1900
    date_cell_columns: frozenset[int] = field(default_factory=frozenset)

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
        return _xlsx_table(content)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(
            "The selected file is not an Excel (.xlsx) workbook. Save it as .xlsx or CSV."
        )
    if name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        text, encoding = decode_text(content)
        table = _table(_csv_rows(text))
        table.encoding = encoding
        return table
    raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file.")


def reading_notes(table: Table, columns: dict[str, str]) -> list[str]:
    """How the file was read, for the preview: its encoding and each date column's reading."""
    notes = [f"Read as {table.encoding}"] if table.encoding else []
    index = {header: position for position, header in enumerate(table.headers)}
    for name in ("started_on", "left_on"):
        header = columns.get(name)
        position = index.get(header) if header else None  # a column may have no name
        if position is None:
            continue
        description = dates.describe_column(
            (row[position] for row in table.rows if row),
            date_system=table.date_system,
            date_cells=position in table.date_cell_columns,
        )
        notes.append(f"{FIELDS[name]} ({table.headers[position]}): {description}")
    return notes


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


# --- Text encodings ----------------------------------------------------------------

_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NOT_TEXT = "The selected file is not a text (CSV) file. Save it as CSV UTF-8 and try again."


def decode_csv(content: bytes) -> str:
    """Text of a CSV file (see :func:`decode_text`)."""
    return decode_text(content)[0]


def decode_text(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    UTF-16 is known by its byte order mark, or without one by the zero bytes
    that ASCII characters have in every other place; UTF-8 by its byte order
    mark or by decoding; anything else is Windows-1252 unless part of it is
    UTF-8 (mixed encodings are refused rather than guessed).
    """
    utf16 = _utf16_codec(content)
    if utf16:
        return _decode_utf16(content, utf16), UTF16
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _mixed_encodings(content, error) from error
        encoding = UTF8
    else:
        try:
            text, encoding = content.decode("utf-8"), UTF8
        except UnicodeDecodeError as error:
            if _UTF8_MULTIBYTE.search(content):
                raise _mixed_encodings(content, error) from error
            try:
                text, encoding = content.decode("cp1252"), WINDOWS_1252
            except UnicodeDecodeError as cp_error:
                raise ImportFileError(_NOT_TEXT) from cp_error
    if "\x00" in text:
        raise ImportFileError(_NOT_TEXT)
    return text, encoding


def _utf16_codec(content: bytes) -> str:
    """ "utf-16" (with a byte order mark), "utf-16-le" or "utf-16-be" (without), or ""."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = content[:4096]
    pairs = len(sample) // 2
    if not pairs:
        return ""
    zeros_at_even = sample[0 : pairs * 2 : 2].count(0)
    zeros_at_odd = sample[1 : pairs * 2 : 2].count(0)
    # Mostly-ASCII text in UTF-16 has a zero in every other byte, on one side only;
    # other text has no zero bytes at all.
    enough = max(1, pairs // 4)
    if zeros_at_odd >= enough and zeros_at_even * 8 <= zeros_at_odd:
        return "utf-16-le"
    if zeros_at_even >= enough and zeros_at_odd * 8 <= zeros_at_even:
        return "utf-16-be"
    return ""


def _decode_utf16(content: bytes, codec: str) -> str:
    try:
        text = content.decode(codec)
    except UnicodeDecodeError as error:
        line = content[: error.start].decode(codec, errors="replace").count("\n") + 1
        raise ImportFileError(
            f"The selected file is UTF-16 text that is damaged on line {line}. "
            "Open it in a spreadsheet and save it as CSV UTF-8."
        ) from error
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ImportFileError(_NOT_TEXT)
    return text


def _mixed_encodings(content: bytes, error: UnicodeDecodeError) -> ImportFileError:
    line = content[: error.start].count(b"\n") + 1
    return ImportFileError(
        "The selected file mixes text encodings (some of it is UTF-8, some is not, "
        f"first on line {line}). Open it in a spreadsheet and save it as CSV UTF-8."
    )


# --- CSV records ----------------------------------------------------------------


class _StaffListDialect(csv.Dialect):
    """RFC 4180: double quotes around fields, a doubled quote inside one; any line ending."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = False


def _records(text: str, delimiter: str) -> Reader:
    return csv.reader(io.StringIO(text, newline=""), _StaffListDialect, delimiter=delimiter)


def detect_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or bar) the file's records split on consistently.

    Each candidate splits the first records with quotes respected, so a
    delimiter inside a quoted field counts for nothing. A candidate that gives
    the header more than one column wins over one that does not; then the one
    most records agree with the header's width under; then the wider header.
    A one-column file is compared over all its records.
    """
    scores = {}
    for preference, delimiter in enumerate(DELIMITERS):
        records = _records(text, delimiter)
        try:
            header = next((r for r in records if any(c.strip() for c in r)), [])
            sample = itertools.islice(records, DELIMITER_SAMPLE_RECORDS)
            agreeing = sum(1 for r in sample if len(r) == len(header))
        except csv.Error:
            continue
        scores[delimiter] = (len(header) > 1, agreeing, len(header), -preference)
    if not scores:
        return ","
    best = max(scores, key=lambda delimiter: scores[delimiter])
    if not scores[best][0]:
        return _one_column_delimiter(text)
    return best


def _one_column_delimiter(text: str) -> str:
    """The delimiter under which every record of a one-column file is one field."""
    for delimiter in DELIMITERS:
        try:
            if all(len(record) <= 1 for record in _records(text, delimiter)):
                return delimiter
        except csv.Error:
            continue
    return ","


def _csv_rows(text: str) -> list[list[str]]:
    delimiter = detect_delimiter(text)
    reader = _records(text, delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(
            f"The selected file is not a valid CSV file: {error} (line {reader.line_num})."
        ) from error
    if reader.line_num > len(rows):  # a quoted field holds a line break: was it closed?
        _check_quotes_closed(text, delimiter)
    return rows


def _check_quotes_closed(text: str, delimiter: str) -> None:
    """:class:`ImportFileError` for a quote mark that swallows the lines after it into one cell."""
    reader = _records(text, delimiter)
    line = previous_line = 0
    for _ in reader:
        if reader.line_num - line > MAX_LINES_IN_A_FIELD:
            raise _open_quote(line + 1)
        previous_line, line = line, reader.line_num
    if line - previous_line > 1 and _ends_inside_quotes(text, previous_line, delimiter):
        raise _open_quote(previous_line + 1)


def _ends_inside_quotes(text: str, lines_before: int, delimiter: str) -> bool:
    """True when the record after ``lines_before`` lines is a quoted field the file never closes."""
    lines = io.StringIO(text, newline="")
    for _ in range(lines_before):
        lines.readline()
    try:
        for _ in csv.reader(lines, _StaffListDialect, delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _open_quote(line: int) -> ImportFileError:
    return ImportFileError(
        f'The selected file has a quote mark (") on line {line} that is never closed, so the '
        "lines after it would be read as one cell. Close or remove the quote mark and upload "
        "the file again."
    )


# --- Workbooks ----------------------------------------------------------------


def _xlsx_table(content: bytes) -> Table:
    """Cell values of the first sheet as text; formulas are refused, not evaluated."""
    import openpyxl  # defusedxml is installed, so openpyxl refuses XML entity attacks
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

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
        rows: list[list[str]] = []
        date_cell_columns: set[int] = set()
        for row in workbook.worksheets[0].iter_rows():
            cells = []
            for position, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    raise ImportFileError(
                        f"The workbook has a formula in cell {cell.coordinate}. Copy the "
                        "sheet and paste values only, then upload it again."
                    )
                if isinstance(cell.value, datetime.date):
                    date_cell_columns.add(position)
                cells.append(_cell_text(cell.value))
            rows.append(cells)
        date_system = (
            dates.DATE_SYSTEM_1904
            if workbook.epoch == CALENDAR_MAC_1904
            else dates.DATE_SYSTEM_1900
        )
    finally:
        workbook.close()
    table = _table(rows)
    table.date_system = date_system
    table.date_cell_columns = frozenset(date_cell_columns)
    return table


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
