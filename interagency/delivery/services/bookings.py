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
"""

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.delivery import notices
from interagency.delivery.models import (
    LIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    Session,
    WaitingListMode,
)
from interagency.delivery.selectors.bookings import delivery_settings_for
from interagency.delivery.services.errors import BookingError
from interagency.people.models import Person

# SQLite: IMMEDIATE transactions wait up to the busy timeout for the write
# lock, but under heavy contention a writer can still get "database is
# locked". The whole booking transaction is then retried (it changed nothing),
# a bounded number of times, rather than failing the person.
LOCKED_ATTEMPTS = 5
REASON_MAX = 300


def _atomic_with_retry[T](work: Callable[[], T]) -> T:
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


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _audit(actor, booking: Booking, changes: dict, *, created: bool = False) -> None:
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
        subject=booking,
        changes=changes,
        partnership=booking.partnership,
    )


def _locked_session(session: Session) -> Session:
    """The session's current row, locked for this transaction on PostgreSQL."""
    return (
        Session.objects.for_partnership(session.partnership)
        .select_for_update()
        .select_related("partnership")
        .get(pk=session.pk)
    )


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.for_partnership(booking.partnership)
        .select_for_update()
        .select_related("person", "agency", "session")
        .get(pk=booking.pk)
    )


def _take_place(session: Session) -> bool:
    """Raise places_taken by one if a place is free: the capacity guarantee."""
    taken = (
        Session.objects.for_partnership(session.partnership)
        .filter(pk=session.pk, places_taken__lt=F("capacity"))
        .update(places_taken=F("places_taken") + 1)
    )
    if taken:
        session.places_taken += 1
    return bool(taken)


def _free_place(session: Session) -> None:
    Session.objects.for_partnership(session.partnership).filter(
        pk=session.pk, places_taken__gt=0
    ).update(places_taken=F("places_taken") - 1)
    session.places_taken = max(session.places_taken - 1, 0)


# Checks ------------------------------------------------------------------------------


def _check_session_bookable(session: Session, now: datetime.datetime) -> None:
    if session.status == Session.Status.CANCELLED:
        raise BookingError("This session has been cancelled: choose another date.")
    if session.status == Session.Status.CLOSED:
        raise BookingError("This session has finished and its register is closed.")
    if session.starts_at is None:
        raise BookingError("This session has no dates yet, so it cannot be booked.")
    if session.starts_at <= now:
        raise BookingError("This session has already started, so it can no longer be booked.")
    if session.booking_opens_at and now < session.booking_opens_at:
        raise BookingError(f"Booking for this session opens on {_when(session.booking_opens_at)}.")
    if session.booking_closes_at and now >= session.booking_closes_at:
        raise BookingError(
            f"Booking for this session closed on {_when(session.booking_closes_at)}."
        )


def _check_person_bookable(session: Session, person: Person) -> bool:
    """Refuse people who left, merged records and other regions; True when regional."""
    if person.merged_into_id is not None:
        raise BookingError(
            f"{person}'s record was merged into another one: book that record instead.",
            field="person",
        )
    if person.left_on is not None:
        if person.left_on <= timezone.localdate():
            raise BookingError(
                f"{person} left {person.agency} on {person.left_on:%d %B %Y} and cannot be booked.",
                field="person",
            )
        if session.starts_at and person.left_on < timezone.localdate(session.starts_at):
            raise BookingError(
                f"{person} leaves {person.agency} on {person.left_on:%d %B %Y}, "
                "before this session.",
                field="person",
            )
    if person.partnership_id == session.partnership_id:
        return False
    if person.partnership.region_id != session.partnership.region_id:
        raise BookingError(
            f"{person} works for a partnership outside this session's region.", field="person"
        )
    if session.regional_places == 0:
        raise BookingError(
            "This session is not open to people from other partnerships.", field="person"
        )
    return True


def _place_holders(session: Session):
    return Booking.objects.for_partnership(session.partnership).filter(
        session=session, status__in=PLACE_HOLDING_STATUSES
    )


