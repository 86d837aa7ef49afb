"""Any table a spreadsheet program could write reads back as it was written.

CSV files are written by Python's ``csv`` module in every quoting style and
delimiter, and workbooks by openpyxl; reading them gives back the same header
and cells. Cells are generated without leading or trailing whitespace, which
the reader trims; blank rows are kept as empty rows so row numbers match the
file, except at the end of the file.
"""

import csv
import datetime
import io
import string

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from interagency.people.importing import reading

PROPERTIES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters that trouble CSV readers, often, among any others.
TRICKY = st.sampled_from([",", ";", "\t", "|", '"', "'", "\n", "\r\n", "é", "ß", "’", "中", "😀"])
ANY_CHARACTER = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


def cells(characters) -> st.SearchStrategy[str]:
    text = st.lists(st.one_of(TRICKY, characters), max_size=12).map("".join)
    return text.filter(lambda cell: cell == cell.strip())


header_names = (
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def tables(draw, cell: st.SearchStrategy) -> tuple[list[str], list[list]]:
    headers = draw(st.lists(header_names, min_size=1, max_size=5, unique_by=str.lower))
    rows = draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers))))
    return headers, rows


def as_read(rows: list[list[str]]) -> list[list[str]]:
    """The rows as the reader gives them: a blank row is empty, blank rows at the end go."""
    read = [row if any(row) else [] for row in rows]
    while read and not read[-1]:
        read.pop()
    return read


def padding(width: int) -> list[list[str]]:
    """Plain rows filling the first 30 kB: no quote, no delimiter but the file's own."""
    return [[f"Padding {n} {column}" for column in range(width)] for n in range(30_000 // 9)]


def encoded(text: str, encoding: str) -> bytes:
    if encoding == "cp1252":
        try:
            content = text.encode("cp1252")
        except UnicodeEncodeError:
            return text.encode("utf-8")
        # Windows-1252 bytes that happen to be UTF-8 are read as UTF-8, as they should be.
        if not content.isascii() and reading._UTF8_MULTIBYTE.search(content):
            return text.encode("utf-8")
        return content
    return text.encode(encoding)


@PROPERTIES
@given(
    table=tables(cells(ANY_CHARACTER)),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    padded=st.booleans(),
)
def test_any_csv_the_csv_module_writes_reads_back_identical(
    table, delimiter, quoting, encoding, padded
):
    headers, rows = table
    if padded:
        rows = padding(len(headers)) + rows
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting)
    writer.writerow(headers)
    writer.writerows(rows)

    read = reading.read_table(encoded(out.getvalue(), encoding), "staff.csv")

    assert read.headers == headers
    assert read.rows == as_read(rows)


XLSX_TEXT = cells(ANY_CHARACTER.filter(lambda c: not ILLEGAL_CHARACTERS_RE.match(c))).filter(
    # Excel keeps line breaks in a cell as "\n"; a leading "=" is a formula, which is refused.
    lambda cell: "\r" not in cell and not cell.startswith("=")
)
XLSX_CELL = st.one_of(
    XLSX_TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 12, 31)),
)


def cell_text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@PROPERTIES
@given(table=tables(XLSX_CELL))
def test_any_table_openpyxl_writes_reads_back_identical(table):
    headers, rows = table
    book = openpyxl.Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)

    read = reading.read_table(out.getvalue(), "staff.xlsx")

    assert read.headers == headers
    assert read.rows == as_read([[cell_text(value) for value in row] for row in rows])
