"""What the booking and waiting-list services share: one retried transaction, the
session lock, the places counter and the quotas (see ``bookings.py`` for the rules)."""

import datetime
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.dates import govuk_datetime
from interagency.delivery.models import PLACE_HOLDING_STATUSES, Booking, Session

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.people.models import Agency

# SQLite: IMMEDIATE transactions wait up to the busy timeout for the write
# lock, but under heavy contention a writer can still get "database is
# locked". The whole booking transaction is then retried (it changed nothing),
# a bounded number of times, rather than failing the person.
LOCKED_ATTEMPTS = 5
REASON_MAX = 300


def atomic_with_retry[T](work: Callable[[], T]) -> T:
    """Run ``work`` in one transaction; on SQLite retry it when the database is locked."""
    for attempt in range(1, LOCKED_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            retryable = (
                connection.vendor == "sqlite"
                and "locked" in str(error)
                and not connection.in_atomic_block  # an outer transaction must fail whole
                and attempt < LOCKED_ATTEMPTS
            )
            if not retryable:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def audit_booking(
    actor: "_User | None", booking: Booking, changes: dict, *, created: bool = False
) -> None:
    """One audit entry for a booking's creation or change, in its partnership."""
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
        subject=booking,
        changes=changes,
        partnership=booking.partnership,
    )


def locked_session(session: Session) -> Session:
    """The session's current row, locked for this transaction on PostgreSQL.

    Only the session's row: its partnership, course and venue come with it (the audit
    entry and the notice read them while the lock is held) but are not locked, so
    bookings on other sessions of the partnership, course or venue do not wait.
    """
    return (
        Session.objects.for_partnership(session.partnership)
        .select_for_update(of=("self",))
        .select_related("partnership", "course", "venue")
        .get(pk=session.pk)
    )


def locked_booking(booking: Booking) -> Booking:
    """The booking's current row, locked for this transaction on PostgreSQL."""
    return (
        Booking.objects.for_partnership(booking.partnership)
        .select_for_update()
        .select_related("person", "agency", "session")
        .get(pk=booking.pk)
    )


def take_place(session: Session) -> bool:
    """Raise places_taken by one if a place is free: the capacity guarantee."""
    taken = (
        Session.objects.for_partnership(session.partnership)
        .filter(pk=session.pk, places_taken__lt=F("capacity"))
        .update(places_taken=F("places_taken") + 1)
    )
    if taken:
        session.places_taken += 1
    return bool(taken)


def free_place(session: Session) -> None:
    """Lower places_taken by one (never below nought): a place given back."""
    Session.objects.for_partnership(session.partnership).filter(
        pk=session.pk, places_taken__gt=0
    ).update(places_taken=F("places_taken") - 1)
    session.places_taken = max(session.places_taken - 1, 0)


def _place_holders(session: Session) -> QuerySet[Booking]:
    return Booking.objects.for_partnership(session.partnership).filter(
        session=session, status__in=PLACE_HOLDING_STATUSES
    )


def quota_problem(
    session: Session,
    *,
    agency: "Agency",
    is_regional: bool,
    now: datetime.datetime | None = None,
) -> str | None:
    """Why a person of ``agency`` may not take a free place now (quotas), or None.

    Counts the bookings holding a place. An agency may hold at most
    ``max_agency_share`` percent of the capacity (at least one place); places a
    sector holds until a date are not free to other sectors before then; people
    of other partnerships take at most ``regional_places``.
    """
    now = now or timezone.now()
    holders = _place_holders(session)
    if session.max_agency_share:
        allowed = max(session.capacity * session.max_agency_share // 100, 1)
        if holders.filter(agency=agency).count() >= allowed:
            return (
                f"{agency} already holds {allowed} of the {session.capacity} places, "
                f"the most one agency may hold ({session.max_agency_share}%)."
            )
    holds = [
        hold
        for hold in session.sector_holds.all()
        if hold.until > now and hold.sector != agency.sector
    ]
    if holds:
        held_free = 0
        for hold in holds:
            used = holders.filter(agency__sector=hold.sector).count()
            held_free += max(hold.places - used, 0)
        if session.capacity - session.places_taken - held_free <= 0:
            sectors = ", ".join(
                f"{hold.get_sector_display()} until {govuk_datetime(hold.until)}" for hold in holds
            )
            return f"The places left are held for {sectors}."
    if is_regional and holders.filter(is_regional=True).count() >= session.regional_places:
        return f"The {session.regional_places} places open to other partnerships are all taken."
    return None
