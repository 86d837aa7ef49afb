"""Reading one value of a framework document, and checking it where it is placed."""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from interagency.catalogue.interchange.problems import Problem

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def as_text(value: Any) -> str:
    """A value as stripped text; a whole float (3.0, as spreadsheets give) without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_name(value: Any) -> str:
    """A title or name as written, with single spaces."""
    return " ".join(as_text(value).split())


def rows_of(document: Mapping[str, Any], sheet: str, problems: list[Problem]) -> list[Mapping]:
    """The list ``sheet`` of the document, each row an object; problems for anything else."""
    value = document.get(sheet)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(sheet, 1, sheet, value, f"'{sheet}' must be a list."))
        return []
    rows = []
    for number, row in enumerate(value, start=1):
        if isinstance(row, Mapping):
            rows.append(row)
        else:
            problems.append(Problem(sheet, number, "", row, "Each row must be an object."))
            rows.append({})
    return rows


def as_whole(value: Any) -> int | None:
    """A whole number from 3, "3" or 3.0; raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    return int(str(value).strip())


def as_decimal(value: Any) -> Decimal | None:
    """A finite decimal number, or None when empty; raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def as_strings(value: Any) -> list[str] | None:
    """A list of non-empty strings, or None when the value is not a list of strings."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return [item.strip() for item in value if item.strip()]


def check_whole(
    problems: list[Problem], sheet: str, row: int, column: str, value: Any, *, minimum: int = 1
) -> int | None:
    """The whole number given, or None with a problem when it is not one of at least ``minimum``."""
    try:
        number = as_whole(value)
    except (TypeError, ValueError):
        number = minimum - 1
    if number is not None and number < minimum:
        problems.append(
            Problem(sheet, row, column, value, f"Enter a whole number of at least {minimum}.")
        )
        return None
    return number


def check_hours(
    problems: list[Problem], sheet: str, row: int, column: str, value: Any
) -> Decimal | None:
    """A number of hours, or None with a problem when it is not one."""
    try:
        hours = as_decimal(value)
    except ValueError:
        hours = Decimal(-1)
    if hours is not None and (hours < 0 or hours >= 10000):
        problems.append(Problem(sheet, row, column, value, "Enter a number of hours, like 6."))
        return None
    return hours


def check_list(problems: list[Problem], sheet: str, row: int, column: str, value: Any) -> list[str]:
    """A list of texts, or an empty list with a problem when it is not one."""
    items = as_strings(value)
    if items is None:
        problems.append(Problem(sheet, row, column, value, "Enter a list of texts."))
        return []
    return items
