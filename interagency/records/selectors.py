"""Read training records, always within one partnership."""

import calendar
import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models
from django.db.models import Max, QuerySet

from interagency.catalogue.selectors import catalogue_courses
from interagency.people.models import Person, current_on
from interagency.people.needs import role_requirements
from interagency.people.selectors import current_post_roles
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership


def records_of_person(partnership: Partnership, person: Person) -> QuerySet[TrainingRecord]:
    """The person's training records, newest first, with their course and tier."""
    return (
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person=person)
        .select_related("course", "course__tier")
        .order_by("-completed_on", "-id")
    )


def records_of_session(partnership: Partnership, session: Any) -> QuerySet[TrainingRecord]:
    """The records a closed register created, whoever's partnership holds them."""
    # Learners from the region keep their records in their own partnership; the host
    # reaches them only through the bookings of its own session.
    # cross-partnership: through the host's own bookings
    return TrainingRecord.objects.filter(
        booking__session=session, booking__partnership=partnership
    ).select_related("person")


# --- Training status: who is due or overdue for each course their role requires -----------

DUE_SOON_MONTHS = 3


class Status(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    NOT_YET_DUE = "not_yet_due", "Not yet due"
    DONE = "done", "Done"
    NO_ROLE = "no_role", "No role: pathway unknown"


# Worst first: the order people and their courses are listed in.
STATUS_ORDER = [Status.OVERDUE, Status.DUE_SOON, Status.NO_ROLE, Status.NOT_YET_DUE, Status.DONE]


@dataclass(frozen=True)
class CourseStatus:
    course_id: int
    title: str
    status: Status
    completed_on: date | None
    due_on: date | None


@dataclass
class PersonStatus:
    person_id: int
    full_name: str
    agency: str
    service: str
    role: str
    courses: list[CourseStatus]

    @property
    def worst(self) -> Status:
        if not self.courses:
            return Status.DONE
        return min((row.status for row in self.courses), key=STATUS_ORDER.index)


# Remembered: the training status calls it twice per person and course (1.1 million calls
# for 80,000 people, half the page's time), on a few thousand distinct dates.
@functools.lru_cache(maxsize=65_536)
def add_months(day: date, months: int) -> date:
    """``day`` moved on ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


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
    soon = add_months(today, DUE_SOON_MONTHS)
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


def training_status(
    partnership: Partnership,
    people: QuerySet[Person],
    *,
    today: date,
    status: str = "",
) -> list[PersonStatus]:
    """Each current person of ``people`` (already visible-filtered) with their courses' status.

    Five queries whatever the number of people and records: the people, the roles
    of their current further posts (``people.selectors.current_post_roles``), the
    pathways' required courses (``people.needs.role_requirements``, the reading the
    needs map uses), the partnership's courses, and the latest full completion of
    each person and course. A person needs the courses of every current post's
    role: their main role's and their further posts' (a course two roles require
    shows its worse status). The status needs every record, so the list is built
    whole and paginated afterwards; it is sorted worst first, then by name.
    ``status`` keeps only people with at least one course in that status.
    """
    current = people.filter(current_on(today))  # a leaving date to come: still current
    rows = current.values(
        "pk", "full_name", "started_on", "role_id", "role__name", "agency__name", "service__name"
    ).order_by("full_name", "pk")
    post_roles = current_post_roles(partnership, current, today)
    requirements, _tiers = role_requirements(partnership)
    courses = {course.pk: course for course in catalogue_courses(partnership, include_hidden=True)}
    latest = {
        (row["person_id"], row["course_id"]): row["last"]
        for row in TrainingRecord.objects.for_partnership(partnership)
        .filter(person__in=current.values("pk"), partly_completed=False)
        .values("person_id", "course_id")
        .annotate(last=Max("completed_on"))
        .order_by()
    }
    found = []
    for row in rows:
        posts = post_roles.get(row["pk"], [])
        sources = [(row["role_id"], row["started_on"])] if row["role_id"] else []
        sources += [(post["role_id"], post["started_on"] or row["started_on"]) for post in posts]
        names = [row["role__name"] or ""] if row["role_id"] else []
        names += [post["role__name"] for post in posts if post["role__name"] not in names]
        person = PersonStatus(
            person_id=row["pk"],
            full_name=row["full_name"],
            agency=row["agency__name"],
            service=row["service__name"] or "",
            role="; ".join(names),
            courses=[],
        )
        if not sources:
            person.courses.append(
                CourseStatus(0, "", Status.NO_ROLE, completed_on=None, due_on=None)
            )
        person.courses.extend(
            _required_courses(sources, row["pk"], today, requirements, courses, latest)
        )
        person.courses.sort(key=lambda item: (STATUS_ORDER.index(item.status), item.title))
        if status and not any(item.status == status for item in person.courses):
            continue
        found.append(person)
    found.sort(key=lambda person: STATUS_ORDER.index(person.worst))
    return found


def _required_courses(
    sources: list[tuple[int, date | None]],
    person_id: int,
    today: date,
    requirements: dict,
    courses: dict,
    latest: dict,
) -> list[CourseStatus]:
    """The status of each course the roles of ``sources`` (role, start date) require.

    A course more than one role requires is listed once, with its worse status.
    """
    by_course: dict[int, CourseStatus] = {}
    for role_id, started_on in sources:
        for requirement in requirements.get(role_id, []):
            course = courses.get(requirement.course_id)
            if course is None:
                continue
            completed_on = latest.get((person_id, course.pk))
            state, due_on = course_status(
                today=today,
                started_on=started_on,
                window_months=requirement.window_months,
                refresh_months=requirement.repeat_every_months or course.refresh_months,
                completed_on=completed_on,
            )
            row = CourseStatus(course.pk, course.shown_title, state, completed_on, due_on)
            kept = by_course.get(course.pk)
            if kept is None or _worse(row, kept):
                by_course[course.pk] = row
    return list(by_course.values())


def _worse(one: CourseStatus, other: CourseStatus) -> bool:
    """Whether ``one`` is the worse status of one course (a worse status, or due sooner)."""
    if one.status != other.status:
        return STATUS_ORDER.index(one.status) < STATUS_ORDER.index(other.status)
    return (one.due_on or date.min) < (other.due_on or date.min)


def status_counts(people: list[PersonStatus]) -> dict[str, int]:
    """Courses overdue, due soon and done among ``people``."""
    counts = {state.value: 0 for state in Status}
    for person in people:
        for row in person.courses:
            counts[row.status.value] += 1
    return counts
