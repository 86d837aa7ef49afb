"""What a learner and their manager read to act on training: statuses with dates to book.

A person's pathway statuses are the records app's (``records.selectors``): the
same rules and dates the training status page shows. Delivery adds what only it
knows: the coming dates of the courses still to do, so each can be booked from
where it is seen, and the learner's certificates. Every read is a fixed number
of queries whatever the number of people, courses or sessions.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from interagency.delivery.models import Certificate, Session
from interagency.delivery.selectors.bookings import people_of_user
from interagency.delivery.selectors.certificates import certificates_of_user
from interagency.delivery.selectors.sessions import listed, sessions_of
from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.records.selectors import CourseStatus, PersonStatus, Status, training_status
from interagency.records.statuses import BOOKABLE
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

DATES_PER_COURSE = 3
RECORDS_SHOWN = 50
# The statuses that ask for a booking: nothing is booked and the course is not done.
TO_BOOK = frozenset(BOOKABLE)


def coming_dates(
    partnership: Partnership,
    course_ids: Iterable[int],
    *,
    now: datetime.datetime,
    per_course: int = DATES_PER_COURSE,
) -> dict[int, list[Session]]:
    """The next ``per_course`` scheduled sessions of each course, soonest first (one query).

    Each session carries ``course_title`` and ``places_left``; the partnership's own
    sessions only (a regional place is booked from the sessions list).
    """
    ids = sorted(set(course_ids))
    if not ids:
        return {}
    sessions = (
        listed(sessions_of(partnership))
        .filter(status=Session.Status.SCHEDULED, course_id__in=ids, starts_at__gt=now)
        .annotate(
            nth=Window(
                RowNumber(), partition_by=[F("course_id")], order_by=[F("starts_at"), F("pk")]
            )
        )
        .filter(nth__lte=per_course)
    )
    found: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        found[session.course_id].append(session)
    return dict(found)


@dataclass
class CourseToDo:
    """A required course and the coming dates it can be booked on."""

    course: CourseStatus
    sessions: list[Session] = field(default_factory=list)


@dataclass
class LearnerTraining:
    """Everything the learner's "My training" page shows."""

    people: list[Person]
    statuses: list[PersonStatus]
    to_do: list[CourseToDo]
    records: list[TrainingRecord]
    certificates: list[Certificate]

    @property
    def counts(self) -> dict[str, int]:
        """How many required courses are in each status (across the learner's records)."""
        return status_counts_of(self.statuses)


def learner_statuses(
    partnership: Partnership, user: "_User", *, today: datetime.date
) -> tuple[list[Person], list[PersonStatus]]:
    """The signed-in member's own person records here (usually one) with their pathway
    statuses; two empty lists for a member without one."""
    people = list(people_of_user(partnership, user).select_related("role").order_by("pk")[:5])
    if not people:
        return [], []
    chosen = Person.objects.for_partnership(partnership).filter(pk__in=[p.pk for p in people])
    return people, training_status(partnership, chosen, today=today)[0 : len(people)]


def status_counts_of(statuses: list[PersonStatus]) -> dict[str, int]:
    """How many required courses of ``statuses`` are in each status."""
    counted = {status.value: 0 for status in Status}
    for person in statuses:
        for row in person.courses:
            counted[row.status] += 1
    return counted


def learner_training(
    partnership: Partnership,
    user: "_User",
    *,
    today: datetime.date,
    now: datetime.datetime,
) -> LearnerTraining:
    """The signed-in learner's pathway progress, what to book next with its dates, their
    records and certificates. A member without a person record here gets empty lists."""
    people, statuses = learner_statuses(partnership, user, today=today)
    if not people:
        return LearnerTraining([], [], [], [], [])
    chosen = Person.objects.for_partnership(partnership).filter(pk__in=[p.pk for p in people])
    pending = [row for person in statuses for row in person.courses if row.status in TO_BOOK]
    dates = coming_dates(partnership, (row.course_id for row in pending), now=now)
    records = (
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person__in=chosen)
        .select_related("course", "course__tier")
        .order_by("-completed_on", "-id")
    )
    return LearnerTraining(
        people=people,
        statuses=statuses,
        to_do=[CourseToDo(row, dates.get(row.course_id, [])) for row in pending],
        records=list(records[:RECORDS_SHOWN]),
        certificates=list(certificates_of_user(user, partnership)[:RECORDS_SHOWN]),
    )


@dataclass
class TeamRow:
    """One person of the team: their statuses, and the courses to book with their dates."""

    person: PersonStatus
    to_do: list[CourseToDo]


def team_rows(
    partnership: Partnership, statuses: list[PersonStatus], *, now: datetime.datetime
) -> tuple[list[TeamRow], list[Session]]:
    """A page of the team with each course to book and its coming dates (one query), and
    every one of those sessions once, soonest first (the bulk booking's choices)."""
    course_ids = {
        row.course_id for person in statuses for row in person.courses if row.status in TO_BOOK
    }
    dates = coming_dates(partnership, course_ids, now=now)
    rows = [
        TeamRow(
            person,
            [
                CourseToDo(row, dates.get(row.course_id, []))
                for row in person.courses
                if row.status in TO_BOOK
            ],
        )
        for person in statuses
    ]
    sessions = sorted(
        (session for found in dates.values() for session in found),
        key=lambda session: (session.starts_at, session.pk),
    )
    return rows, sessions
