"""Read the published statistics files into checked rows, or say what is wrong and where.

Each file is recognised by its columns (children in need, population, the
authority lookup, our list of code changes). Only local authority rows are
kept. A suppressed cell (``c``, ``u``, ``x``, ``z``, ``:`` or blank) is
``None``: not available, never 0. Anything else that is not a whole number is
a problem naming the file, the row (as a spreadsheet numbers it: the header is
row 1) and the column; a file with any problem is refused whole.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from enum import StrEnum

from interagency.core.validation import PEOPLE, YEAR

SUPPRESSED = frozenset({"", "c", "u", "x", "z", ":", ".."})
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
LOCAL_AUTHORITY = "Local authority"
CHILDREN_AGED_0_TO_17 = "Children aged 0 to 17 years"
MAX_PROBLEMS = 20


class Kind(StrEnum):
    CHILDREN_IN_NEED = "children in need"
    POPULATION = "children aged 0 to 17"
    LOOKUP = "local authority lookup"
    CHANGES = "code changes"


# The columns each kind of file must have; the first kind whose columns are all there wins.
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.CHILDREN_IN_NEED: (
        "time_period",
        "geographic_level",
        "new_la_code",
        "la_name",
        "At31_episodes",
        "Anypoint_child",
    ),
    Kind.POPULATION: (
        "time_period",
        "geographic_level",
        "new_la_code",
        "la_name",
        "age_group",
        "population_estimate",
    ),
    Kind.CHANGES: ("old_code", "old_name", "new_code", "new_name", "kind"),
}
LOOKUP_COLUMNS = re.compile(r"^(LTLA|UTLA)\d\d(CD|NM)$")
CHANGE_KINDS = frozenset({"renamed", "split"})


class StatisticsFileError(Exception):
    """A file that cannot be loaded; ``problems`` lists every reason found, by row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Table:
    """The checked rows of one file, as dictionaries ready to store."""

    file_name: str
    kind: Kind
    rows: list[dict[str, object]] = field(default_factory=list)
    skipped: int = 0


