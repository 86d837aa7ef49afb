"""Reading an uploaded workbook into a framework document, and every problem with it."""

from dataclasses import dataclass
from typing import Any

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook.cells import FORMULA_MESSAGE, is_formula, read_cell
from interagency.catalogue.workbook.locating import Located
from interagency.catalogue.workbook.opening import Refused, open_workbook
from interagency.catalogue.workbook.sheets import (
    COURSE_OPTIONAL,
    COURSES,
    EQUIVALENCES,
    FRAMEWORK,
    ITEM_KINDS,
    PATHWAY_WIDE,
    PATHWAYS,
    QUESTIONS,
    TIERS,
    WHOLE_FILE,
    Sheet,
)
from interagency.catalogue.workbook.tables import SheetReader


@dataclass
class ReadResult:
    document: dict[str, Any]
    problems: list[Problem]
    located: Located


def read_workbook(data: bytes) -> ReadResult:
    """The document in an uploaded workbook, every problem with it, and where each value sat."""
    try:
        workbook = open_workbook(data)
    except Refused as refused:
        return ReadResult({}, [refused.problem], Located())
    try:
        reader = _DocumentReader(workbook)
        document = reader.document()
    finally:
        workbook.close()
    return ReadResult(document, reader.problems, reader.located)


def workbook_to_document(data: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """The document in an XLSX workbook, and every problem found reading it."""
    result = read_workbook(data)
    return result.document, result.problems


class _DocumentReader(SheetReader):
    """Reads each sheet into its part of the framework document."""

    def document(self) -> dict[str, Any]:
        document = self.framework()
        document["tiers"] = self.list_of(TIERS)
        document["questions"] = self.list_of(QUESTIONS)
        document["courses"] = self.courses()
        document["pathways"] = self.pathways()
        self.equivalences(document["pathways"])
        return document

    def framework(self) -> dict[str, Any]:
        """The framework sheet's key and value rows, every key present."""
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
            if key and self.framework_key(number, key, key_value, known, document):
                self.framework_value(number, key, value_cell, document)
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
                document[column.key] = read_cell(column, None)
        return {key: document[key] for key in known}

    def framework_key(
        self, number: int, key: str, written: Any, known: list[str], document: dict[str, Any]
    ) -> bool:
        """Whether the row's key is one the import reads, given once."""
        if key not in known:
            self.problem(
                FRAMEWORK.name,
                number,
                "A (key)",
                written,
                "This key is not one the import reads. Keys: " + ", ".join(known) + ".",
            )
            return False
        if key in document:
            self.problem(FRAMEWORK.name, number, "A (key)", written, "This key appears twice.")
            return False
        return True

    def framework_value(
        self, number: int, key: str, value_cell: Any, document: dict[str, Any]
    ) -> None:
        """Put the row's value in the document under ``key``: None when it cannot be read."""
        self.located.cells[("framework", 1, key)] = (number, "B (value)")
        raw = None if value_cell is None else value_cell.value
        if value_cell is not None and is_formula(value_cell):
            self.problem(FRAMEWORK.name, number, "B (value)", raw, FORMULA_MESSAGE)
            document[key] = None
            return
        try:
            document[key] = read_cell(FRAMEWORK.column(key), raw)
        except ValueError as error:
            self.problem(FRAMEWORK.name, number, "B (value)", raw, str(error))
            document[key] = None

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
        """One pathway per role, gathered from its rows, which must agree on the pathway."""
        pathways: list[dict[str, Any]] = []
        by_role: dict[str, int] = {}
        first_row: dict[int, int] = {}
        for number, values in self.table(PATHWAYS):
            row = self.record(PATHWAYS, "pathway rows", number, number, values)
            role = row["role"] or ""
            index = by_role.get(role.casefold())
            if index is None:
                pathways.append(self.new_pathway(row, number, len(pathways) + 1))
                index = by_role[role.casefold()] = len(pathways)
                first_row[index] = number
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

    def new_pathway(self, row: dict, number: int, index: int) -> dict[str, Any]:
        """The pathway that row ``number`` starts, the ``index``-th; its cells are that row's."""
        pathway: dict[str, Any] = {
            "role": row["role"] or "",
            "tier": row["tier"],
            "window_months": row["window_months"],
            "required": [],
            "recommended": [],
        }
        for key in ("hours_per_period", "period_months"):
            if row[key] is not None:
                pathway[key] = row[key]
        for key in ("role", *PATHWAY_WIDE):
            if cell := self.located.cells.get(("pathway rows", number, key)):
                self.located.cells[("pathways", index, key)] = cell
        return pathway

    def item(self, pathway: dict[str, Any], index: int, number: int, row: dict) -> None:
        """Add the row's item, and its refresher, to the pathway."""
        kind, course = row["kind"], row["course"]
        if (kind and kind not in ITEM_KINDS) or (
            not kind and course and row["repeat_every_months"] is None
        ):
            self.problem(
                PATHWAYS.name,
                number,
                self.located.cells[("pathway rows", number, "kind")][1],
                kind or "",
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
        """Add each equivalence row to its role's pathway."""
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
