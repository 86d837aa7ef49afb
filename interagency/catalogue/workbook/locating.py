"""Where each value of a document sat in the workbook, to put problems on their cells."""

from dataclasses import dataclass, field, replace

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook.sheets import EQUIVALENCES, ITEM_KINDS, WHOLE_FILE


@dataclass
class Located:
    """Where each value of the document came from, to put validation problems on cells."""

    # (part, 1-based record number, key) -> (spreadsheet row, "E (course)")
    cells: dict[tuple[str, int, str], tuple[int, str]] = field(default_factory=dict)
    # (pathway number, kind or "refreshers", name as written) -> spreadsheet row
    items: dict[tuple[int, str, str], int] = field(default_factory=dict)
    # (pathway number) -> spreadsheet rows of its equivalences, with their names
    equivalences: dict[int, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)


def locate(problem: Problem, located: Located) -> Problem:
    """``problem`` (found in the document) on the spreadsheet row and column it came from."""
    sheet, row, column = problem.sheet, problem.row, str(problem.column)
    placed = None
    if sheet == "pathways" and column in (*ITEM_KINDS, "refreshers"):
        placed = _locate_item(problem, located)
    elif sheet == "pathways" and column == "equivalences":
        placed = _locate_equivalence(problem, located)
    if placed is not None:
        return placed
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


def _locate_item(problem: Problem, located: Located) -> Problem | None:
    """A problem with a pathway's item or refresher, on the pathways sheet row naming it."""
    row, column = problem.row, str(problem.column)
    found = located.items.get((row, column, str(problem.value)))
    if found is None and column == "refreshers":
        found = next(
            (r for (p, _k, _n), r in located.items.items() if p == row and _k == "refreshers"),
            None,
        )
    column_key = "repeat_every_months" if column == "refreshers" else "course"
    cell = located.cells.get(("pathway rows", found, column_key)) if found else None
    if cell:
        return replace(problem, row=cell[0], column=cell[1])
    return None


def _locate_equivalence(problem: Problem, located: Located) -> Problem | None:
    """A problem with a pathway's equivalence, on the equivalences sheet row naming it."""
    rows = located.equivalences.get(problem.row, [])
    found = next((number for number, names in rows if str(problem.value) in names), None)
    if found is None and rows:
        found = rows[0][0]
    if found is not None:
        return replace(problem, sheet=EQUIVALENCES.name, row=found, column="")
    return None
