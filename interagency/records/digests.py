"""Training emails: a monthly digest to line managers and a reminder before training falls due.

Both read the training status (``selectors.training_status``, read only) and
queue one outbox message per notice key, so running them again sends nothing
twice: a manager's digest is keyed by the manager and the month, a reminder by
the person, the course and the date it falls due (a new date, after the course
is done again, is a new reminder). Each can be switched off per partnership
(``Partnership.sends_manager_digests``, ``sends_training_reminders``; the
coordinator's training emails page). ``interagency send-training-digests``
(daily, from cron) queues what is due; the worker sends the outbox.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from interagency.core.dates import govuk_date
from interagency.notifications.models import MessageKind
from interagency.notifications.services import Notice, queue_messages
from interagency.people.models import Person, current_on
from interagency.records.selectors import CourseStatus, PersonStatus, Status, training_status
from interagency.tenancy.models import Partnership

# A reminder goes this many days before a required course falls due.
REMIND_DAYS = 30
DIGEST_STATUSES = (Status.OVERDUE, Status.DUE_SOON)
NO_ADDRESS = "the person has no email address in their record or account"


@dataclass
class Team:
    """What one line manager's digest says: each person's overdue and due-soon courses."""

    lines: list[str] = field(default_factory=list)
    overdue: int = 0
    due_soon: int = 0

    def add(self, person: PersonStatus, courses: list[CourseStatus]) -> None:
        self.lines.append(person.full_name)
        for course in courses:
            when = f"due {govuk_date(course.due_on)}" if course.due_on else "no start date recorded"
            self.lines.append(f"- {course.status.label}: {course.title} ({when})")
            if course.status == Status.OVERDUE:
                self.overdue += 1
            else:
                self.due_soon += 1


def page_url(name: str, code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"code": code})


def addresses(partnership: Partnership, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each person's name and email (their record's work email, else their account's)."""
    rows = (
        Person.objects.for_partnership(partnership)
        .filter(pk__in=list(ids))
        .values_list("pk", "full_name", "work_email", "user__email")
    )
    return {pk: (name, work or account or "") for pk, name, work, account in rows}


def queue_manager_digests(partnership: Partnership, *, today: datetime.date) -> int:
    """This month's digest to each line manager whose team has training overdue or due soon."""
    managed = Person.objects.for_partnership(partnership).filter(
        line_manager__isnull=False, merged_into__isnull=True
    )
    manager_of = dict(managed.values_list("pk", "line_manager_id"))
    teams: dict[int, Team] = {}
    for person in training_status(partnership, managed, today=today):
        due = [course for course in person.courses if course.status in DIGEST_STATUSES]
        if due:
            teams.setdefault(manager_of[person.person_id], Team()).add(person, due)
    current = Person.objects.for_partnership(partnership).filter(
        current_on(today), merged_into__isnull=True, pk__in=list(teams)
    )
    managers = addresses(partnership, current.values_list("pk", flat=True))
    link = page_url("records:training-status", partnership.code)
    notices = [
        Notice(
            to_email=managers[pk][1],
            key=f"training-digest:{pk}:{today:%Y-%m}",
            context={
                "name": managers[pk][0],
                "team": "\n".join(team.lines),
                "overdue": str(team.overdue),
                "due_soon": str(team.due_soon),
                "link": link,
            },
            missing_address=NO_ADDRESS,
        )
        for pk, team in teams.items()
        if pk in managers
    ]
    return len(
        queue_messages(partnership=partnership, kind=MessageKind.TRAINING_DIGEST, notices=notices)
    )


def queue_training_reminders(partnership: Partnership, *, today: datetime.date) -> int:
    """A reminder to each person whose required course falls due within ``REMIND_DAYS``
    and who is not booked on it."""
    people = Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)
    horizon = today + datetime.timedelta(days=REMIND_DAYS)
    due: list[tuple[int, CourseStatus, datetime.date]] = []
    for person in training_status(partnership, people, today=today, status=Status.DUE_SOON):
        for course in person.courses:
            if course.status == Status.DUE_SOON and course.due_on and course.due_on <= horizon:
                due.append((person.person_id, course, course.due_on))
    found = addresses(partnership, {person_id for person_id, _, _ in due})
    link = page_url("sessions:list", partnership.code)
    notices = [
        Notice(
            to_email=found[person_id][1],
            key=f"training-due:{person_id}:{course.course_id}:{due_on}",
            context={
                "name": found[person_id][0],
                "course": course.title,
                "due": govuk_date(due_on),
                "link": link,
            },
            missing_address=NO_ADDRESS,
        )
        for person_id, course, due_on in due
        if person_id in found
    ]
    return len(
        queue_messages(partnership=partnership, kind=MessageKind.TRAINING_DUE, notices=notices)
    )


def queue_training_emails(*, today: datetime.date | None = None) -> int:
    """Every partnership's digests and reminders that are due, each partnership in its own
    transaction; how many messages were queued (0 on a second run the same day)."""
    today = today or timezone.localdate()
    queued = 0
    partnerships = Partnership.objects.filter(
        Q(sends_manager_digests=True) | Q(sends_training_reminders=True)
    ).order_by("pk")
    for partnership in partnerships:
        with transaction.atomic():
            if partnership.sends_manager_digests:
                queued += queue_manager_digests(partnership, today=today)
            if partnership.sends_training_reminders:
                queued += queue_training_reminders(partnership, today=today)
    return queued
