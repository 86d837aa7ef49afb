"""One cell of a sheet: the document value it holds, and whether it is a formula."""

from typing import Any

from interagency.catalogue.workbook.sheets import ALTERNATIVE_SEPARATOR, LIST_SEPARATOR, Column
from interagency.core.spreadsheets import restore

FORMULA_MESSAGE = "Formulas are not allowed: type the value itself."


def split_list(text: str) -> list[str]:
    """The items of a list cell: one a line, or separated by " | "."""
    separator = LIST_SEPARATOR if LIST_SEPARATOR in text else ALTERNATIVE_SEPARATOR
    return [part.strip() for part in text.split(separator) if part.strip()]


def read_cell(column: Column, raw: Any) -> Any:
    """The document value of one cell; raises ValueError with a message for the user."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {"list": [], "text": "", "bool": False}.get(column.kind)
    if isinstance(raw, str):
        raw = restore(raw.strip())
    if column.kind == "list":
        return split_list(str(raw))
    if column.kind in ("text", "optional_text"):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw)
    if column.kind == "bool":
        return _read_yes_or_no(raw)
    if isinstance(raw, bool):
        raise ValueError("Write a number.")
    if column.kind == "int":
        return _read_whole(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else raw
    try:
        number = float(str(raw))
    except ValueError:
        raise ValueError("Write a number, like 3 or 1.5.") from None
    return int(number) if number.is_integer() else number


def _read_yes_or_no(raw: Any) -> bool:
    answer = str(raw).strip().lower()
    if answer in ("yes", "y", "true", "1"):
        return True
    if answer in ("no", "n", "false", "0"):
        return False
    raise ValueError("Write yes, or leave the cell empty for no.")


def _read_whole(raw: Any) -> int:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise ValueError("Write a whole number, like 24.")


def is_formula(cell: Any) -> bool:
    """Whether a cell holds a formula, which the import refuses."""
    if getattr(cell, "data_type", None) == "f":
        return True
    value = getattr(cell, "value", None)
    return isinstance(value, str) and value.startswith("=")


def place(letter: str, header: str) -> str:
    """A column as a problem names it: its letter and header, like "C (tier)"."""
    return f"{letter} ({header})"