def read_statistics(content: bytes, file_name: str) -> Table:
    """The checked rows of one statistics file, or :class:`StatisticsFileError`."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatisticsFileError([f"{file_name}: is not a UTF-8 CSV file."]) from None
    records = list(csv.reader(io.StringIO(text)))
    if not records or not any(records[0]):
        raise StatisticsFileError([f"{file_name}: is empty."])
    headers = [header.strip() for header in records[0]]
    kind = _kind(headers, file_name)
    table = Table(file_name, kind)
    reader = _Reader(file_name, headers)
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        reader.row(number, record)
        row = READERS[kind](reader)
        if row is None:
            table.skipped += 1
        else:
            table.rows.append(row)
        if len(reader.problems) >= MAX_PROBLEMS:
            reader.problems.append(f"{file_name}: stopped after {MAX_PROBLEMS} problems.")
            break
    if reader.problems:
        raise StatisticsFileError(reader.problems)
    _refuse_repeats(table)
    return table


def _kind(headers: list[str], file_name: str) -> Kind:
    present = set(headers)
    for kind, required in REQUIRED.items():
        if present.issuperset(required):
            return kind
    if {"LTLA", "UTLA"} <= {header[:4] for header in headers if LOOKUP_COLUMNS.match(header)}:
        return Kind.LOOKUP
    raise StatisticsFileError(
        [
            f"{file_name}: is not a file Interagency knows. It needs the columns of the "
            "children in need file (At31_episodes, Anypoint_child), the population file "
            "(age_group, population_estimate), the ONS lower-tier to upper-tier lookup "
            "(LTLAyyCD, LTLAyyNM, UTLAyyCD, UTLAyyNM) or the code changes "
            "(old_code, new_code, kind)."
        ]
    )


class _Reader:
    """Reads the cells of the current row, noting each problem by file, row and column."""

    def __init__(self, file_name: str, headers: list[str]) -> None:
        self.file_name = file_name
        self.index = {header: position for position, header in enumerate(headers)}
        self.headers = headers
        self.problems: list[str] = []
        self.number = 0
        self.record: list[str] = []

    def row(self, number: int, record: list[str]) -> None:
        self.number, self.record = number, record

    def problem(self, column: str, message: str) -> None:
        self.problems.append(f"{self.file_name}, row {self.number}, column {column}: {message}")

    def text(self, column: str) -> str:
        position = self.index[column]
        return self.record[position].strip() if position < len(self.record) else ""

    def column_like(self, pattern: str) -> str:
        return next(header for header in self.headers if re.match(pattern, header))

    def code(self, column: str) -> str:
        value = self.text(column)
        if not GSS_CODE.match(value):
            self.problem(column, f"{value!r} is not a GSS code like E09000007.")
        return value

    def name(self, column: str) -> str:
        value = self.text(column)
        if not value or len(value) > 200:
            self.problem(column, "needs the authority's name (up to 200 characters).")
        return value

    def year(self, column: str) -> int:
        value = self.text(column)
        # DfE periods are a year (2025) or an academic or financial year (202425: its end).
        if re.fullmatch(r"\d{6}", value):
            value = str(int(value[:4]) + 1)
        if not re.fullmatch(r"\d{4}", value) or not YEAR.minimum <= int(value) <= YEAR.maximum:
            self.problem(column, f"{value!r} is not a year from {YEAR.minimum} to {YEAR.maximum}.")
            return 0
        return int(value)

    def count(self, column: str) -> int | None:
        """A whole number of children, or None when the cell is suppressed or blank."""
        value = self.text(column)
        if value.lower() in SUPPRESSED:
            return None
        digits = value.replace(",", "")
        if not digits.isdigit() or int(digits) > PEOPLE.maximum:
            self.problem(
                column,
                f"{value!r} is not a whole number from 0 to {PEOPLE.maximum:,}, nor a "
                "suppressed cell (c, u, x or blank).",
            )
            return None
        return int(digits)


def _authority_row(reader: _Reader) -> dict[str, object] | None:
    if reader.text("geographic_level") != LOCAL_AUTHORITY:
        return None
    return {
        "gss_code": reader.code("new_la_code"),
        "name": reader.name("la_name"),
        "year": reader.year("time_period"),
    }


def _children_in_need(reader: _Reader) -> dict[str, object] | None:
    row = _authority_row(reader)
    if row is not None:
        row["at_31_march"] = reader.count("At31_episodes")
        row["during_year"] = reader.count("Anypoint_child")
    return row


def _population(reader: _Reader) -> dict[str, object] | None:
    if reader.text("age_group") != CHILDREN_AGED_0_TO_17:
        return None
    row = _authority_row(reader)
    if row is not None:
        row["aged_0_to_17"] = reader.count("population_estimate")
    return row


def _lookup(reader: _Reader) -> dict[str, object] | None:
    return {
        "gss_code": reader.code(reader.column_like(r"^LTLA\d\dCD$")),
        "name": reader.name(reader.column_like(r"^LTLA\d\dNM$")),
        "upper_tier_code": reader.code(reader.column_like(r"^UTLA\d\dCD$")),
        "upper_tier_name": reader.name(reader.column_like(r"^UTLA\d\dNM$")),
    }


def _changes(reader: _Reader) -> dict[str, object] | None:
    kind = reader.text("kind")
    if kind not in CHANGE_KINDS:
        reader.problem("kind", f"{kind!r} must be renamed or split.")
    return {
        "old_code": reader.code("old_code"),
        "old_name": reader.name("old_name"),
        "new_code": reader.code("new_code"),
        "new_name": reader.name("new_name"),
        "kind": kind,
    }


READERS = {
    Kind.CHILDREN_IN_NEED: _children_in_need,
    Kind.POPULATION: _population,
    Kind.LOOKUP: _lookup,
    Kind.CHANGES: _changes,
}
KEYS: dict[Kind, tuple[str, ...]] = {
    Kind.CHILDREN_IN_NEED: ("gss_code", "year"),
    Kind.POPULATION: ("gss_code", "year"),
    Kind.LOOKUP: ("gss_code",),
    Kind.CHANGES: ("old_code", "new_code"),
}


def _refuse_repeats(table: Table) -> None:
    """One row per authority (and year): a repeated one would silently replace the first."""
    seen: set[tuple[object, ...]] = set()
    repeated = []
    for row in table.rows:
        key = tuple(row[name] for name in KEYS[table.kind])
        if key in seen:
            repeated.append(f"{table.file_name}: {' '.join(map(str, key))} appears more than once.")
        seen.add(key)
    if repeated:
        raise StatisticsFileError(repeated[:MAX_PROBLEMS])
