"""A file of e-learning completions checked row by row into a plan, before anything is saved.

The file is read by the people import's careful readers (``people.importing.reading``:
CSV in UTF-8, UTF-16 or Windows-1252 with its delimiter found, or XLSX with its
date system) and its dates by ``people.importing.dates`` (ISO, UK day/month/year,
Excel serial numbers; never US month/day). Each row names a person (by work email
or staff number) and a course (by its number in the catalogue, or its title) with
the day it was completed. A row naming an unknown person or course, a day still to
come or unreadable hours is listed with its row number and column, and nothing is
applied for it; a completion already recorded is counted, not recorded twice.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.validation import HOURS
from interagency.people.importing import dates
from interagency.people.importing.reading import Table
from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership

# Each field's accepted headers (compared without case, spaces, dashes or underscores).
HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("workemail", "email", "emailaddress"),
    "staff_number": ("staffnumber", "employeenumber", "staffid", "employeeid", "payrollnumber"),
    "course_number": ("coursenumber", "courseid", "coursecode", "code"),
    "course_title": ("course", "coursetitle", "coursename", "title", "module"),
    "completed_on": ("completed", "completedon", "completiondate", "datecompleted", "date"),
    "hours": ("hours", "duration", "durationhours"),
    "inter_agency": ("interagency", "multiagency"),
}
LABELS = {
    "email": "Work email",
    "staff_number": "Staff number",
    "course_number": "Course number",
    "course_title": "Course",
    "completed_on": "Completed",
    "hours": "Hours",
    "inter_agency": "Inter-agency",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


class ColumnsMissing(ValueError):
    """The header row lacks a column the import needs; the message says which."""


@dataclass
class Completion:
    """One row to record: who completed which course on which day."""

    number: int
    person: Person
    course: Any  # a catalogue course with its shown title and hours
    completed_on: date
    hours: Decimal
    inter_agency: bool

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.person.pk, self.course.pk, self.completed_on)


@dataclass(frozen=True)
class RowProblem:
    number: int
    column: str
    message: str


@dataclass
class Plan:
    """What applying the file would do: the new completions, those already recorded (row
    numbers) and the rows with problems, in file order."""

    rows_total: int = 0
    new: list[Completion] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _normal(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def columns_of(table: Table) -> dict[str, int]:
    """Each field's column position; :class:`ColumnsMissing` names what the file lacks."""
    positions: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        name = _normal(header)
        for field_name, accepted in HEADERS.items():
            if name in accepted and field_name not in positions:
                positions[field_name] = position
    missing = []
    if "email" not in positions and "staff_number" not in positions:
        missing.append("a Work email or Staff number column")
    if "course_number" not in positions and "course_title" not in positions:
        missing.append("a Course or Course number column")
    if "completed_on" not in positions:
        missing.append("a Completed column (the day the course was completed)")
    if missing:
        raise ColumnsMissing(f"The file needs {' and '.join(missing)} in its header row.")
    return positions


class _Lookup:
    """The partnership's people by work email and staff number, and its courses by number
    and title: read once for the whole file."""

    def __init__(self, partnership: Partnership) -> None:
        self.by_email: dict[str, list[Person]] = defaultdict(list)
        self.by_staff_number: dict[str, list[Person]] = defaultdict(list)
        people = Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)
        for person in people.only("pk", "full_name", "work_email", "external_id", "partnership"):
            if person.work_email:
                self.by_email[person.work_email.lower()].append(person)
            if person.external_id:
                self.by_staff_number[person.external_id.lower()].append(person)
        self.by_number: dict[str, Any] = {}
        self.by_title: dict[str, list[Any]] = defaultdict(list)
        for course in catalogue_courses(partnership, include_hidden=True):
            self.by_number[str(course.pk)] = course
            titles = {course.title.lower(), course.shown_title.lower(), str(course).lower()}
            if course.level:
                titles.add(f"{course.shown_title} – level {course.level}".lower())
            for title in titles:
                self.by_title[title].append(course)


def check_table(partnership: Partnership, table: Table, *, today: date) -> Plan:
    """Every row of ``table`` into the plan; :class:`ColumnsMissing` for a file it cannot
    use at all."""
    positions = columns_of(table)
    lookup = _Lookup(partnership)
    plan = Plan(notes=_notes(table, positions))
    seen: set[tuple[int, int, date]] = set()
    for number, cells in table.numbered_rows():
        if not cells:
            continue
        plan.rows_total += 1
        problems: list[RowProblem] = []
        row = _check_row(
            number, cells, positions, lookup, (today, table.date_system), problems.append
        )
        if problems or row is None:
            plan.problems.extend(problems)
        elif row.key in seen:
            plan.already.append(number)
        else:
            seen.add(row.key)
            plan.new.append(row)
    _set_aside_recorded(partnership, plan)
    return plan


