"""The booking engine: book, approve, cancel, and move the waiting list.

Two rules hold whatever the concurrency, on SQLite and PostgreSQL alike:

* capacity is never exceeded: ``Session.places_taken`` is raised only by a
  conditional UPDATE (``places_taken < capacity``) inside the booking's
  transaction; no row changed means full. The check constraint
  ``places_taken <= capacity`` is the backstop.
* nobody is booked twice: the partial unique constraint on live (session,
  person) bookings refuses the second insert, answered with a plain message.

Each booking transaction first locks the session row (``select_for_update``,
PostgreSQL; on SQLite the IMMEDIATE transaction already holds the write
lock), so the quota counts (agency share, sector holds, regional places) read
inside it cannot be overtaken by a concurrent booking. The lock alone never
guards capacity: SQLite ignores it.

A booking that does not fit, or that the quotas do not allow yet, joins the
waiting list (``waiting_since``). Whenever a place frees, the same
transaction offers it to the first eligible waiting person (auto-confirm or an
offer with a deadline, per the partnership's DeliverySettings). Permission
("may this user book or cancel for this person?") is the caller's check, with
``delivery.selectors.bookings.may_book_for`` / ``may_cancel`` / ``may_approve``.

The waiting-list services are in ``waiting_list.py`` and the shared pieces
(retried transaction, session lock, places counter, quotas) in
``booking_rules.py``; this module re-exports them, so callers import one module.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_events
from interagency.core.dates import govuk_date, govuk_datetime
from interagency.core.errors import ServiceError
from interagency.delivery import notices, signals
from interagency.delivery.models import LIVE_STATUSES, Booking, BookingStatus, Session
from interagency.delivery.selectors.settings import delivery_settings_of
from interagency.delivery.services.booking_rules import (
    LOCKED_ATTEMPTS,
    REASON_MAX,
    atomic_with_retry,
    audit_booking,
    free_place,
    locked_booking,
    locked_session,
    quota_problem,
    take_place,
)
from interagency.delivery.services.waiting_list import (
    accept_offer,
    decline_offer,
    expire_offers,
    fill_from_waiting_list,
    fill_places,
)
from interagency.people.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

# The waiting-list services live in waiting_list.py; they are part of this interface.
__all__ = [
    "LOCKED_ATTEMPTS",
    "BookingResult",
    "accept_offer",
    "approve_booking",
    "book_people",
    "book_place",
    "cancel_booking",
    "decline_offer",
    "expire_offers",
    "fill_from_waiting_list",
    "quota_problem",
    "refuse_booking",
    "release_session_bookings",
]


# Checks ------------------------------------------------------------------------------


def _check_session_bookable(session: Session, now: datetime.datetime) -> None:
    if session.status == Session.Status.CANCELLED:
        raise ServiceError("This session has been cancelled: choose another date.")
    if session.status == Session.Status.CLOSED:
        raise ServiceError("This session has finished and its register is closed.")
    if session.starts_at is None:
        raise ServiceError("This session has no dates yet, so it cannot be booked.")
    if session.starts_at <= now:
        raise ServiceError("This session has already started, so it can no longer be booked.")
    if session.booking_opens_at and now < session.booking_opens_at:
        raise ServiceError(
            f"Booking for this session opens at {govuk_datetime(session.booking_opens_at)}."
        )
    if session.booking_closes_at and now >= session.booking_closes_at:
        raise ServiceError(
            f"Booking for this session closed at {govuk_datetime(session.booking_closes_at)}."
        )


def _check_person_bookable(session: Session, person: Person) -> bool:
    """Refuse people who left, merged records and other regions; True when regional."""
    if person.merged_into_id is not None:
        raise ServiceError(
            f"{person}'s record was merged into another one: book that record instead.",
            field="person",
        )
    if person.left_on is not None:
        if person.left_on <= timezone.localdate():
            raise ServiceError(
                f"{person} left {person.agency} on {govuk_date(person.left_on)} "
                "and cannot be booked.",
                field="person",
            )
        if session.starts_at and person.left_on < timezone.localdate(session.starts_at):
            raise ServiceError(
                f"{person} leaves {person.agency} on {govuk_date(person.left_on)}, "
                "before this session.",
                field="person",
            )
    if person.partnership_id == session.partnership_id:
        return False
    if person.partnership.region_id != session.partnership.region_id:
        raise ServiceError(
            f"{person} works for a partnership outside this session's region.", field="person"
        )
    if session.regional_places == 0:
        raise ServiceError(
            "This session is not open to people from other partnerships.", field="person"
        )
    return True


# Booking -----------------------------------------------------------------------------


def _place_or_wait(session: Session, booking: Booking, now: datetime.datetime) -> None:
    """Give ``booking`` a place when one is free and the quotas allow, else the waiting list.

    ``session`` is the locked row, so when it shows every place taken none can free
    before commit: the booking waits without the quota counts or the conditional
    UPDATE (which alone may take a place).
    """
    full = session.places_taken >= session.capacity
    if (
        not full
        and (quota_problem(session, agency=booking.agency, is_regional=booking.is_regional) is None)
        and take_place(session)
    ):
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
        booking.waiting_since = None
    else:
        booking.status = BookingStatus.WAITING
        booking.waiting_since = now


def _announce(booking: Booking, *, new: bool = False) -> None:
    """Queue the booking's email; ``new``: the booking was inserted in this transaction."""
    if booking.status == BookingStatus.CONFIRMED:
        notices.booking_confirmed(booking, new=new)
        signals.booking_confirmed.send(sender=Booking, booking=booking)
    elif booking.status == BookingStatus.WAITING:
        position = notices.waiting_position(booking)
        # As booking_rows reads it, so the caller can answer without reading the booking again.
        booking.people_ahead = position - 1  # type: ignore[attr-defined]
        notices.booking_waiting(booking, position, new=new)
    elif booking.status == BookingStatus.AWAITING_APPROVAL:
        notices.approval_requested(booking, new=new)


