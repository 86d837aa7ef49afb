"""Synthetic delivery: five years of sessions with their bookings, registers and certificates.

Sessions run from four and a half years ago to six months ahead, for the
partnership's London framework courses: whole days, half days, two-day
courses and modular twilight parts, in the partnership's venues or online.
Past sessions have a closed register (attended, partly attended, absent, no
show), with the training records, certificates and no-show charges closing
it makes; future ones have bookings filling as they near, some full with a
waiting list; a few sessions of each were cancelled.

Rows are inserted in bulk, in the caller's transaction, without the
services' emails and audit entries (nothing happened; the data is made up).
A partnership whose seeded venues exist is left as it is, so running again
changes nothing. The demo gets a small, hand-made set through the same writer.
"""

import datetime
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    Booking,
    BookingStatus,
    Certificate,
    NoShowCharge,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
    Venue,
)
from interagency.delivery.models.attendance import CERTIFICATE_ALPHABET
from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Membership, Partnership

BATCH_SIZE = 2000
LONDON_FRAMEWORK = "competence-matters"
# About 120 sessions a year for a borough of 8,000 people.
SESSIONS_PER_PERSON_YEAR = 0.015
DAYS_BACK = 4 * 365 + 182
DAYS_AHEAD = 182

SEEDED_VENUES: tuple[tuple[str, str, str], ...] = (
    ("Civic Centre Training Suite", "Civic Centre\nTown Hall Road", "Step-free; hearing loop."),
    ("Children's Services Learning Centre", "2 Market Street", "Lift to all floors."),
    ("Health Education Centre", "Hospital Lane, Education Block", "Accessible toilets."),
)
DEMO_VENUE = "Demo Training Centre"

# (kind, weight): the shapes a session's parts take.
SHAPES: tuple[tuple[str, int], ...] = (
    ("day", 55),
    ("morning", 12),
    ("afternoon", 8),
    ("two_days", 12),
    ("twilight", 13),
)
CATEGORY_WEIGHTS = {"introduction": 5, "core": 3, "specialist": 1}


@dataclass
class BookingPlan:
    person: tuple[int, int, str]  # (person id, agency id, full name)
    status: str
    booked_at: datetime.datetime
    outcome: str = ""
    parts_attended: int = 0  # for partly: how many of the first parts
    arrived_late: bool = False
    late_cancellation: bool = False


@dataclass
class SessionPlan:
    course: Any
    parts: list[tuple[datetime.datetime, datetime.datetime]]
    capacity: int
    status: str
    venue: Venue | None
    trainer: Any = None  # a User, or None for a commissioned provider
    no_show_charge: Decimal = Decimal("0.00")
    max_agency_share: int | None = None
    bookings: list[BookingPlan] = field(default_factory=list)


@dataclass(frozen=True)
class DeliveryCounts:
    sessions: int = 0
    bookings: int = 0
    certificates: int = 0
    skipped: bool = False


@contextmanager
def _dates_as_given(*fields: models.DateTimeField) -> Iterator[None]:
    """Keep the dates set on the rows (the past) instead of ``auto_now_add``'s now."""
    saved = [(f, f.auto_now_add) for f in fields]
    try:
        for f, _ in saved:
            f.auto_now_add = False
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