def _notes(table: Table, positions: dict[str, int]) -> list[str]:
    notes = [f"Read as {table.encoding}"] if table.encoding else []
    position = positions["completed_on"]
    description = dates.describe_column(
        (row[position] for row in table.rows if row),
        date_system=table.date_system,
        date_cells=position in table.date_cell_columns,
    )
    notes.append(f"Completed ({table.headers[position]}): {description}")
    return notes


def _check_row(
    number: int,
    cells: list[str],
    positions: dict[str, int],
    lookup: _Lookup,
    when: tuple[date, int],
    problem: Callable[[RowProblem], None],
) -> Completion | None:
    def cell(name: str) -> str:
        return cells[positions[name]].strip() if name in positions else ""

    def refuse(name: str, message: str) -> None:
        problem(RowProblem(number, LABELS[name], message))

    person = _person(cell("email"), cell("staff_number"), lookup, refuse)
    course = _course(cell("course_number"), cell("course_title"), lookup, refuse)
    completed_on = _completed_on(cell("completed_on"), *when, refuse)
    hours = _hours(cell("hours"), course, refuse)
    inter_agency = cell("inter_agency").lower()
    if inter_agency not in YES | NO:
        refuse("inter_agency", "Enter yes or no, or leave it empty for single-agency.")
    if person is None or course is None or completed_on is None or hours is None:
        return None
    return Completion(number, person, course, completed_on, hours, inter_agency in YES)


def _one[T](found: Iterable[T], refuse: Callable[[str], None], what: str) -> T | None:
    matches = list(found)
    if len(matches) == 1:
        return matches[0]
    refuse(f"{what} matches {len(matches)} records: use another column to tell them apart.")
    return None


def _person(email: str, staff_number: str, lookup: _Lookup, refuse: Callable) -> Person | None:
    if email:
        found = lookup.by_email.get(email.lower())
        if not found:
            refuse("email", f"No person in this partnership has the work email {email}.")
            return None
        return _one(found, lambda m: refuse("email", m), "This work email")
    if staff_number:
        found = lookup.by_staff_number.get(staff_number.lower())
        if not found:
            refuse(
                "staff_number", f"No person in this partnership has staff number {staff_number}."
            )
            return None
        return _one(found, lambda m: refuse("staff_number", m), "This staff number")
    refuse("email", "Enter the person's work email or staff number.")
    return None


def _course(number: str, title: str, lookup: _Lookup, refuse: Callable) -> Any:
    if number:
        course = lookup.by_number.get(number)
        if course is None:
            refuse("course_number", f"No course numbered {number} in this partnership's catalogue.")
        return course
    if title:
        found = lookup.by_title.get(title.lower())
        if not found:
            refuse("course_title", f"No course called {title} in this partnership's catalogue.")
            return None
        return _one(found, lambda m: refuse("course_title", m), "This course title")
    refuse("course_title", "Enter the course's title or number.")
    return None


def _completed_on(text: str, today: date, date_system: int, refuse: Callable) -> date | None:
    if not text:
        refuse("completed_on", "Enter the day the course was completed.")
        return None
    try:
        day = dates.parse_date(text, date_system=date_system)
    except (ValueError, OverflowError):
        refuse("completed_on", f"{text} is not a date, like 31/03/2026 or 2026-03-31.")
        return None
    if day > today:
        refuse("completed_on", "The day it was completed must be today or in the past.")
        return None
    return day


def _hours(text: str, course: Any, refuse: Callable) -> Decimal | None:
    if not text:
        return Decimal(course.shown_hours) if course is not None else Decimal(0)
    try:
        hours = Decimal(text).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        refuse("hours", f"{text} is not a number of hours, like 1.5.")
        return None
    if not hours.is_finite() or not HOURS.minimum <= hours <= HOURS.maximum:
        refuse("hours", f"Hours must be between {HOURS.minimum} and {HOURS.maximum}.")
        return None
    return hours


def _set_aside_recorded(partnership: Partnership, plan: Plan) -> None:
    """Completions the partnership already holds (from any source) move to ``already``."""
    if not plan.new:
        return
    people = {row.person.pk for row in plan.new}
    recorded = set(
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person_id__in=people)
        .values_list("person_id", "course_id", "completed_on")
    )
    plan.already.extend(row.number for row in plan.new if row.key in recorded)
    plan.already.sort()
    plan.new = [row for row in plan.new if row.key not in recorded]