def book_place(*, session: Session, person: Person, booked_by: "_User | None") -> Booking:
    """Book ``person`` on ``session``: confirmed, waiting, or awaiting their manager's approval.

    A learner booking themselves waits for approval when their partnership
    requires it (the booking holds no place until approved).
    """
    self_booking = booked_by is not None and person.user_id == getattr(booked_by, "pk", None)
    needs_approval = (
        self_booking and delivery_settings_of(person.partnership).requires_manager_approval
    )

    def work() -> Booking:
        current = locked_session(session)
        now = timezone.now()  # after the lock: queue order is the order bookings commit
        _check_session_bookable(current, now)
        is_regional = _check_person_bookable(current, person)
        booking = Booking(
            partnership=current.partnership,
            session=current,
            person=person,
            agency=person.agency,
            is_regional=is_regional,
            booked_by=booked_by,
        )
        if needs_approval:
            booking.status = BookingStatus.AWAITING_APPROVAL
        else:
            _place_or_wait(current, booking, now)
        try:
            # No savepoint and no look first: the partial unique constraint on live
            # bookings answers "already booked", and the whole transaction (the place
            # taken with it) is rolled back, so the session's lock is held for fewer
            # round trips.
            booking.save()
        except IntegrityError:
            raise ServiceError(
                f"{person} is already booked on this session.", field="person"
            ) from None
        audit_booking(
            booked_by,
            booking,
            {"status": [None, booking.status], "is_regional": [None, is_regional]},
            created=True,
        )
        _announce(booking, new=True)
        session.places_taken = current.places_taken
        return booking

    return atomic_with_retry(work)


@dataclass(frozen=True)
class BookingResult:
    """One person's outcome of a bulk booking: the booking, or why they were not booked."""

    person: Person
    booking: Booking | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.booking is not None

    @property
    def message(self) -> str:
        if self.booking is None:
            return self.error or ""
        return {
            BookingStatus.CONFIRMED: f"{self.person} is booked.",
            BookingStatus.WAITING: f"{self.person} is on the waiting list.",
            BookingStatus.AWAITING_APPROVAL: f"{self.person}'s booking awaits approval.",
        }.get(BookingStatus(self.booking.status), f"{self.person}: {self.booking.status}.")


def book_people(
    *, session: Session, people: Iterable[Person], booked_by: "_User"
) -> list[BookingResult]:
    """Book several people, each in their own transaction: one refusal stops nobody else."""
    results = []
    seen: set[int] = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        try:
            booking = book_place(session=session, person=person, booked_by=booked_by)
        except ServiceError as error:
            results.append(BookingResult(person=person, error=error.message))
        else:
            results.append(BookingResult(person=person, booking=booking))
    return results


# Approval ----------------------------------------------------------------------------


def _check_awaiting(booking: Booking) -> None:
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise ServiceError(
            f"This booking is not awaiting approval: it is {booking.get_status_display().lower()}."
        )


