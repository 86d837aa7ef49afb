"""Read a CSV or XLSX file of session costs into checked rows, or every problem by row and column.

The people import's careful reader (``people.importing.reading.read_table``)
reads the file. Columns: ``session`` (the session's id, required) and any of
the cost columns (``venue_actual``, ``trainer_fee_planned``, …) and
``trainer_days_in_kind``, ``venue_days_in_kind``. A blank cost is not known;
a column left out is not known too.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from interagency.core.errors import Problem
from interagency.core.validation import MONEY
from interagency.finance.models import COST_FIELDS, DAYS
from interagency.people.importing.reading import ImportFileError, read_table

DAY_FIELDS = ("trainer_days_in_kind", "venue_days_in_kind")
COLUMNS = ("session", *COST_FIELDS, *DAY_FIELDS)
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class CostRow:
    row: int
    session_id: int
    costs: dict[str, Decimal | None]
    days: dict[str, Decimal]


def read_cost_rows(content: bytes, file_name: str) -> tuple[list[CostRow], list[Problem]]:
    """The file's rows, checked; or the problems found (none stored either way)."""
    try:
        table = read_table(content, file_name)
    except ImportFileError as error:
        return [], [("file", str(error))]
    headers = [header.strip().lower() for header in table.headers]
    unknown = [header for header in headers if header and header not in COLUMNS]
    if "session" not in headers or unknown:
        named = f" Unknown: {', '.join(unknown)}." if unknown else ""
        return [], [
            ("file", f"The first row must name the columns: session, then any of "
                     f"{', '.join(COLUMNS[1:])}.{named}")
        ]  # fmt: skip
    rows: list[CostRow] = []
    problems: list[Problem] = []
    for number, cells in table.numbered_rows():
        values = dict(zip(headers, [cell.strip() for cell in cells], strict=False))
        if not any(values.values()):
            continue
        row = _row(number, values, problems)
        if row is not None:
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if not rows and not problems:
        problems.append(("file", "The file has no rows of costs."))
    return rows, problems


def _row(number: int, values: dict[str, str], problems: list[Problem]) -> CostRow | None:
    before = len(problems)
    session = values.get("session", "")
    if not session.isdigit():
        problems.append(("file", f"Row {number}, column session: enter the session's number."))
    costs = {
        name: _amount(number, name, values.get(name, ""), MONEY.maximum, 2, problems)
        for name in COST_FIELDS
    }
    days = {
        name: _amount(number, name, values.get(name, ""), DAYS.maximum, 1, problems)
        or Decimal("0.0")
        for name in DAY_FIELDS
    }
    if len(problems) > before:
        return None
    return CostRow(number, int(session), costs, days)


def _amount(
    number: int, column: str, text: str, maximum: Decimal, places: int, problems: list[Problem]
) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.removeprefix("£"))
    except InvalidOperation:
        value = None
    exponent = value.as_tuple().exponent if value is not None else 0
    if (
        value is None
        or not value.is_finite()
        or not Decimal(0) <= value <= maximum
        or (isinstance(exponent, int) and exponent < -places)
    ):
        problems.append(
            (
                "file",
                f"Row {number}, column {column}: {text!r} must be a number from 0 to "
                f"{maximum:,} with at most {places} decimal places.",
            )
        )
        return None
    return value
