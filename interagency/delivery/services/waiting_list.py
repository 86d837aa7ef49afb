"""The waiting list: freed places go to the first eligible waiting person at once.

Auto-confirmed or offered with a deadline, per the partnership's
DeliverySettings; a declined or expired offer moves to the next person (an
expired one tells its person, who leaves the waiting list). Each
function runs in one transaction under the session lock, like the bookings.
"""

import datetime
from typing import TYPE_CHECKING

from django.db.models import F
from django.utils import timezone

from interagency.core.dates import govuk_datetime
from interagency.core.errors import ServiceError
from interagency.delivery import notices, signals
from interagency.delivery.models import Booking, BookingStatus, Session, WaitingListMode
from interagency.delivery.selectors.settings import delivery_settings_of
from interagency.delivery.services.booking_rules import (
    atomic_with_retry,
    audit_booking,
    free_place,
    locked_booking,
    locked_session,
    quota_problem,
    take_place,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def fill_places(session: Session, now: datetime.datetime) -> list[Booking]:
    """Offer free places to the first eligible waiting people (session row already locked)."""
    if session.status != Session.Status.SCHEDULED or (
        session.starts_at is not None and session.starts_at <= now
    ):
        return []
    settings = delivery_settings_of(session.partnership)
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
        if not take_place(session):
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
        audit_booking(None, booking, {"status": [BookingStatus.WAITING, booking.status]})
        if booking.status == BookingStatus.CONFIRMED:
            notices.booking_confirmed(booking)
            signals.booking_confirmed.send(sender=Booking, booking=booking)
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
        current = locked_session(session)
        moved = fill_places(current, timezone.now())
        session.places_taken = current.places_taken
        return moved

    return atomic_with_retry(work)


def accept_offer(*, booking: Booking, accepted_by: "_User") -> Booking:
    """Accept a waiting-list offer before its deadline: the place is confirmed."""

    def work() -> Booking:
        now = timezone.now()
        locked_session(booking.session)
        current = locked_booking(booking)
        if current.status != BookingStatus.OFFERED:
            raise ServiceError(
                f"There is no open offer on this booking: it is "
                f"{current.get_status_display().lower()}."
            )
        assert current.offer_expires_at is not None  # constraint booking_offer_has_deadline
        if current.offer_expires_at <= now:
            raise ServiceError(f"This offer ended at {govuk_datetime(current.offer_expires_at)}.")
        current.status = BookingStatus.CONFIRMED
        current.confirmed_at = now
        current.save()
        audit_booking(accepted_by, current, {"status": [BookingStatus.OFFERED, current.status]})
        notices.booking_confirmed(current)
        signals.booking_confirmed.send(sender=Booking, booking=current)
        return current

    return atomic_with_retry(work)


def decline_offer(*, booking: Booking, declined_by: "_User") -> Booking:
    """Decline a waiting-list offer: the place goes to the next eligible person at once."""

    def work() -> Booking:
        session = locked_session(booking.session)
        current = locked_booking(booking)
        now = timezone.now()
        if current.status != BookingStatus.OFFERED:
            raise ServiceError(
                f"There is no open offer on this booking: it is "
                f"{current.get_status_display().lower()}."
            )
        current.status = BookingStatus.DECLINED
        current.decided_at = now
        current.save()
        audit_booking(declined_by, current, {"status": [BookingStatus.OFFERED, current.status]})
        free_place(session)
        fill_places(session, now)
        return current

    return atomic_with_retry(work)


def expire_offers(*, now: datetime.datetime | None = None) -> int:
    """End the offers past their deadline and offer those places on; returns how many ended.

    Run periodically. Each session moves in its own transaction. Sessions with a
    free place and a waiting list (a sector hold ran out) are filled too.
    """
    now = now or timezone.now()
    expired_sessions = set(
        # cross-partnership: the periodic job serves every partnership.
        Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    waiting_sessions = set(
        # cross-partnership: the periodic job serves every partnership.
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
        session = (
            # cross-partnership: the periodic job serves every partnership.
            Session.objects.select_for_update().select_related("partnership").get(pk=session_id)
        )
        offers = list(
            Booking.objects.for_partnership(session.partnership)
            .select_for_update()
            .filter(session=session, status=BookingStatus.OFFERED, offer_expires_at__lte=now)
            .select_related("partnership", "person__partnership", "session__course")
        )
        for booking in offers:
            booking.status = BookingStatus.EXPIRED
            booking.decided_at = now
            booking.save(update_fields=["status", "decided_at", "updated_at"])
            audit_booking(None, booking, {"status": [BookingStatus.OFFERED, BookingStatus.EXPIRED]})
            # In this transaction, so the email goes exactly when the offer has ended.
            notices.offer_expired(booking)
            free_place(session)
        fill_places(session, now)
        return len(offers)

    return atomic_with_retry(work)
