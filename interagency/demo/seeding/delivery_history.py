"""Five years of sessions for a seeded partnership, at random, the same for the same seed.

Sessions run from four and a half years ago to six months ahead, for the
partnership's London framework courses: whole days, half days, two-day
courses and modular twilight parts, in the partnership's venues or online.
Past sessions have a closed register (attended, partly attended, absent, no
show), with the training records, certificates and no-show charges closing
it makes; future ones have bookings filling as they near, some full with a
waiting list; a few sessions of each were cancelled. A partnership whose
seeded venues exist is left as it is, so running again changes nothing.
"""

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interagency.core.permissions import Role
from interagency.delivery.models import AttendanceOutcome, BookingStatus, Session, Venue
from interagency.demo.seeding.catalogue import london_courses
from interagency.demo.seeding.delivery_plans import (
    BookingPlan,
    DeliveryCounts,
    SessionPlan,
    session_parts,
    weekday,
)
from interagency.demo.seeding.delivery_writing import write_sessions
from interagency.evaluation.demo_responses import seed_demo_responses
from interagency.people.models import Person
from interagency.tenancy.models import Membership, Partnership

# About 120 sessions a year for a borough of 8,000 people.
SESSIONS_PER_PERSON_YEAR = 0.015
DAYS_BACK = 4 * 365 + 182
DAYS_AHEAD = 182

SEEDED_VENUES: tuple[tuple[str, str, str], ...] = (
    ("Civic Centre Training Suite", "Civic Centre\nTown Hall Road", "Step-free; hearing loop."),
    ("Children's Services Learning Centre", "2 Market Street", "Lift to all floors."),
    ("Health Education Centre", "Hospital Lane, Education Block", "Accessible toilets."),
)

# (kind, weight): the shapes a session's parts take.
SHAPES: tuple[tuple[str, int], ...] = (
    ("day", 55),
    ("morning", 12),
    ("afternoon", 8),
    ("two_days", 12),
    ("twilight", 13),
)
CATEGORY_WEIGHTS = {"introduction": 5, "core": 3, "specialist": 1}


def outcome(rng: random.Random, parts: int) -> tuple[str, int]:
    """A confirmed booking's outcome, and for a partly attended one how many parts."""
    roll = rng.random()
    if roll < 0.82:
        return AttendanceOutcome.ATTENDED, 0
    if roll < 0.88 and parts > 1:
        return AttendanceOutcome.PARTLY, rng.randint(1, parts - 1)
    if roll < 0.93:
        return AttendanceOutcome.ABSENT_WITH_NOTICE, 0
    return AttendanceOutcome.NO_SHOW, 0