def approve_booking(*, booking: Booking, approved_by: "_User") -> Booking:
    """Approve a booking awaiting approval: it then books like any other (confirmed or waiting)."""

    def work() -> Booking:
        session = locked_session(booking.session)
        current = locked_booking(booking)
        now = timezone.now()
        _check_awaiting(current)
        if session.status != Session.Status.SCHEDULED or (
            session.starts_at is not None and session.starts_at <= now
        ):
            raise ServiceError("This session has started or was cancelled: it cannot be approved.")
        current.decided_by = approved_by
        current.decided_at = now
        _place_or_wait(session, current, now)
        current.save()
        audit_booking(
            approved_by, current, {"status": [BookingStatus.AWAITING_APPROVAL, current.status]}
        )
        _announce(current)
        return current

    return atomic_with_retry(work)


def refuse_booking(*, booking: Booking, refused_by: "_User", reason: str) -> Booking:
    """Refuse a booking awaiting approval, with a reason the person is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Enter the reason for not approving the booking.", field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"The reason must be {REASON_MAX} characters or fewer.", field="reason")

    def work() -> Booking:
        current = locked_booking(booking)
        _check_awaiting(current)
        current.status = BookingStatus.REFUSED
        current.decided_by = refused_by
        current.decided_at = timezone.now()
        current.reason = reason
        current.save()
        audit_booking(
            refused_by,
            current,
            {"status": [BookingStatus.AWAITING_APPROVAL, current.status], "reason": "(given)"},
        )
        notices.booking_refused(current)
        return current

    return atomic_with_retry(work)


# Cancelling --------------------------------------------------------------------------


def cancel_booking(*, booking: Booking, cancelled_by: "_User", reason: str = "") -> Booking:
    """Cancel a live booking; after the cancellation cut-off it is flagged late.

    A freed place goes to the waiting list in the same transaction.
    """
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ServiceError(f"The reason must be {REASON_MAX} characters or fewer.", field="reason")

    def work() -> Booking:
        session = locked_session(booking.session)
        current = locked_booking(booking)
        now = timezone.now()
        if current.status in (BookingStatus.CANCELLED, BookingStatus.SESSION_CANCELLED):
            raise ServiceError("This booking is already cancelled.")
        if not current.is_live:
            raise ServiceError(
                f"This booking cannot be cancelled: it is {current.get_status_display().lower()}."
            )
        if session.starts_at is not None and session.starts_at <= now:
            raise ServiceError(
                "This session has already started: the trainer records who attended instead."
            )
        was = current.status
        held_place = current.holds_place
        current.status = BookingStatus.CANCELLED
        current.cancelled_by = cancelled_by
        current.cancelled_at = now
        current.reason = reason
        current.is_late_cancellation = bool(
            was == BookingStatus.CONFIRMED
            and session.cancellation_cutoff is not None
            and now > session.cancellation_cutoff
        )
        current.save()
        changes: dict = {"status": [was, current.status]}
        if current.is_late_cancellation:
            changes["is_late_cancellation"] = [False, True]
        if reason:
            changes["reason"] = "(given)"
        audit_booking(cancelled_by, current, changes)
        notices.booking_cancelled(current)
        if held_place:
            free_place(session)
            fill_places(session, now)
        return current

    return atomic_with_retry(work)


def release_session_bookings(
    *,
    session: Session,
    status: BookingStatus = BookingStatus.SESSION_CANCELLED,
    released_by: "_User | None" = None,
) -> int:
    """End every live booking of ``session`` (it was cancelled) and free all its places.

    Runs inside the caller's transaction when there is one; the session's own
    notice tells the people (``notices.session_cancelled``).
    """

    def work() -> int:
        now = timezone.now()
        current = locked_session(session)
        owned = Booking.objects.for_partnership(current.partnership)
        # Locked too (PostgreSQL): a refusal locks only its booking, not the
        # session, and must not end a booking this release has already read.
        live = list(
            owned.filter(session=current, status__in=LIVE_STATUSES)
            .select_related("person", "session__course")
            .select_for_update(of=("self",))
        )
        # One UPDATE and one audit insert however many people were booked; each
        # booking ends as save() would have left it, audited with its old status.
        owned.filter(pk__in=[booking.pk for booking in live]).update(
            status=status, cancelled_at=now, cancelled_by=released_by, updated_at=now
        )
        changes = []
        for booking in live:
            changes.append((booking, {"status": [booking.status, status]}))
            booking.status = status
            booking.cancelled_at = now
            booking.cancelled_by = released_by
            booking.updated_at = now
        # The bookings are the session's partnership's (read through it above).
        record_events(
            actor=released_by,
            action=AuditEvent.Action.CHANGED,
            changes=changes,
            partnership=current.partnership,
        )
        Session.objects.for_partnership(current.partnership).filter(pk=current.pk).update(
            places_taken=0
        )
        session.places_taken = 0
        return len(live)

    return atomic_with_retry(work)
