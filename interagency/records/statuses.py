"""What a required course's status is: the rules, as pure functions over dates.

The training status page reads them twice: the database applies them to every
person at once (``selectors.compliance``, through the cut-off dates of
``due_before``) for the counts and the worst-first order, and Python applies
them to the people of one page (``selectors.training_status``) for the dates
shown. ``tests/test_statuses.py`` checks that the two readings agree.
"""

import calendar
import datetime
import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models

DUE_SOON_MONTHS = 3


class Status(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    NO_ROLE = "no_role", "No role: pathway unknown"
    BOOKED = "booked", "Booked"
    NOT_YET_DUE = "not_yet_due", "Not yet due"
    DONE = "done", "Done"


# Worst first: the order people and their courses are listed in. A booked course is
# in hand, so it comes after the ones nobody has acted on yet.
STATUS_ORDER = [
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.NO_ROLE,
    Status.BOOKED,
    Status.NOT_YET_DUE,
    Status.DONE,
]
# The statuses a live booking on a coming session turns into "Booked".
BOOKABLE = (Status.OVERDUE, Status.DUE_SOON, Status.NOT_YET_DUE)


@dataclass(frozen=True)
class CourseStatus:
    course_id: int
    title: str
    status: Status
    completed_on: date | None
    due_on: date | None
    booked_on: date | None = None
    # Hours-based compliance (course 0): learning hours done and needed in the period.
    hours_done: Decimal | None = None
    hours_needed: Decimal | None = None


@dataclass(frozen=True)
class RecommendedCourse:
    """A course the framework recommends for a person's roles: shown, never counted."""

    course_id: int
    title: str
    completed_on: date | None


@dataclass
class PersonStatus:
    person_id: int
    full_name: str
    agency: str
    service: str
    role: str
    courses: list[CourseStatus]
    recommended: list[RecommendedCourse] = field(default_factory=list)

    @property
    def recommended_done(self) -> int:
        return sum(1 for course in self.recommended if course.completed_on is not None)

    @property
    def worst(self) -> Status:
        if not self.courses:
            return Status.DONE
        return min((row.status for row in self.courses), key=STATUS_ORDER.index)


# Remembered: a page's people share a few hundred distinct dates.
@functools.lru_cache(maxsize=65_536)
def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def due_before(months: int, day: date) -> date:
    """The earliest date ``d`` with ``add_months(d, months) >= day``.

    ``add_months`` never goes backwards as its date moves on, so a date falls due
    ``months`` later before ``day`` exactly when it is before this one: the
    database compares stored dates with it instead of adding months itself
    (which SQLite and PostgreSQL spell differently).
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day <= last:
        return date(year, month + 1, day.day)
    # ``day`` is the 29th to 31st and that month is shorter: all of it falls due earlier.
    return date(year, month + 1, last) + datetime.timedelta(days=1)


def due_soon_until(today: date) -> date:
    """The last day a course falling due counts as due soon."""
    return add_months(today, DUE_SOON_MONTHS)


def course_status(
    *,
    today: date,
    started_on: date | None,
    window_months: int,
    refresh_months: int | None,
    completed_on: date | None,
) -> tuple[Status, date | None]:
    """One required course's status and the date it falls due (None: never again, or unknown).

    Never completed: due the pathway's window after the start date. Nobody without
    a start date is a new starter we know of (imports often leave it blank), so they
    are overdue until a date is entered. Completed: due again ``refresh_months``
    after it, or done for good when the course is not repeated.
    """
    soon = due_soon_until(today)
    if completed_on is None:
        if started_on is None:
            return Status.OVERDUE, None
        due = add_months(started_on, window_months)
        if due < today:
            return Status.OVERDUE, due
        return (Status.DUE_SOON if due <= soon else Status.NOT_YET_DUE), due
    if not refresh_months:
        return Status.DONE, None
    due = add_months(completed_on, refresh_months)
    if due < today:
        return Status.OVERDUE, due
    return (Status.DUE_SOON if due <= soon else Status.DONE), due


def hours_rule_status(
    *,
    today: date,
    started_on: date | None,
    period_months: int,
    done: Decimal,
    needed: Decimal,
) -> tuple[Status, date | None]:
    """An hours-based person's status: done once the period's hours reach what their
    level asks; short of it, a new starter has the period from their start, and anyone
    else (or without a start date) is overdue."""
    if done >= needed:
        return Status.DONE, None
    if started_on is None:
        return Status.OVERDUE, None
    due = add_months(started_on, period_months)
    if due < today:
        return Status.OVERDUE, None
    return (Status.DUE_SOON if due <= due_soon_until(today) else Status.NOT_YET_DUE), due


def hours_text(hours: Decimal) -> str:
    """Hours as people write them: 6, 2.5 (never 6.0)."""
    return f"{hours.normalize():f}"


def is_worse(one: CourseStatus, other: CourseStatus) -> bool:
    """Whether ``one`` is the worse status of one course (a worse status, or due sooner)."""
    if one.status != other.status:
        return STATUS_ORDER.index(one.status) < STATUS_ORDER.index(other.status)
    return (one.due_on or date.min) < (other.due_on or date.min)