def quota_problem(
    session: Session, *, agency, is_regional: bool, now: datetime.datetime | None = None
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
                f"{hold.get_sector_display()} until {_when(hold.until)}" for hold in holds
            )
            return f"The places left are held for {sectors}."
    if is_regional and holders.filter(is_regional=True).count() >= session.regional_places:
        return f"The {session.regional_places} places open to other partnerships are all taken."
    return None


# Booking -----------------------------------------------------------------------------


def _place_or_wait(session: Session, booking: Booking, now: datetime.datetime) -> None:
    """Give ``booking`` a place when one is free and the quotas allow, else the waiting list."""
    problem = quota_problem(session, agency=booking.agency, is_regional=booking.is_regional)
    if problem is None and _take_place(session):
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
        booking.waiting_since = None
    else:
        booking.status = BookingStatus.WAITING
        booking.waiting_since = now


def _announce(booking: Booking) -> None:
    if booking.status == BookingStatus.CONFIRMED:
        notices.booking_confirmed(booking)
    elif booking.status == BookingStatus.WAITING:
        notices.booking_waiting(booking)
    elif booking.status == BookingStatus.AWAITING_APPROVAL:
        notices.approval_requested(booking)


def book_place(*, session: Session, person: Person, booked_by) -> Booking:
    """Book ``person`` on ``session``: confirmed, waiting, or awaiting their manager's approval.

    A learner booking themselves waits for approval when their partnership
    requires it (the booking holds no place until approved).
    """
    self_booking = booked_by is not None and person.user_id == getattr(booked_by, "pk", None)
    needs_approval = (
        self_booking and delivery_settings_for(person.partnership).requires_manager_approval
    )

    def work() -> Booking:
        current = _locked_session(session)
        now = timezone.now()  # after the lock: queue order is the order bookings commit
        _check_session_bookable(current, now)
        is_regional = _check_person_bookable(current, person)
        if (
            Booking.objects.for_partnership(current.partnership)
            .filter(session=current, person=person, status__in=LIVE_STATUSES)
            .exists()
        ):
            raise BookingError(f"{person} is already booked on this session.", field="person")
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
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            # The partial unique constraint: a concurrent request booked them first.
            raise BookingError(
                f"{person} is already booked on this session.", field="person"
            ) from None
        _audit(
            booked_by,
            booking,
            {"status": [None, booking.status], "is_regional": [None, is_regional]},
            created=True,
        )
        _announce(booking)
        session.places_taken = current.places_taken
        return booking

    return _atomic_with_retry(work)


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


def book_people(*, session: Session, people: Iterable[Person], booked_by) -> list[BookingResult]:
    """Book several people, each in their own transaction: one refusal stops nobody else."""
    results = []
    seen: set[int] = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        try:
            booking = book_place(session=session, person=person, booked_by=booked_by)
        except BookingError as error:
            results.append(BookingResult(person=person, error=error.message))
        else:
            results.append(BookingResult(person=person, booking=booking))
    return results


# Approval ----------------------------------------------------------------------------


def _check_awaiting(booking: Booking) -> None:
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        raise BookingError(
            f"This booking is not awaiting approval: it is {booking.get_status_display().lower()}."
        )


def approve_booking(*, booking: Booking, approved_by) -> Booking:
    """Approve a booking awaiting approval: it then books like any other (confirmed or waiting)."""

    def work() -> Booking:
        session = _locked_session(booking.session)
        current = _locked_booking(booking)
        now = timezone.now()
        _check_awaiting(current)
        if session.status != Session.Status.SCHEDULED or (
            session.starts_at is not None and session.starts_at <= now
        ):
            raise BookingError("This session has started or was cancelled: it cannot be approved.")
        current.decided_by = approved_by
        current.decided_at = now
        _place_or_wait(session, current, now)
        current.save()
        _audit(approved_by, current, {"status": [BookingStatus.AWAITING_APPROVAL, current.status]})
        _announce(current)
        return current

    return _atomic_with_retry(work)


