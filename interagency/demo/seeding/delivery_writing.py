"""Planned sessions written in bulk: sessions, their parts and trainers, and bookings.

Closed registers follow from the bookings' outcomes (:mod:`.registers`). Rows
go in the caller's transaction, without the services' emails and audit entries.
"""

import datetime
import random
from collections.abc import Sequence
from typing import Any

from interagency.delivery.models import (
    Booking,
    BookingStatus,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
)
from interagency.demo.seeding.bulk import BATCH_SIZE, date_field, dates_as_given, insert_rows
from interagency.demo.seeding.delivery_plans import BookingPlan, DeliveryCounts, SessionPlan
from interagency.demo.seeding.registers import RegisterWriter
from interagency.tenancy.models import Partnership

Planned = tuple[Session, SessionPlan, BookingPlan]


def session_row(
    partnership: Partnership,
    plan: SessionPlan,
    *,
    number: int,
    coordinator: Any,
    now: datetime.datetime,
) -> Session:
    """The planned session, unsaved: booking windows and cutoffs from its first part."""
    starts, ends = plan.parts[0][0], plan.parts[-1][1]
    online = plan.venue is None
    holding = sum(1 for b in plan.bookings if b.status == BookingStatus.CONFIRMED)
    assert holding <= plan.capacity, "a plan never overfills a session"
    cancelled = plan.status == Session.Status.CANCELLED
    closed = plan.status == Session.Status.CLOSED
    opens = starts - datetime.timedelta(days=120)
    return Session(
        partnership=partnership,
        course=plan.course,
        status=plan.status,
        format=SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
        venue=plan.venue,
        joining_link=f"https://meet.example/{partnership.code}/{number}" if online else "",
        joining_instructions="Join five minutes early and test your sound." if online else "",
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


def create_sessions(
    partnership: Partnership,
    plans: Sequence[SessionPlan],
    *,
    coordinator: Any,
    now: datetime.datetime,
) -> tuple[list[Session], dict[int, list[SessionPart]]]:
    """The sessions with their parts and trainers; each session's parts by its id."""
    rows = [
        session_row(partnership, plan, number=number, coordinator=coordinator, now=now)
        for number, plan in enumerate(plans, start=1)
    ]
    with dates_as_given(date_field(Session, "created_at")):
        sessions = Session.objects.bulk_create(rows, batch_size=BATCH_SIZE)
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
    return sessions, parts_of


def booking_row(
    partnership: Partnership,
    session: Session,
    plan: SessionPlan,
    entry: BookingPlan,
    *,
    coordinator: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> dict[str, Any]:
    """One planned booking as a row; a cancelled one cancelled before the cutoff or late."""
    starts = plan.parts[0][0]
    cutoff = starts - datetime.timedelta(days=3)
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
    return booking


def create_bookings(
    partnership: Partnership,
    sessions: list[Session],
    plans: Sequence[SessionPlan],
    *,
    coordinator: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> tuple[list[dict[str, Any]], list[Planned], dict[tuple[int, int], int]]:
    """The bookings' rows, what each was planned from, and their ids by (session, person)."""
    planned: list[Planned] = []
    bookings = []
    for session, plan in zip(sessions, plans, strict=True):
        for entry in plan.bookings:
            bookings.append(
                booking_row(
                    partnership, session, plan, entry, coordinator=coordinator, rng=rng, now=now
                )
            )
            planned.append((session, plan, entry))
    insert_rows(Booking, bookings, now=now)
    # Each seeded person books a session once, so (session, person) finds the new rows.
    booking_ids = {
        (session_id, person_id): pk
        for session_id, person_id, pk in Booking.objects.for_partnership(partnership)
        .filter(session_id__gte=sessions[0].pk if sessions else 0)
        .values_list("session_id", "person_id", "pk")
    }
    return bookings, planned, booking_ids


def write_sessions(
    partnership: Partnership,
    plans: Sequence[SessionPlan],
    *,
    coordinator: Any,
    rng: random.Random,
    now: datetime.datetime,
) -> DeliveryCounts:
    """Insert the planned sessions and everything that follows from them, in bulk."""
    sessions, parts_of = create_sessions(partnership, plans, coordinator=coordinator, now=now)
    bookings, planned, booking_ids = create_bookings(
        partnership, sessions, plans, coordinator=coordinator, rng=rng, now=now
    )
    registers = RegisterWriter(
        partnership=partnership, coordinator=coordinator, rng=rng, now=now, parts_of=parts_of
    )
    registers.add_sessions(sessions, plans)
    for booking, (session, plan, entry) in zip(bookings, planned, strict=True):
        if entry.outcome:
            booking_id = booking_ids[(session.pk, booking["person_id"])]
            registers.add(booking, session, plan, entry, booking_id)
    registers.write()
    return DeliveryCounts(len(sessions), len(bookings), len(registers.certificates))
