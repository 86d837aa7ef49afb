"""Reading a workbook's sheets as tables: headers checked, rows bounded, cells located."""

from collections.abc import Iterator
from typing import Any

from openpyxl.utils import get_column_letter

from interagency.catalogue.interchange import Problem
from interagency.catalogue.workbook import limits
from interagency.catalogue.workbook.cells import FORMULA_MESSAGE, is_formula, place, read_cell
from interagency.catalogue.workbook.locating import Located
from interagency.catalogue.workbook.sheets import WHOLE_FILE, Sheet

# A row of a sheet: {key: (the cell's value, where it sits, like "C (tier)")}
Values = dict[str, tuple[Any, str]]


class SheetReader:
    """Reads an open workbook's sheets, keeping every problem and where each value sat."""

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
        """The sheet's rows, numbered from 1, up to the most a sheet may have."""
        worksheet = self.workbook[name]
        for number, cells in enumerate(worksheet.iter_rows(max_col=width), start=1):
            if number > limits.MAX_ROWS + 1:
                self.problem(
                    name, number, "", "", f"A sheet may have at most {limits.MAX_ROWS} rows."
                )
                return
            yield number, cells

    def table(self, sheet: Sheet) -> list[tuple[int, Values]]:
        """``(spreadsheet row, {key: (cell value, "C (tier)")})`` for each row that is not blank."""
        if sheet.name not in self.workbook.sheetnames:
            if sheet.required:
                self.problem(
                    sheet.name, WHOLE_FILE, "", "", f"The workbook has no sheet “{sheet.name}”."
                )
            return []
        rows = self.rows(sheet.name, limits.MAX_COLUMNS)
        first = next(rows, None)
        if first is None:
            self.problem(sheet.name, 1, "", "", "The sheet is empty: it needs its header row.")
            return []
        positions = self.headers(sheet, first[1])
        records = []
        for number, cells in rows:
            values = self.values(sheet, number, cells, positions)
            if values is not None:
                records.append((number, values))
        return records

    def headers(self, sheet: Sheet, cells: tuple) -> dict[str, int]:
        """The position of each column the header row names; problems for the others."""
        known = {column.key for column in sheet.columns}
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            header = "" if cell.value is None else str(cell.value).strip().lower()
            where = place(get_column_letter(index + 1), header)
            if not header:
                continue
            if header not in known:
                self.problem(
                    sheet.name,
                    1,
                    where,
                    cell.value,
                    "This column is not one the import reads: rename or remove it. Columns: "
                    + ", ".join(column.key for column in sheet.columns)
                    + ".",
                )
            elif header in positions:
                self.problem(sheet.name, 1, where, cell.value, "This column appears twice.")
            else:
                positions[header] = index
        for column in sheet.columns:
            if column.required and column.key not in positions:
                self.problem(
                    sheet.name, 1, "", column.key, f"The sheet has no “{column.key}” column."
                )
        return positions

    def values(
        self, sheet: Sheet, number: int, cells: tuple, positions: dict[str, int]
    ) -> Values | None:
        """The row's cells by key, or None when the row is blank; formulas are refused."""
        values: Values = {}
        blank = True
        for key, index in positions.items():
            cell = cells[index] if index < len(cells) else None
            where = place(get_column_letter(index + 1), key)
            if cell is not None and is_formula(cell):
                self.problem(sheet.name, number, where, cell.value, FORMULA_MESSAGE)
                values[key], blank = (None, where), False
                continue
            raw = None if cell is None else cell.value
            if raw is not None and not (isinstance(raw, str) and not raw.strip()):
                blank = False
            values[key] = (raw, where)
        return None if blank else values

    def record(self, sheet: Sheet, part: str, index: int, number: int, values: dict) -> dict:
        """The document record of one row, noting where each of its values sat."""
        record: dict[str, Any] = {}
        for column in sheet.columns:
            raw, where = values.get(column.key, (None, ""))
            if where:
                self.located.cells[(part, index, column.key)] = (number, where)
            try:
                record[column.key] = read_cell(column, raw)
            except ValueError as error:
                self.problem(sheet.name, number, where, raw, str(error))
                record[column.key] = None
        return record