def _date_field(model: type[models.Model], name: str) -> models.DateTimeField:
    found = model._meta.get_field(name)
    assert isinstance(found, models.DateTimeField)
    return found


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Wall-clock time in London on ``day`` (right across the clock changes)."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def _weekday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def session_parts(
    kind: str, day: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The dated parts of one session shape starting on ``day``."""
    week = datetime.timedelta(days=7)
    if kind == "morning":
        return [(_at(day, 9, 30), _at(day, 12, 30))]
    if kind == "afternoon":
        return [(_at(day, 13, 30), _at(day, 16, 30))]
    if kind == "two_days":
        return [(_at(d, 9, 30), _at(d, 16, 30)) for d in (day, day + week)]
    if kind == "twilight":
        return [(_at(d, 16), _at(d, 18)) for d in (day, day + week, day + 2 * week)]
    return [(_at(day, 9, 30), _at(day, 16, 30))]


def _certificate_number(rng: random.Random) -> str:
    return "-".join("".join(rng.choices(CERTIFICATE_ALPHABET, k=4)) for _ in range(3))


def _hours(parts: Sequence[tuple[datetime.datetime, datetime.datetime]]) -> Decimal:
    seconds = sum((end - start).total_seconds() for start, end in parts)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of ``field`` goes to the database, for the fields the seeder writes."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite":
            # What the SQLite backend stores (naive UTC text), without its per-value checks.
            return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]], *, now) -> None:
    """INSERT ``rows`` (attribute name to value): one ``executemany`` per batch, or COPY.

    The seeder's hot path: ``bulk_create`` spends most of its time building model
    instances and SQL, which a region's million rows cannot afford. Fields not given
    take their default, and ``auto_now`` fields ``now``; nothing is returned.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plan = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()  # "" for text without a default, else None
        plan.append((f.attname, _converter(f), default))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = (
        [
            convert(value) if convert is not None and value is not None else value
            for _name, convert, default in plan
            for value in (row.get(_name, default),)
        ]
        for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL runs each statement of an executemany on its own: COPY instead.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
            return
        # Table and column names come from the model; every value is a parameter.
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[list[Any]] = []
        for row_values in values:
            batch.append(row_values)
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def write_sessions(
    partnership: Partnership,
    plans: Sequence[SessionPlan],
    *,
    coordinator: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> DeliveryCounts:
    """Insert the planned sessions and everything that follows from them, in bulk."""
    sessions = []
    for number, plan in enumerate(plans, start=1):
        starts, ends = plan.parts[0][0], plan.parts[-1][1]
        online = plan.venue is None
        holding = sum(1 for b in plan.bookings if b.status == BookingStatus.CONFIRMED)
        assert holding <= plan.capacity, "a plan never overfills a session"
        cancelled = plan.status == Session.Status.CANCELLED
        closed = plan.status == Session.Status.CLOSED
        opens = starts - datetime.timedelta(days=120)
        sessions.append(
            Session(
                partnership=partnership,
                course=plan.course,
                status=plan.status,
                format=SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
                venue=plan.venue,
                joining_link=f"https://meet.example/{partnership.code}/{number}" if online else "",
                joining_instructions="Join five minutes early and test your sound."
                if online
                else "",
                capacity=plan.capacity,
                minimum_numbers=plan.capacity // 2,
                places_taken=0 if cancelled else holding,
                booking_opens_at=opens,
                booking_closes_at=starts - datetime.timedelta(days=1),
                cancellation_cutoff=starts - datetime.timedelta(days=3),
                max_agency_share=plan.max_agency_share,
                no_show_charge=plan.no_show_charge,
                starts_at=starts,
                ends_at=ends,
                cancelled_at=starts - datetime.timedelta(days=10) if cancelled else None,
                cancellation_reason="The trainer was unavailable." if cancelled else "",
                register_closed_at=ends + datetime.timedelta(hours=2) if closed else None,
                register_closed_by=(plan.trainer or coordinator) if closed else None,
                created_by=coordinator,
                created_at=min(opens, now),
            )
        )
    with _dates_as_given(_date_field(Session, "created_at")):
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    parts = SessionPart.objects.bulk_create(
        [
            SessionPart(session=session, order=order, starts_at=start, ends_at=end)
            for session, plan in zip(sessions, plans, strict=True)
            for order, (start, end) in enumerate(plan.parts)
        ],
        batch_size=BATCH_SIZE,
    )
    parts_of: dict[int, list[SessionPart]] = {}
    for part in parts:
        parts_of.setdefault(part.session_id, []).append(part)
    insert_rows(
        SessionTrainer,
        [
            {
                "session_id": session.pk,
                "user_id": plan.trainer.pk if plan.trainer else None,
                "name": plan.trainer.full_name if plan.trainer else "Safeguarding Associates",
                "provider_name": "" if plan.trainer else "Safeguarding Associates Ltd",
            }
            for session, plan in zip(sessions, plans, strict=True)
        ],
        now=now,
    )

    rows: list[tuple[Session, SessionPlan, BookingPlan]] = []
    bookings = []
    for session, plan in zip(sessions, plans, strict=True):
        starts = plan.parts[0][0]
        cutoff = starts - datetime.timedelta(days=3)
        for entry in plan.bookings:
            person_id, agency_id, _name = entry.person
            status = entry.status
            booking: dict[str, Any] = {
                "partnership_id": partnership.pk,
                "session_id": session.pk,
                "person_id": person_id,
                "agency_id": agency_id,
                "status": status,
                "booked_by_id": coordinator.pk,
                "booked_at": entry.booked_at,
                "confirmed_at": entry.booked_at if status == BookingStatus.CONFIRMED else None,
                "waiting_since": entry.booked_at if status == BookingStatus.WAITING else None,
            }
            if status == BookingStatus.CANCELLED:
                if entry.late_cancellation:
                    when = min(starts - datetime.timedelta(days=1), now)
                else:
                    later = entry.booked_at + datetime.timedelta(days=rng.randint(1, 20))
                    when = min(later, cutoff - datetime.timedelta(hours=1), now)
                booking["cancelled_at"] = max(when, entry.booked_at)
                booking["is_late_cancellation"] = booking["cancelled_at"] > cutoff
                booking["confirmed_at"] = entry.booked_at
            elif status == BookingStatus.SESSION_CANCELLED:
                booking["cancelled_at"] = session.cancelled_at
            bookings.append(booking)
            rows.append((session, plan, entry))
    insert_rows(Booking, bookings, now=now)
    # Each seeded person books a session once, so (session, person) finds the new rows.
    booking_ids = {
        (session_id, person_id): pk
        for session_id, person_id, pk in Booking.objects.for_partnership(partnership)
        .filter(session_id__gte=sessions[0].pk if sessions else 0)
        .values_list("session_id", "person_id", "pk")
    }

    # A whole session's hours and last day, worked out once per session.
    whole = {
        session.pk: (_hours(plan.parts), timezone.localtime(plan.parts[-1][0]).date())
        for session, plan in zip(sessions, plans, strict=True)
    }
    attendances, records, certificates, charges = [], [], [], []
    partly_parts: list[tuple[int, list[SessionPart]]] = []
    numbers: set[str] = set()
    for booking, (session, plan, entry) in zip(bookings, rows, strict=True):
        if not entry.outcome:
            continue
        booking_id = booking_ids[(session.pk, booking["person_id"])]
        session_parts_ = parts_of[session.pk]
        recorder = plan.trainer or coordinator
        attendances.append(
            {
                "booking_id": booking_id,
                "outcome": entry.outcome,
                "arrived_late": entry.arrived_late,
                "late_minutes": rng.choice((5, 10, 15, 20)) if entry.arrived_late else None,
                "recorded_by_id": recorder.pk,
            }
        )
        closed_at = session.register_closed_at or now
        if entry.outcome == AttendanceOutcome.PARTLY:
            attended = session_parts_[: max(1, entry.parts_attended)]
            partly_parts.append((booking_id, attended))
            hours = _hours([(p.starts_at, p.ends_at) for p in attended])
            last_day = timezone.localtime(attended[-1].starts_at).date()
        else:
            hours, last_day = whole[session.pk]
        if entry.outcome in (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY):
            records.append(
                {
                    "partnership_id": partnership.pk,
                    "person_id": booking["person_id"],
                    "course_id": plan.course.pk,
                    "completed_on": last_day,
                    "hours": hours,
                    "source": TrainingRecord.Source.SESSION,
                    "booking_id": booking_id,
                    "partly_completed": entry.outcome == AttendanceOutcome.PARTLY,
                    "recorded_by_id": session.register_closed_by_id,
                    "created_at": closed_at,
                }
            )
        if entry.outcome == AttendanceOutcome.ATTENDED:
            printed = _certificate_number(rng)
            while printed in numbers:
                printed = _certificate_number(rng)
            numbers.add(printed)
            certificates.append(
                {
                    "partnership_id": partnership.pk,
                    "number": printed,
                    "booking_id": booking_id,
                    "person_name": entry.person[2],
                    "course_title": plan.course.shown_title,
                    "tier_name": plan.course.tier.name,
                    "attended_on": last_day,
                    "hours": hours,
                    "outcomes": [str(outcome) for outcome in plan.course.outcomes or []],
                    "partnership_name": partnership.name,
                    "issued_at": closed_at,
                    "revoked_at": None,
                }
            )
        if entry.outcome == AttendanceOutcome.NO_SHOW and session.no_show_charge > 0:
            charges.append(
                {
                    "partnership_id": partnership.pk,
                    "booking_id": booking_id,
                    "agency_id": booking["agency_id"],
                    "amount": session.no_show_charge,
                    "created_at": closed_at,
                }
            )
    insert_rows(Attendance, attendances, now=now)
    if partly_parts:
        attendance_ids = dict(
            Attendance.objects.filter(
                booking_id__in=[booking_id for booking_id, _ in partly_parts]
            ).values_list("booking_id", "pk")
        )
        insert_rows(
            Attendance.parts_attended.through,
            [
                {"attendance_id": attendance_ids[booking_id], "sessionpart_id": part.pk}
                for booking_id, attended in partly_parts
                for part in attended
            ],
            now=now,
        )
    insert_rows(TrainingRecord, records, now=now)
    insert_rows(Certificate, certificates, now=now)
    insert_rows(NoShowCharge, charges, now=now)
    return DeliveryCounts(len(sessions), len(bookings), len(certificates))


# --- Borough and region: five years at random, the same for the same seed ------------------


def _outcome(rng: random.Random, parts: int) -> tuple[str, int]:
    roll = rng.random()
    if roll < 0.82:
        return AttendanceOutcome.ATTENDED, 0
    if roll < 0.88 and parts > 1:
        return AttendanceOutcome.PARTLY, rng.randint(1, parts - 1)
    if roll < 0.93:
        return AttendanceOutcome.ABSENT_WITH_NOTICE, 0
    return AttendanceOutcome.NO_SHOW, 0


def _bookings_for(
    rng: random.Random,
    plan: SessionPlan,
    people: Sequence[tuple[int, int, str]],
    now: datetime.datetime,
) -> list[BookingPlan]:
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
                entry.outcome, entry.parts_attended = _outcome(rng, len(plan.parts))
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


def _members(partnership: Partnership, role: Role) -> list[Any]:
    memberships = (
        Membership.objects.for_partnership(partnership)
        .filter(role=role)
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def london_courses(partnership: Partnership) -> list[Any]:
    """The partnership's London framework courses, as it shows them."""
    return list(catalogue_courses(partnership).filter(framework__slug=LONDON_FRAMEWORK))


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
    rng = random.Random(f"{seed}:{partnership.code}:delivery")  # noqa: S311 (synthetic data)
    courses = london_courses(partnership)
    people = list(
        Person.objects.for_partnership(partnership)
        .filter(merged_into__isnull=True, left_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "agency_id", "full_name")
    )
    coordinators = _members(partnership, Role.COORDINATOR)
    if not courses or not people or not coordinators:
        return DeliveryCounts()
    trainers = _members(partnership, Role.TRAINER)[:12]
    venues = Venue.objects.bulk_create(
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
    weights = [CATEGORY_WEIGHTS.get(course.category, 1) for course in courses]
    shapes, shape_weights = zip(*SHAPES, strict=True)
    count = max(12, round(len(people) * SESSIONS_PER_PERSON_YEAR * 5))
    first_day = timezone.localtime(now).date() - datetime.timedelta(days=DAYS_BACK)
    plans = []
    for _ in range(count):
        day = _weekday(first_day + datetime.timedelta(days=rng.randint(0, DAYS_BACK + DAYS_AHEAD)))
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
        plan.bookings = _bookings_for(rng, plan, people, now)
        plans.append(plan)
    plans.sort(key=lambda plan: plan.parts[0][0])
    return write_sessions(partnership, plans, coordinator=coordinators[0], rng=rng, now=now)


# --- The demo: a few sessions that show each part of the story ------------------------------

DEMO_STAFF = (
    "Alex Morgan",
    "Bilal Hussain",
    "Chloe Bennett",
    "Dami Adeyemi",
    "Eleni Popescu",
    "Farah Khan",
    "Gavin Reid",
    "Hannah Lloyd",
    "Imran Shah",
    "Jess Turner",
    "Kemi Owusu",
    "Liam Byrne",
    "Maya Patel",
    "Niall Murphy",
    "Orla Campbell",
    "Pete Wilson",
)
DEMO_STAFF_DOMAIN = "demo-staff.example"


def demo_staff(partnership: Partnership, agencies: Sequence[Any]) -> list[tuple[int, int, str]]:
    """Named staff of the demo agencies (no accounts), to fill the demo sessions; made once."""
    staff = []
    for index, full_name in enumerate(DEMO_STAFF):
        email = f"{full_name.lower().replace(' ', '.')}@{DEMO_STAFF_DOMAIN}"
        person, _ = Person.objects.for_partnership(partnership).get_or_create(
            partnership=partnership,
            work_email=email,
            defaults={
                "full_name": full_name,
                "agency": agencies[index % len(agencies)],
                "job_title": "Practitioner",
                "started_on": datetime.date(2021, 4, 1),
            },
        )
        staff.append((person.pk, person.agency_id, person.full_name))
    return staff


def seed_demo_delivery(
    partnership: Partnership,
    accounts: dict[str, Any],
    agencies: Sequence[Any],
    *,
    now: datetime.datetime | None = None,
) -> DeliveryCounts:
    """Upcoming sessions with places, one full with a waiting list (the demo learner second
    in line), a past one with its register closed and the learner's certificate, and one
    that ended yesterday with its register still to take; once."""
    if Venue.objects.for_partnership(partnership).filter(name=DEMO_VENUE).exists():
        return DeliveryCounts(skipped=True)
    now = now or timezone.now()
    rng = random.Random(f"demo:{partnership.code}")  # noqa: S311 (synthetic data)
    courses = london_courses(partnership)
    if not courses:
        return DeliveryCounts()
    staff = demo_staff(partnership, agencies)
    learner_person = (
        Person.objects.for_partnership(partnership).filter(user=accounts["learner"]).get()
    )
    learner = (learner_person.pk, learner_person.agency_id, learner_person.full_name)
    venue = Venue.objects.create(
        partnership=partnership,
        name=DEMO_VENUE,
        address="1 Demo Street\nLondon",
        postcode="N1C 4AG",
        access_information="Step-free access from the street; hearing loop in every room.",
        parking="No parking on site; the nearest car park is on Demo Road.",
        refreshments="Tea, coffee and lunch provided.",
    )
    trainer = accounts["trainer"]
    today = timezone.localtime(now).date()

    def days(number: int) -> datetime.date:
        return _weekday(today + datetime.timedelta(days=number))

    def booked(person, days_ago: float, status=BookingStatus.CONFIRMED, **fields) -> BookingPlan:
        return BookingPlan(person, status, now - datetime.timedelta(days=days_ago), **fields)

    attended = AttendanceOutcome.ATTENDED
    plans = [
        SessionPlan(  # upcoming, places left, the learner booked
            courses[min(1, len(courses) - 1)],
            session_parts("day", days(10)),
            20,
            Session.Status.SCHEDULED,
            venue,
            trainer,
            bookings=[booked(learner, 6)] + [booked(p, 5 - i / 2) for i, p in enumerate(staff[:5])],
        ),
        SessionPlan(  # full, with a waiting list
            courses[min(4, len(courses) - 1)],
            session_parts("day", days(17)),
            6,
            Session.Status.SCHEDULED,
            venue,
            trainer,
            bookings=[booked(p, 20 - i) for i, p in enumerate(staff[5:11])]
            + [
                booked(staff[11], 4, BookingStatus.WAITING),
                booked(learner, 3, BookingStatus.WAITING),
                booked(staff[12], 2, BookingStatus.WAITING),
            ],
        ),
        SessionPlan(  # upcoming, online, modular
            courses[min(8, len(courses) - 1)],
            session_parts("twilight", days(24)),
            16,
            Session.Status.SCHEDULED,
            None,
            trainer,
            bookings=[booked(p, 3) for p in staff[:3]],
        ),
        SessionPlan(  # upcoming, nearly empty
            courses[min(12, len(courses) - 1)],
            session_parts("morning", days(45)),
            24,
            Session.Status.SCHEDULED,
            venue,
            None,
            bookings=[booked(p, 1) for p in staff[13:15]],
        ),
        SessionPlan(  # past, register closed: records and certificates
            courses[0],
            session_parts("two_days", days(-28)),
            12,
            Session.Status.CLOSED,
            venue,
            trainer,
            no_show_charge=Decimal("50.00"),
            bookings=[booked(learner, 60, outcome=attended)]
            + [booked(p, 59, outcome=attended) for p in staff[:6]]
            + [
                booked(staff[6], 58, outcome=AttendanceOutcome.PARTLY, parts_attended=1),
                booked(staff[7], 57, outcome=AttendanceOutcome.NO_SHOW),
            ],
        ),
        SessionPlan(  # ended yesterday: the trainer's register to take
            courses[min(2, len(courses) - 1)],
            session_parts("day", today - datetime.timedelta(days=1)),
            10,
            Session.Status.SCHEDULED,
            venue,
            trainer,
            bookings=[booked(p, 30) for p in staff[8:13]],
        ),
    ]
    return write_sessions(partnership, plans, coordinator=accounts["coordinator"], rng=rng, now=now)