def refuse_booking(*, booking: Booking, refused_by, reason: str) -> Booking:
    """Refuse a booking awaiting approval, with a reason the person is told."""
    reason = (reason or "").strip()
    if not reason:
        raise BookingError("Enter the reason for not approving the booking.", field="reason")
    if len(reason) > REASON_MAX:
        raise BookingError(f"The reason must be {REASON_MAX} characters or fewer.", field="reason")

    def work() -> Booking:
        current = _locked_booking(booking)
        _check_awaiting(current)
        current.status = BookingStatus.REFUSED
        current.decided_by = refused_by
        current.decided_at = timezone.now()
        current.reason = reason
        current.save()
        _audit(
            refused_by,
            current,
            {"status": [BookingStatus.AWAITING_APPROVAL, current.status], "reason": "(given)"},
        )
        notices.booking_refused(current)
        return current

    return _atomic_with_retry(work)


# Cancelling --------------------------------------------------------------------------


def cancel_booking(*, booking: Booking, cancelled_by, reason: str = "") -> Booking:
    """Cancel a live booking; after the cancellation cut-off it is flagged late.

    A freed place goes to the waiting list in the same transaction.
    """
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise BookingError(f"The reason must be {REASON_MAX} characters or fewer.", field="reason")

    def work() -> Booking:
        session = _locked_session(booking.session)
        current = _locked_booking(booking)
        now = timezone.now()
        if current.status in (BookingStatus.CANCELLED, BookingStatus.SESSION_CANCELLED):
            raise BookingError("This booking is already cancelled.")
        if not current.is_live:
            raise BookingError(
                f"This booking cannot be cancelled: it is {current.get_status_display().lower()}."
            )
        if session.starts_at is not None and session.starts_at <= now:
            raise BookingError(
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
        _audit(cancelled_by, current, changes)
        notices.booking_cancelled(current)
        if held_place:
            _free_place(session)
            _fill(session, now)
        return current

    return _atomic_with_retry(work)


def release_session_bookings(
    *, session: Session, status: BookingStatus = BookingStatus.SESSION_CANCELLED, released_by=None
) -> int:
    """End every live booking of ``session`` (it was cancelled) and free all its places.

    Runs inside the caller's transaction when there is one; the session's own
    notice tells the people (``notices.session_cancelled``).
    """

    def work() -> int:
        now = timezone.now()
        current = _locked_session(session)
        live = list(
            Booking.objects.for_partnership(current.partnership)
            .filter(session=current, status__in=LIVE_STATUSES)
            .select_related("person", "session__course")
        )
        for booking in live:
            was = booking.status
            booking.status = status
            booking.cancelled_at = now
            booking.cancelled_by = released_by
            booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
            _audit(released_by, booking, {"status": [was, status]})
        Session.objects.for_partnership(current.partnership).filter(pk=current.pk).update(
            places_taken=0
        )
        session.places_taken = 0
        return len(live)

    return _atomic_with_retry(work)


# The waiting list --------------------------------------------------------------------


def _fill(session: Session, now: datetime.datetime) -> list[Booking]:
    """Offer free places to the first eligible waiting people (session row already locked)."""
    if session.status != Session.Status.SCHEDULED or (
        session.starts_at is not None and session.starts_at <= now
    ):
        return []
    settings = delivery_settings_for(session.partnership)
    moved: list[Booking] = []
    waiting = (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.WAITING)
        .select_related("person", "agency")
        .order_by("waiting_since", "id")
    )
    for booking in waiting:
        if session.places_taken >= session.capacity:
            break
        person = booking.person
        if person.merged_into_id is not None or (
            person.left_on is not None and person.left_on <= timezone.localdate()
        ):
            continue
        if quota_problem(session, agency=booking.agency, is_regional=booking.is_regional, now=now):
            continue
        if not _take_place(session):
            break
        if settings.waiting_list_mode == WaitingListMode.AUTO_CONFIRM:
            booking.status = BookingStatus.CONFIRMED
            booking.confirmed_at = now
        else:
            booking.status = BookingStatus.OFFERED
            booking.offered_at = now
            deadline = now + datetime.timedelta(hours=settings.offer_hours)
            if session.starts_at is not None:
                deadline = min(deadline, session.starts_at)
            booking.offer_expires_at = deadline
        booking.save()
        _audit(None, booking, {"status": [BookingStatus.WAITING, booking.status]})
        if booking.status == BookingStatus.CONFIRMED:
            notices.booking_confirmed(booking)
        else:
            notices.place_offered(booking)
        moved.append(booking)
    return moved


