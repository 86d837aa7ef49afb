"""A framework document as a file: an XLSX workbook or JSON, and back.

The *document* is the plain structure :mod:`interagency.catalogue.interchange`
exports, validates and builds from (the shape of the files in ``data/``). This
module only converts: it never touches the database. Every complaint about a
file is a :class:`~interagency.catalogue.interchange.Problem` naming the sheet,
the spreadsheet row (row 1 is the header, so row 2 is the first data row), the
column letter with its header, and the value, so that a coordinator can find
and fix every mistake in one go. :func:`locate` moves the problems that
validation finds in the document onto the cells they came from.

Sheets: ``framework`` (key and value rows), ``tiers``, ``courses`` (one row per
course), ``pathways`` (one row per item of a role's pathway), ``equivalences``
and ``questions``. A list sits in one cell, one item a line (or separated by
" | "). A pathway item the framework's catalogue does not have is kept as the
source wrote it; the document lists such names under the pathway's
``unmatched`` key (``unmatched`` = yes on its row), so an export imports again
while an unknown name that nobody declared is refused.

Untrusted files are opened defensively: the upload and its unpacked size are
capped before parsing (openpyxl parses with defusedxml, which refuses entity
expansion bombs), rows and columns read are bounded, formulas are refused, and
text a spreadsheet could take for a formula is exported with a leading
apostrophe (OWASP's advice against formula injection), which the import removes.
"""

import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from interagency.catalogue.interchange import Problem, validate_document
from interagency.catalogue.matching import Candidate, match_item, normalise
from interagency.core.spreadsheets import neutralise, restore

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A workbook's parts unpacked: Competence Matters unpacks to about 100 KB, so
# this is generous, and small enough that a zip bomb cannot exhaust memory.
# zipfile never reads past a member's declared size, so the declared sizes bind.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 5000
MAX_COLUMNS = 40

# A cell starting with one of these may be taken for a formula by a spreadsheet.
LIST_SEPARATOR = "\n"
ALTERNATIVE_SEPARATOR = " | "
ITEM_KINDS = ("required", "recommended")
WHOLE_FILE = 0  # the row of a problem with the file as a whole

