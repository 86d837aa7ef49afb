"""The demo borough's year: training done before, sessions over six months each side of now.

- Earlier training: records "from elsewhere" of the required courses most staff
  have done, so the training status shows a realistic spread (done, overdue,
  due soon; booked once the coming sessions are booked; no role for a few).
- Sessions: ``DEMO_SESSIONS`` in all with the story's, on the courses the
  staff's roles require, booked mostly by those who still need them. Past ones
  have closed registers (records, certificates, no-show charges); coming ones
  fill as they near, a few full with a waiting list; bookings of the demo line
  manager's team wait for approval, as the demo partnership asks managers to
  approve bookings.
- The audit trail of all this: people added, sessions created, places booked,
  registers closed.

Everything is inserted in bulk in the demo's transaction (:mod:`.bulk`).
"""

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.delivery.models import Booking, BookingStatus, DeliverySettings, Session, Venue
from interagency.demo.seeding.bulk import insert_rows
from interagency.demo.seeding.delivery_history import SHAPES, bookings_for
from interagency.demo.seeding.delivery_plans import (
    BookingPlan,
    SessionPlan,
    session_parts,
    weekday,
)
from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.records.selectors import required_courses
from interagency.tenancy.models import Partnership

DEMO_SESSIONS = 40
DAYS_EACH_SIDE = 182
SECOND_VENUE = "Demo Health Education Centre"
# Capacities of the generated sessions (not the story's 6 and 10, which its tests find).
CAPACITIES = (12, 16, 16, 20, 20, 24, 30)
AWAITING_APPROVAL = 4  # bookings of the demo manager's team waiting for approval

Attendee = tuple[int, int, str]


def staff_needs(partnership: Partnership) -> tuple[dict[int, list[Attendee]], list[Any]]:
    """Each required course's people (their role requires it), and the people's rows.

    The demo accounts' own records are left out: their story is told by hand.
    """
    by_role: dict[int, list[int]] = {}
    for role_id, course_id, _window, _refresh in required_courses(partnership):
        by_role.setdefault(role_id, []).append(course_id)
    people = list(
        Person.objects.for_partnership(partnership)
        .filter(user__isnull=True, role__isnull=False)
        .order_by("pk")
        .values_list("pk", "agency_id", "full_name", "role_id", "started_on")
    )
    needs: dict[int, list[Attendee]] = {}
    for pk, agency_id, name, role_id, _started in people:
        for course_id in by_role.get(role_id, []):
            needs.setdefault(course_id, []).append((pk, agency_id, name))
    return needs, people


def earlier_training(
    partnership: Partnership,
    needs: dict[int, list[Attendee]],
    people: Sequence[Any],
    *,
    coordinator: Any,
    today: datetime.date,
    rng: random.Random,
    now: datetime.datetime,
) -> set[tuple[int, int]]:
    """Records of required courses done before the six months shown; the (person, course)
    pairs done. Each person has done a share of their courses (newer staff fewer)."""
    started = {row[0]: row[4] for row in people}
    # A third have done everything; the others most of it.
    keen = {row[0]: 1.0 if rng.random() < 0.35 else rng.uniform(0.6, 0.97) for row in people}
    earliest = today - datetime.timedelta(days=5 * 365)
    latest = today - datetime.timedelta(days=DAYS_EACH_SIDE + 1)
    rows, done = [], set()
    for course_id, attendees in needs.items():
        for person_id, _agency, _name in attendees:
            joined = started[person_id] or earliest
            new = (today - joined).days < 730
            if rng.random() >= (0.3 if new else keen[person_id]):
                continue
            start = max(joined, earliest)
            if start >= latest:
                continue
            day = start + datetime.timedelta(days=rng.randint(0, (latest - start).days))
            done.add((person_id, course_id))
            rows.append(
                {
                    "partnership_id": partnership.pk,
                    "person_id": person_id,
                    "course_id": course_id,
                    "completed_on": day,
                    "hours": Decimal("6.0"),
                    "source": TrainingRecord.Source.EXTERNAL,
                    "recorded_by_id": coordinator.pk,
                    "created_at": now - datetime.timedelta(days=DAYS_EACH_SIDE + 7),
                }
            )
    insert_rows(TrainingRecord, rows, now=now)
    return done