def fill_from_waiting_list(*, session: Session) -> list[Booking]:
    """Give the session's free places to its waiting list, first eligible first.

    Auto-confirms or offers with a deadline, per the partnership's waiting-list
    mode. Call it after raising the capacity; cancellations call it themselves.
    """

    def work() -> list[Booking]:
        current = _locked_session(session)
        moved = _fill(current, timezone.now())
        session.places_taken = current.places_taken
        return moved

    return _atomic_with_retry(work)


def accept_offer(*, booking: Booking, accepted_by) -> Booking:
    """Accept a waiting-list offer before its deadline: the place is confirmed."""

    def work() -> Booking:
        now = timezone.now()
        _locked_session(booking.session)
        current = _locked_booking(booking)
        if current.status != BookingStatus.OFFERED:
            raise BookingError(
                f"There is no open offer on this booking: it is "
                f"{current.get_status_display().lower()}."
            )
        assert current.offer_expires_at is not None  # constraint booking_offer_has_deadline
        if current.offer_expires_at <= now:
            raise BookingError(f"This offer ended on {_when(current.offer_expires_at)}.")
        current.status = BookingStatus.CONFIRMED
        current.confirmed_at = now
        current.save()
        _audit(accepted_by, current, {"status": [BookingStatus.OFFERED, current.status]})
        notices.booking_confirmed(current)
        return current

    return _atomic_with_retry(work)


def decline_offer(*, booking: Booking, declined_by) -> Booking:
    """Decline a waiting-list offer: the place goes to the next eligible person at once."""

    def work() -> Booking:
        session = _locked_session(booking.session)
        current = _locked_booking(booking)
        now = timezone.now()
        if current.status != BookingStatus.OFFERED:
            raise BookingError(
                f"There is no open offer on this booking: it is "
                f"{current.get_status_display().lower()}."
            )
        current.status = BookingStatus.DECLINED
        current.decided_at = now
        current.save()
        _audit(declined_by, current, {"status": [BookingStatus.OFFERED, current.status]})
        _free_place(session)
        _fill(session, now)
        return current

    return _atomic_with_retry(work)


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """End the offers past their deadline and offer those places on; returns how many ended.

    Run periodically. Each session moves in its own transaction. Sessions with a
    free place and a waiting list (a sector hold ran out) are filled too.
    """
    now = now or timezone.now()
    # cross-partnership: the periodic job serves every partnership.
    expired_sessions = set(
        Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    # cross-partnership: the periodic job serves every partnership.
    waiting_sessions = set(
        Session.objects.filter(
            status=Session.Status.SCHEDULED,
            starts_at__gt=now,
            places_taken__lt=F("capacity"),
            bookings__status=BookingStatus.WAITING,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    ended = 0
    for session_id in sorted(expired_sessions | waiting_sessions):
        ended += _expire_session_offers(session_id, now)
    return ended


def _expire_session_offers(session_id: int, now: datetime.datetime) -> int:
    def work() -> int:
        # cross-partnership: the periodic job serves every partnership.
        session = (
            Session.objects.select_for_update().select_related("partnership").get(pk=session_id)
        )
        offers = list(
            Booking.objects.for_partnership(session.partnership)
            .select_for_update()
            .filter(session=session, status=BookingStatus.OFFERED, offer_expires_at__lte=now)
            .select_related("person", "session__course")
        )
        for booking in offers:
            booking.status = BookingStatus.EXPIRED
            booking.decided_at = now
            booking.save(update_fields=["status", "decided_at", "updated_at"])
            _audit(None, booking, {"status": [BookingStatus.OFFERED, BookingStatus.EXPIRED]})
            _free_place(session)
        _fill(session, now)
        return len(offers)

    return _atomic_with_retry(work)