Kind = Literal["text", "optional_text", "int", "number", "list", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the document key it holds and how its cells read."""

    key: str
    kind: Kind = "text"
    required: bool = False
    width: int = 20


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = True

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


FRAMEWORK = Sheet(
    "framework",
    (
        Column("slug", required=True),
        Column("name", required=True),
        Column("owner"),
        Column("region", "optional_text"),
        Column("version", required=True),
        Column("source"),
        Column("period_months", "int"),
    ),
)
TIERS = Sheet(
    "tiers",
    (
        Column("code", required=True, width=14),
        Column("name", required=True, width=24),
        Column("order", "int", required=True, width=8),
        Column("audience", width=60),
        Column("outcomes", "list", width=60),
        Column("example_roles", "list", width=40),
        Column("hours_per_period", "number", width=12),
        Column("hours_per_period_max", "number", width=12),
        Column("note", width=40),
    ),
)
COURSES = Sheet(
    "courses",
    (
        Column("title", required=True, width=50),
        Column("tier", required=True, width=14),
        Column("category", required=True, width=14),
        Column("level", "int", width=8),
        Column("duration", required=True, width=22),
        Column("aims", width=60),
        Column("outcomes", "list", width=60),
        Column("topics", "list", width=30),
        Column("delivery_modes", "list", width=22),
        Column("prerequisites", "list", width=50),
        Column("prerequisite_note", width=30),
        Column("refresh_months", "int", width=12),
        Column("local", "bool", width=8),
    ),
)
# Keys a course has only when set: the export leaves them out otherwise.
COURSE_OPTIONAL = {"refresh_months": None, "local": False}
PATHWAYS = Sheet(
    "pathways",
    (
        Column("role", required=True, width=40),
        Column("tier", required=True, width=14),
        Column("window_months", "int", width=12),
        Column("kind", width=14),
        Column("course", width=60),
        Column("repeat_every_months", "int", width=12),
        Column("unmatched", "bool", width=11),
        Column("hours_per_period", "number", width=12),
        Column("period_months", "int", width=12),
    ),
    required=False,
)
# Pathway columns that describe the whole pathway: every row of it must agree.
PATHWAY_WIDE = ("tier", "window_months", "hours_per_period", "period_months")
EQUIVALENCES = Sheet(
    "equivalences",
    (
        Column("role", required=True, width=40),
        Column("counts_for", required=True, width=50),
        Column("course", width=50),
        Column("external_training", width=50),
    ),
    required=False,
)
QUESTIONS = Sheet(
    "questions",
    (
        Column("text", required=True, width=100),
        Column("tier_if_yes", required=True, width=14),
    ),
    required=False,
)
KEY_VALUE = ("key", "value")


def _whole_file(message: str, value: str = "") -> Problem:
    return Problem(sheet="", row=WHOLE_FILE, column="", value=value, message=message)


def _too_large(size: int) -> Problem:
    return _whole_file(
        f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", f"{size:,} bytes"
    )


# --- Writing --------------------------------------------------------------------------------


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


def _wrap_long_text(worksheet) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and (len(cell.value) > 40 or "\n" in cell.value):
                cell.alignment = wrap


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
            candidates, tier_order = _candidates(document)
            for candidate_row in rows:
                matches = match_item(
                    candidate_row["course"],
                    tier=str(pathway.get("tier")),
                    candidates=candidates,
                    tier_order=tier_order,
                )
                if any(m.candidate and m.candidate.title == course for m in matches):
                    row = candidate_row
                    break
        if row is None or row.get("repeat_every_months") is not None:
            row = {**wide, "kind": None, "course": course, "unmatched": False}
            rows.append(row)
        row["repeat_every_months"] = months
    return rows or [{**wide, "kind": None, "course": None}]


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


# --- Reading --------------------------------------------------------------------------------


@dataclass
class Located:
    """Where each value of the document came from, to put validation problems on cells."""

    # (part, 1-based record number, key) -> (spreadsheet row, "E (course)")
    cells: dict[tuple[str, int, str], tuple[int, str]] = field(default_factory=dict)
    # (pathway number, kind or "refreshers", name as written) -> spreadsheet row
    items: dict[tuple[int, str, str], int] = field(default_factory=dict)
    # (pathway number) -> spreadsheet rows of its equivalences, with their names
    equivalences: dict[int, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)


@dataclass
class ReadResult:
    document: dict[str, Any]
    problems: list[Problem]
    located: Located


def _split(text: str) -> list[str]:
    separator = LIST_SEPARATOR if LIST_SEPARATOR in text else ALTERNATIVE_SEPARATOR
    return [part.strip() for part in text.split(separator) if part.strip()]


def _read_cell(column: Column, raw: Any) -> Any:
    """The document value of one cell; raises ValueError with a message for the user."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {"list": [], "text": "", "bool": False}.get(column.kind)
    if isinstance(raw, str):
        raw = restore(raw.strip())
    if column.kind == "list":
        return _split(str(raw))
    if column.kind in ("text", "optional_text"):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw)
    if column.kind == "bool":
        answer = str(raw).strip().lower()
        if answer in ("yes", "y", "true", "1"):
            return True
        if answer in ("no", "n", "false", "0"):
            return False
        raise ValueError("Write yes, or leave the cell empty for no.")
    if isinstance(raw, bool):
        raise ValueError("Write a number.")
    if column.kind == "int":
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and raw.isdigit():
            return int(raw)
        raise ValueError("Write a whole number, like 24.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    try:
        number = float(str(raw))
    except ValueError:
        raise ValueError("Write a number, like 3 or 1.5.") from None
    return int(number) if number.is_integer() else number


def _check_archive(data: bytes) -> None:
    """Refuse, before parsing, anything that is not a plausible XLSX of a framework's size."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _Refused(_too_large(len(data)))
    not_xlsx = _whole_file(
        "The file is not an Excel workbook (.xlsx). Save it as .xlsx, or upload a JSON export."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _Refused(not_xlsx) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _Refused(not_xlsx)
        unpacked = sum(member.file_size for member in members)
        if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
            raise _Refused(
                _whole_file(
                    "The workbook unpacks to far more than a framework needs: it was not opened.",
                    f"{unpacked:,} bytes in {len(members)} parts",
                )
            )


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _is_formula(cell: Any) -> bool:
    if getattr(cell, "data_type", None) == "f":
        return True
    value = getattr(cell, "value", None)
    return isinstance(value, str) and value.startswith("=")


FORMULA_MESSAGE = "Formulas are not allowed: type the value itself."


def _place(letter: str, header: str) -> str:
    return f"{letter} ({header})"


class _Reader:
    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.problems: list[Problem] = []
        self.located = Located()

    def problem(self, sheet: str, row: int, column: str, value: Any, message: str) -> None:
        self.problems.append(
            Problem(
                sheet=sheet,
                row=row,
                column=column,
                value="" if value is None else str(value),
                message=message,
            )
        )

    def rows(self, name: str, width: int) -> Iterator[tuple[int, tuple]]:
        worksheet = self.workbook[name]
        for number, cells in enumerate(worksheet.iter_rows(max_col=width), start=1):
            if number > MAX_ROWS + 1:
                self.problem(name, number, "", "", f"A sheet may have at most {MAX_ROWS} rows.")
                return
            yield number, cells

    def table(self, sheet: Sheet) -> list[tuple[int, dict[str, tuple[Any, str]]]]:
        """``(spreadsheet row, {key: (cell value, "C (tier)")})`` for each row that is not blank."""
        if sheet.name not in self.workbook.sheetnames:
            if sheet.required:
                self.problem(
                    sheet.name, WHOLE_FILE, "", "", f"The workbook has no sheet “{sheet.name}”."
                )
            return []
        rows = self.rows(sheet.name, MAX_COLUMNS)
        first = next(rows, None)
        if first is None:
            self.problem(sheet.name, 1, "", "", "The sheet is empty: it needs its header row.")
            return []
        known = {column.key for column in sheet.columns}
        positions: dict[str, int] = {}
        for index, cell in enumerate(first[1]):
            header = "" if cell.value is None else str(cell.value).strip().lower()
            place = _place(get_column_letter(index + 1), header)
            if not header:
                continue
            if header not in known:
                self.problem(
                    sheet.name,
                    1,
                    place,
                    cell.value,
                    "This column is not one the import reads: rename or remove it. Columns: "
                    + ", ".join(column.key for column in sheet.columns)
                    + ".",
                )
            elif header in positions:
                self.problem(sheet.name, 1, place, cell.value, "This column appears twice.")
            else:
                positions[header] = index
        for column in sheet.columns:
            if column.required and column.key not in positions:
                self.problem(
                    sheet.name, 1, "", column.key, f"The sheet has no “{column.key}” column."
                )
        records = []
        for number, cells in rows:
            values: dict[str, tuple[Any, str]] = {}
            blank = True
            for key, index in positions.items():
                cell = cells[index] if index < len(cells) else None
                place = _place(get_column_letter(index + 1), key)
                if cell is not None and _is_formula(cell):
                    self.problem(sheet.name, number, place, cell.value, FORMULA_MESSAGE)
                    values[key], blank = (None, place), False
                    continue
                raw = None if cell is None else cell.value
                if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                    blank = False
                values[key] = (raw, place)
            if not blank:
                records.append((number, values))
        return records

    def record(self, sheet: Sheet, part: str, index: int, number: int, values: dict) -> dict:
        record: dict[str, Any] = {}
        for column in sheet.columns:
            raw, place = values.get(column.key, (None, ""))
            if place:
                self.located.cells[(part, index, column.key)] = (number, place)
            try:
                record[column.key] = _read_cell(column, raw)
            except ValueError as error:
                self.problem(sheet.name, number, place, raw, str(error))
                record[column.key] = None
        return record

    def framework(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        if FRAMEWORK.name not in self.workbook.sheetnames:
            self.problem(
                FRAMEWORK.name, WHOLE_FILE, "", "", "The workbook has no sheet “framework”."
            )
            return document
        known = [column.key for column in FRAMEWORK.columns]
        for number, cells in self.rows(FRAMEWORK.name, 2):
            key_cell = cells[0] if cells else None
            value_cell = cells[1] if len(cells) > 1 else None
            key_value = None if key_cell is None else key_cell.value
            key = "" if key_value is None else str(key_value).strip().lower()
            if number == 1:
                if key != "key":
                    self.problem(
                        FRAMEWORK.name,
                        1,
                        "A",
                        key_value,
                        "The first row must be the headers “key” and “value”.",
                    )
                continue
            if not key:
                continue
            if key not in known:
                self.problem(
                    FRAMEWORK.name,
                    number,
                    "A (key)",
                    key_value,
                    "This key is not one the import reads. Keys: " + ", ".join(known) + ".",
                )
                continue
            if key in document:
                self.problem(
                    FRAMEWORK.name, number, "A (key)", key_value, "This key appears twice."
                )
                continue
            self.located.cells[("framework", 1, key)] = (number, "B (value)")
            raw = None if value_cell is None else value_cell.value
            if value_cell is not None and _is_formula(value_cell):
                self.problem(FRAMEWORK.name, number, "B (value)", raw, FORMULA_MESSAGE)
                document[key] = None
                continue
            try:
                document[key] = _read_cell(FRAMEWORK.column(key), raw)
            except ValueError as error:
                self.problem(FRAMEWORK.name, number, "B (value)", raw, str(error))
                document[key] = None
        for column in FRAMEWORK.columns:
            if column.key not in document:
                if column.required:
                    self.problem(
                        FRAMEWORK.name,
                        WHOLE_FILE,
                        "A (key)",
                        column.key,
                        f"The sheet has no “{column.key}” row.",
                    )
                document[column.key] = _read_cell(column, None)
        return {key: document[key] for key in known}

    def list_of(self, sheet: Sheet) -> list[dict[str, Any]]:
        return [
            self.record(sheet, sheet.name, index, number, values)
            for index, (number, values) in enumerate(self.table(sheet), start=1)
        ]

    def courses(self) -> list[dict[str, Any]]:
        courses = self.list_of(COURSES)
        for course in courses:
            for key, absent in COURSE_OPTIONAL.items():
                if course.get(key) in (absent, None):
                    course.pop(key, None)
        return courses

    def pathways(self) -> list[dict[str, Any]]:
        pathways: list[dict[str, Any]] = []
        by_role: dict[str, int] = {}
        first_row: dict[int, int] = {}
        for number, values in self.table(PATHWAYS):
            row = self.record(PATHWAYS, "pathway rows", number, number, values)
            role = row["role"] or ""
            index = by_role.get(role.casefold())
            if index is None:
                pathway: dict[str, Any] = {
                    "role": role,
                    "tier": row["tier"],
                    "window_months": row["window_months"],
                    "required": [],
                    "recommended": [],
                }
                for key in ("hours_per_period", "period_months"):
                    if row[key] is not None:
                        pathway[key] = row[key]
                pathways.append(pathway)
                index = by_role[role.casefold()] = len(pathways)
                first_row[index] = number
                for key in ("role", *PATHWAY_WIDE):
                    if cell := self.located.cells.get(("pathway rows", number, key)):
                        self.located.cells[("pathways", index, key)] = cell
            pathway = pathways[index - 1]
            for key in PATHWAY_WIDE:
                if row[key] is not None and row[key] != pathway.get(key):
                    self.problem(
                        PATHWAYS.name,
                        number,
                        self.located.cells[("pathway rows", number, key)][1],
                        row[key],
                        f"Every row of the pathway for “{role}” must give the same {key}"
                        f" as its first row, row {first_row[index]}.",
                    )
            self.item(pathway, index, number, row)
        return pathways

    def item(self, pathway: dict[str, Any], index: int, number: int, row: dict) -> None:
        kind, course = row["kind"], row["course"]
        if kind and kind not in ITEM_KINDS:
            self.problem(
                PATHWAYS.name,
                number,
                self.located.cells[("pathway rows", number, "kind")][1],
                kind,
                "Write required or recommended.",
            )
            return
        if not kind and course and row["repeat_every_months"] is None:
            self.problem(
                PATHWAYS.name,
                number,
                self.located.cells[("pathway rows", number, "kind")][1],
                "",
                "Write required or recommended.",
            )
            return
        if kind and course:
            pathway[kind].append(course)
            self.located.items.setdefault((index, kind, course), number)
        elif kind and not course:
            self.problem(
                PATHWAYS.name,
                number,
                self.located.cells[("pathway rows", number, "course")][1],
                "",
                "Name the course.",
            )
        if row["unmatched"] and course and course not in pathway.setdefault("unmatched", []):
            pathway["unmatched"].append(course)
        if row["repeat_every_months"] is not None and course:
            pathway.setdefault("refreshers", []).append(
                {"course": course, "every_months": row["repeat_every_months"]}
            )
            self.located.items.setdefault((index, "refreshers", course), number)

    def equivalences(self, pathways: list[dict[str, Any]]) -> None:
        by_role = {pathway["role"].casefold(): n for n, pathway in enumerate(pathways, start=1)}
        for number, values in self.table(EQUIVALENCES):
            row = self.record(EQUIVALENCES, "equivalence rows", number, number, values)
            index = by_role.get((row["role"] or "").casefold())
            if index is None:
                self.problem(
                    EQUIVALENCES.name,
                    number,
                    self.located.cells[("equivalence rows", number, "role")][1],
                    row["role"],
                    "No pathway on the pathways sheet is for this role.",
                )
                continue
            equivalence = {"counts_for": row["counts_for"]}
            if row["course"]:
                equivalence["course"] = row["course"]
            if row["external_training"]:
                equivalence["external_training"] = row["external_training"]
            pathways[index - 1].setdefault("equivalences", []).append(equivalence)
            self.located.equivalences.setdefault(index, []).append(
                (number, (row["counts_for"], row["course"], row["external_training"]))
            )

    def document(self) -> dict[str, Any]:
        document = self.framework()
        document["tiers"] = self.list_of(TIERS)
        document["questions"] = self.list_of(QUESTIONS)
        document["courses"] = self.courses()
        document["pathways"] = self.pathways()
        self.equivalences(document["pathways"])
        return document


def read_workbook(data: bytes) -> ReadResult:
    """The document in an uploaded workbook, every problem with it, and where each value sat."""
    try:
        _check_archive(data)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise _Refused(
                _whole_file(
                    "The workbook could not be opened: it may be damaged. Save it again as .xlsx."
                )
            ) from None
    except _Refused as refused:
        return ReadResult({}, [refused.problem], Located())
    try:
        reader = _Reader(workbook)
        document = reader.document()
    finally:
        workbook.close()
    return ReadResult(document, reader.problems, reader.located)


def workbook_to_document(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """The document in an XLSX workbook, and every problem found reading it."""
    result = read_workbook(data)
    return result.document, result.problems


def locate(problem: Problem, located: Located) -> Problem:
    """``problem`` (found in the document) on the spreadsheet row and column it came from."""
    sheet, row, column = problem.sheet, problem.row, str(problem.column)
    value = problem.value
    if sheet == "pathways" and column in (*ITEM_KINDS, "refreshers"):
        found = located.items.get((row, column, str(value)))
        if found is None and column == "refreshers":
            found = next(
                (r for (p, _k, _n), r in located.items.items() if p == row and _k == "refreshers"),
                None,
            )
        column_key = "repeat_every_months" if column == "refreshers" else "course"
        cell = located.cells.get(("pathway rows", found, column_key)) if found else None
        if cell:
            return replace(problem, row=cell[0], column=cell[1])
    if sheet == "pathways" and column == "equivalences":
        rows = located.equivalences.get(row, [])
        found = next((number for number, names in rows if str(value) in names), None)
        if found is None and rows:
            found = rows[0][0]
        if found is not None:
            return replace(problem, sheet=EQUIVALENCES.name, row=found, column="")
    cell = located.cells.get((sheet, row, column))
    if cell:
        return replace(problem, row=cell[0], column=cell[1])
    if sheet == "framework":
        return replace(problem, row=WHOLE_FILE)
    # A record whose cell is not in the sheet (a column left out): point at its first cell.
    first = next(
        (
            place
            for (part, number, _key), place in located.cells.items()
            if (part, number) == (sheet, row)
        ),
        None,
    )
    if first:
        return replace(problem, row=first[0])
    return problem


# --- Documents as files ---------------------------------------------------------------------


def _key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.sheet, problem.row, str(problem.column), str(problem.value))


def declare_unmatched(document: dict[str, Any]) -> dict[str, Any]:
    """List under each pathway's ``unmatched`` the names its catalogue has no course for.

    The names are kept as the source wrote them (the model keeps such items,
    without a course); declaring them lets the file be imported again, while a
    name that matches nothing and was not declared is refused as a mistake.
    """
    pathways = document.get("pathways") or []
    for problem in validate_document(document, strict=False):
        if problem.kind == "unmatched" and 0 < problem.row <= len(pathways):
            declared = pathways[problem.row - 1].setdefault("unmatched", [])
            if problem.value not in declared:
                declared.append(problem.value)
    return document


def import_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every problem that stops ``document`` being imported: strict, but for declared names."""
    pathways = document.get("pathways") or []

    def declared(problem: Problem) -> bool:
        if not (problem.kind == "unmatched" and 0 < problem.row <= len(pathways)):
            return False
        pathway = pathways[problem.row - 1]
        names = pathway.get("unmatched") if isinstance(pathway, Mapping) else None
        return isinstance(names, list) and problem.value in names

    allowed = {_key(p) for p in validate_document(document, strict=False) if declared(p)}
    return [p for p in validate_document(document, strict=True) if _key(p) not in allowed]


# --- JSON -----------------------------------------------------------------------------------


def document_to_json(document: Mapping) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def json_to_document(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """The document in a JSON file; bad JSON is one problem giving its line and column."""
    if len(data) > MAX_UPLOAD_BYTES:
        return {}, [_too_large(len(data))]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return {}, [
            _whole_file(
                "The file is not UTF-8 text: save the JSON as UTF-8.", f"byte {error.start}"
            )
        ]
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        lines = error.doc.splitlines()
        line = lines[error.lineno - 1] if 0 < error.lineno <= len(lines) else ""
        return {}, [
            Problem(
                sheet="JSON",
                row=error.lineno,
                column=f"character {error.colno}",
                value=line.strip()[:80],
                message=f"This is not valid JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno}).",
            )
        ]
    if not isinstance(document, dict):
        return {}, [
            _whole_file(
                "The file must hold one framework: a JSON object with slug, name, tiers "
                "and courses.",
                type(document).__name__,
            )
        ]
    return document, []