def demo_session_plans(
    *,
    count: int,
    courses: dict[int, Any],
    needs: dict[int, list[Attendee]],
    everyone: list[Attendee],
    venues: list[Venue],
    trainer: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> list[SessionPlan]:
    """``count`` sessions spread over the year around now, on the courses most needed."""
    wanted = sorted(needs, key=lambda course_id: (-len(needs[course_id]), course_id))
    wanted = [course_id for course_id in wanted if course_id in courses][:16]
    shapes, weights = zip(*SHAPES, strict=True)
    today = timezone.localtime(now).date()
    plans = []
    for index in range(count):
        offset = -DAYS_EACH_SIDE + (2 * DAYS_EACH_SIDE) * (index + rng.random()) / count
        if -3 < offset < 3:  # not this week: the story has yesterday's session
            offset += 7
        parts = session_parts(
            rng.choices(shapes, weights)[0], weekday(today + datetime.timedelta(days=offset))
        )
        ended = parts[-1][1] < now
        if index in (3, count - 6):
            status = Session.Status.CANCELLED
        else:
            status = Session.Status.CLOSED if ended else Session.Status.SCHEDULED
        course_id = wanted[index % len(wanted)]
        plan = SessionPlan(
            course=courses[course_id],
            parts=parts,
            capacity=rng.choice(CAPACITIES),
            status=status,
            venue=None if rng.random() < 0.3 else rng.choice(venues),
            trainer=trainer if rng.random() < 0.6 else None,
            no_show_charge=Decimal("50.00") if rng.random() < 0.4 else Decimal("0.00"),
        )
        needing = needs[course_id]
        pool = needing if len(needing) >= plan.capacity + 8 else everyone
        plan.bookings = bookings_for(rng, plan, pool, now)
        plans.append(plan)
    return plans


def fill_with_waiting(
    plans: Sequence[SessionPlan],
    needs: dict[int, list[Attendee]],
    rng: random.Random,
    now: datetime.datetime,
) -> None:
    """The two coming sessions soonest after a fortnight fill up, with a waiting list."""
    soon = now + datetime.timedelta(days=14)
    coming = [p for p in plans if p.status == Session.Status.SCHEDULED and p.parts[0][0] > soon]
    for plan in coming[:2]:
        booked = {b.person[0] for b in plan.bookings if b.status == BookingStatus.CONFIRMED}
        plan.bookings = [b for b in plan.bookings if b.status == BookingStatus.CONFIRMED]
        free = [p for p in needs[plan.course.pk] if p[0] not in booked]
        extra = rng.sample(free, k=min(len(free), plan.capacity - len(booked) + 3))
        for index, person in enumerate(extra):
            status = (
                BookingStatus.CONFIRMED if len(booked) < plan.capacity else BookingStatus.WAITING
            )
            booked.add(person[0])
            at = now - datetime.timedelta(days=len(extra) - index, hours=rng.randint(1, 8))
            plan.bookings.append(BookingPlan(person, status, at))


def add_approvals(
    plans: Sequence[SessionPlan], team: Sequence[Attendee], now: datetime.datetime
) -> None:
    """Bookings of the demo manager's team, waiting for approval on the coming sessions."""
    coming = [
        plan for plan in plans if plan.status == Session.Status.SCHEDULED and plan.parts[0][0] > now
    ]
    for index, person in enumerate(team[:AWAITING_APPROVAL]):
        plan = coming[(index * 3) % len(coming)] if coming else None
        if plan is None or any(b.person[0] == person[0] for b in plan.bookings):
            continue
        asked = now - datetime.timedelta(days=1 + index, hours=3)
        plan.bookings.append(BookingPlan(person, BookingStatus.AWAITING_APPROVAL, asked))


def ask_for_approval(partnership: Partnership) -> None:
    """The demo partnership asks line managers to approve bookings (set once)."""
    DeliverySettings.objects.for_partnership(partnership).get_or_create(
        partnership=partnership, defaults={"requires_manager_approval": True}
    )


def audit_history(
    partnership: Partnership, *, coordinator: Any, first_session: int, now: datetime.datetime
) -> int:
    """The trail of what the demo's data says happened, in one bulk insert; how many entries."""
    actor = {"actor_user_id": coordinator.pk, "actor_label": coordinator.email}

    def event(at, action, subject_type, subject_id, label, changes) -> dict[str, Any]:
        return {
            "partnership_id": partnership.pk,
            "at": min(at, now),
            **actor,
            "action": action,
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "subject_label": label[:254],
            "changes": changes,
        }

    created, changed = AuditEvent.Action.CREATED, AuditEvent.Action.CHANGED
    rows = []
    people = Person.objects.for_partnership(partnership).values_list(
        "pk", "full_name", "agency__name"
    )
    added = now - datetime.timedelta(days=DAYS_EACH_SIDE + 30)
    for pk, name, agency in people.order_by("pk"):
        rows.append(event(added, created, "people.Person", pk, name, {"agency": [None, agency]}))
    sessions = Session.objects.for_partnership(partnership).filter(pk__gte=first_session)
    for session in sessions.select_related("course").order_by("pk"):
        label = str(session)
        rows.append(event(session.created_at, created, "delivery.Session", session.pk, label, {}))
        if session.register_closed_at is not None:
            closed = {"status": [Session.Status.SCHEDULED, Session.Status.CLOSED]}
            rows.append(
                event(session.register_closed_at, changed, "delivery.Session", session.pk, label,
                      closed)
            )  # fmt: skip
    bookings = Booking.objects.for_partnership(partnership).filter(session_id__gte=first_session)
    for pk, at, status, name, title in bookings.values_list(
        "pk", "booked_at", "status", "person__full_name", "session__course__title"
    ).order_by("pk"):
        label = f"{name} on {title}"
        rows.append(event(at, created, "delivery.Booking", pk, label, {"status": [None, status]}))
    insert_rows(AuditEvent, rows, now=now)
    return len(rows)


def team_of(partnership: Partnership, manager: Person) -> list[Attendee]:
    """The demo line manager's team, without the demo accounts."""
    return list(
        Person.objects.for_partnership(partnership)
        .filter(Q(line_manager=manager), user__isnull=True)
        .order_by("pk")
        .values_list("pk", "agency_id", "full_name")
    )