def bookings_for(
    rng: random.Random,
    plan: SessionPlan,
    people: Sequence[tuple[int, int, str]],
    now: datetime.datetime,
) -> list[BookingPlan]:
    """Bookings of one planned session: full or filling as it nears, with a few cancelled."""
    starts = plan.parts[0][0]
    days_ahead = (starts - now).days
    capacity = plan.capacity
    if plan.status == Session.Status.CANCELLED:
        confirmed, waiting, cancelled = rng.randint(capacity // 3, capacity), 0, 0
    elif plan.status == Session.Status.CLOSED:
        confirmed, waiting, cancelled = (
            round(capacity * rng.uniform(0.55, 1.0)),
            0,
            rng.randint(0, 3),
        )
    elif days_ahead <= 90 and rng.random() < 0.12:
        confirmed, waiting, cancelled = capacity, rng.randint(1, 5), rng.randint(0, 2)
    elif days_ahead <= 60:
        confirmed, waiting, cancelled = (
            round(capacity * rng.uniform(0.3, 0.95)),
            0,
            rng.randint(0, 2),
        )
    else:
        confirmed, waiting, cancelled = round(capacity * rng.uniform(0.0, 0.5)), 0, 0
    chosen = rng.sample(people, k=min(len(people), confirmed + waiting + cancelled))
    opened = starts - datetime.timedelta(days=120)
    latest = min(starts - datetime.timedelta(days=1), now - datetime.timedelta(hours=1))
    span = max((latest - opened).total_seconds(), 3600.0)
    times = sorted(opened + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in chosen)
    result = []
    for index, (person, booked_at) in enumerate(zip(chosen, times, strict=True)):
        if plan.status == Session.Status.CANCELLED:
            result.append(BookingPlan(person, BookingStatus.SESSION_CANCELLED, booked_at))
        elif index < confirmed:
            entry = BookingPlan(person, BookingStatus.CONFIRMED, booked_at)
            if plan.status == Session.Status.CLOSED:
                entry.outcome, entry.parts_attended = outcome(rng, len(plan.parts))
                entry.arrived_late = entry.outcome == AttendanceOutcome.ATTENDED and (
                    rng.random() < 0.05
                )
            result.append(entry)
        elif index < confirmed + waiting:
            result.append(BookingPlan(person, BookingStatus.WAITING, booked_at))
        else:
            result.append(
                BookingPlan(
                    person,
                    BookingStatus.CANCELLED,
                    booked_at,
                    late_cancellation=rng.random() < 0.3,
                )
            )
    # Those cancelled booked among the others, not always last.
    return result


def members(partnership: Partnership, role: Role) -> list[Any]:
    """The users holding ``role`` in ``partnership``, in the order they joined."""
    memberships = (
        Membership.objects.for_partnership(partnership)
        .filter(role=role)
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def create_seeded_venues(partnership: Partnership) -> list[Venue]:
    """The partnership's three seeded venues (their names mark it as given sessions)."""
    return Venue.objects.bulk_create(
        [
            Venue(
                partnership=partnership,
                name=name,
                address=address,
                access_information=access,
                refreshments="Tea and coffee; bring your own lunch.",
            )
            for name, address, access in SEEDED_VENUES
        ]
    )


def plan_sessions(
    *,
    count: int,
    courses: list[Any],
    people: Sequence[tuple[int, int, str]],
    venues: list[Venue],
    trainers: list[Any],
    rng: random.Random,
    now: datetime.datetime,
) -> list[SessionPlan]:
    """``count`` sessions spread over the five years, with their bookings, in date order."""
    weights = [CATEGORY_WEIGHTS.get(course.category, 1) for course in courses]
    shapes, shape_weights = zip(*SHAPES, strict=True)
    first_day = timezone.localtime(now).date() - datetime.timedelta(days=DAYS_BACK)
    plans = []
    for _ in range(count):
        day = weekday(first_day + datetime.timedelta(days=rng.randint(0, DAYS_BACK + DAYS_AHEAD)))
        parts = session_parts(rng.choices(shapes, shape_weights)[0], day)
        ended = parts[-1][1] < now
        if rng.random() < (0.03 if ended else 0.02):
            status = Session.Status.CANCELLED
        elif ended:
            status = Session.Status.CLOSED
        else:
            status = Session.Status.SCHEDULED
        plan = SessionPlan(
            course=rng.choices(courses, weights)[0],
            parts=parts,
            capacity=rng.choice((12, 16, 20, 20, 24, 30)),
            status=status,
            venue=None if rng.random() < 0.25 else rng.choice(venues),
            trainer=rng.choice(trainers) if trainers and rng.random() < 0.7 else None,
            no_show_charge=Decimal("50.00") if rng.random() < 0.3 else Decimal("0.00"),
            max_agency_share=30 if rng.random() < 0.2 else None,
        )
        plan.bookings = bookings_for(rng, plan, people, now)
        plans.append(plan)
    plans.sort(key=lambda plan: plan.parts[0][0])
    return plans


def seed_delivery(
    partnership: Partnership, *, seed: int, now: datetime.datetime | None = None
) -> DeliveryCounts:
    """Five years of sessions for a seeded partnership, once (in the caller's transaction)."""
    if (
        Venue.objects.for_partnership(partnership)
        .filter(name__in=[name for name, _, _ in SEEDED_VENUES])
        .exists()
    ):
        return DeliveryCounts(skipped=True)
    now = now or timezone.now()
    rng = random.Random(f"{seed}:{partnership.code}:delivery")
    courses = london_courses(partnership)
    people = list(
        Person.objects.for_partnership(partnership)
        .filter(merged_into__isnull=True, left_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "agency_id", "full_name")
    )
    coordinators = members(partnership, Role.COORDINATOR)
    if not courses or not people or not coordinators:
        return DeliveryCounts()
    plans = plan_sessions(
        count=max(12, round(len(people) * SESSIONS_PER_PERSON_YEAR * 5)),
        courses=courses,
        people=people,
        trainers=members(partnership, Role.TRAINER)[:12],
        venues=create_seeded_venues(partnership),
        rng=rng,
        now=now,
    )
    counts = write_sessions(partnership, plans, coordinator=coordinators[0], rng=rng, now=now)
    seed_demo_responses(partnership, seed=seed, now=now)
    return counts
