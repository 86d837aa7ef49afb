"""Emails about bookings and sessions: each function queues one notice per person.

The booking and session services call these inside their transaction, so a
notice is stored with the change it reports or not at all; the outbox sends
it after commit (``interagency.notifications``). Every notice has a key, so
calling a function twice (a retried request, a double click) stores one
message.

Recipients are the person's work email; approval requests go to the
person's line manager, or else the agency lead. The joining link and
instructions go only to confirmed attendees, never to people waiting or
offered a place. Times are shown in Europe/London.

The emails are written when they are sent, not in the booking's transaction:
each outbox row keeps its kind, recipient, booking and the few values known
only now (a waiting-list position, a reason, a link), and the sender asks
:func:`written_messages` (registered as the ``booking`` source in
``DeliveryConfig.ready()``) for the rest, reading the bookings of a whole batch
in a few queries. Apps above delivery add paragraphs to the booking
confirmation with :func:`add_to_confirmations` (evaluation: the registration
questionnaire's link), so delivery imports none of them.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q, prefetch_related_objects
from django.urls import NoReverseMatch, reverse

from interagency.core.dates import govuk_datetime, govuk_day, govuk_period
from interagency.delivery import calendar
from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.rendering import Written
from interagency.notifications.selectors import calendars_sent_for
from interagency.notifications.services import Notice, queue_messages

logger = logging.getLogger(__name__)

# The name under which delivery writes its messages when they are sent.
SOURCE = "booking"
# Paragraphs another app adds to every booking confirmation, by name: each gets the
# booking (with its session, course and person) and answers text, or "" for none.
_CONFIRMATION_EXTRAS: dict[str, Callable[[Booking], str]] = {}


def add_to_confirmations(name: str, extra: Callable[[Booking], str]) -> None:
    """Add ``extra``'s paragraph to booking confirmations (called from ``AppConfig.ready()``).

    It runs when the email is written by the sender, after the booking's
    transaction, so it may read and write what it needs (a response code).
    """
    _CONFIRMATION_EXTRAS[name] = extra


def booking_confirmed(booking: Booking, *, new: bool = False) -> None:
    """Tell the person their place is confirmed, with a calendar invitation.

    ``new``: the booking was inserted in this transaction (as for every notice below).
    """
    session = booking.session
    _queue(
        booking,
        MessageKind.BOOKING_CONFIRMED,
        key=f"booking:{booking.pk}:confirmed:{session.sequence}",
        calendar_method="REQUEST",
        new=new,
    )


def booking_waiting(booking: Booking, position: int | None = None, *, new: bool = False) -> None:
    """Tell the person they are on the waiting list, and their place in it (counted unless
    the caller has)."""
    _queue(
        booking,
        MessageKind.BOOKING_WAITING,
        key=f"booking:{booking.pk}:waiting",
        extra={"position": str(position or waiting_position(booking))},
        new=new,
    )


def booking_cancelled(booking: Booking) -> None:
    """Tell the person their booking is cancelled; a confirmed place's calendar entry goes."""
    _queue(
        booking,
        MessageKind.BOOKING_CANCELLED,
        key=f"booking:{booking.pk}:cancelled",
        calendar_method="CANCEL" if booking.confirmed_at else None,
        extra={"reason": booking.reason},
    )


def approval_requested(booking: Booking, *, new: bool = False) -> None:
    """Ask the person's line manager (or else their agency lead) to approve the booking."""
    person = booking.person
    manager = person.line_manager
    to_email = manager.work_email if manager is not None and manager.work_email else ""
    if not to_email and person.agency.lead is not None:
        to_email = person.agency.lead.email
    _queue(
        booking,
        MessageKind.APPROVAL_REQUESTED,
        key=f"booking:{booking.pk}:approval",
        to_email=to_email,
        missing=f"no line manager or agency lead with an email address for {person.full_name}",
        link=_absolute(
            [("sessions:approvals", {"code": booking.partnership.code})],
            fallback=f"/p/{booking.partnership.code}/sessions/",
        ),
        new=new,
    )


def booking_refused(booking: Booking) -> None:
    """Tell the person their booking was not approved, with the reason given."""
    _queue(
        booking,
        MessageKind.BOOKING_REFUSED,
        key=f"booking:{booking.pk}:refused",
        extra={"reason": booking.reason},
    )


def place_offered(booking: Booking) -> None:
    """Offer a waiting-list place, with the deadline to accept it."""
    offered = int(booking.offered_at.timestamp()) if booking.offered_at else 0
    deadline = booking.offer_expires_at
    _queue(
        booking,
        MessageKind.PLACE_OFFERED,
        key=f"booking:{booking.pk}:offered:{offered}",
        extra={"deadline": govuk_datetime(deadline, weekday=True) if deadline else ""},
    )


def offer_expired(booking: Booking) -> None:
    """Tell the person their offer ended unanswered (they left the waiting list), with the
    session's page to book again; one email per booking, however often expiry runs."""
    deadline = booking.offer_expires_at
    code = booking.person.partnership.code  # their own partnership's page, regional or not
    _queue(
        booking,
        MessageKind.OFFER_EXPIRED,
        key=f"booking:{booking.pk}:offer-expired",
        extra={"deadline": govuk_datetime(deadline, weekday=True) if deadline else ""},
        link=_absolute(
            [("sessions:detail", {"code": code, "session_id": booking.session_id})],
            fallback=f"/p/{code}/sessions/",
        ),
    )


def session_changed(session: Session) -> None:
    """Send every confirmed attendee the new details and an updated invitation (same UIDs).

    The same few queries however many attendees (this runs inside the edit's
    transaction): calendars already sent read once, the emails stored together.
    """
    bookings = _bookings(session, [BookingStatus.CONFIRMED])
    sent = calendars_sent_for(session.partnership, bookings)
    changed: list[Notice] = []
    for booking in bookings:
        key = f"booking:{booking.pk}:changed:{session.sequence}"
        changed.append(_notice(booking, key=key, calendar_method="REQUEST"))
        # A part the change removed is still in the person's calendar: cancel it.
        stale = calendar.stale_uids(booking, sent[booking.pk])
        if stale:
            document = calendar.cancellation_of_parts(booking, stale, sent[booking.pk])
            changed.append(_notice(booking, key=f"{key}:removed-parts", document=document))
    queue_messages(
        partnership=session.partnership, kind=MessageKind.SESSION_CHANGED, notices=changed
    )


def session_cancelled(session: Session, alternatives: Sequence[Session]) -> None:
    """Tell everyone whose booking the cancellation released; confirmed places get a CANCEL."""
    code = session.partnership.code
    lines = [
        f"- {alternative.course} on {format_date(alternative)}: "
        + _absolute(
            [("sessions:detail", {"code": code, "session_id": alternative.pk})],
            fallback=f"/p/{code}/sessions/",
        )
        for alternative in alternatives
        if alternative.starts_at is not None
    ]
    offer = "You could book one of these instead:\n" + "\n".join(lines) if lines else ""
    released = [
        _notice(
            booking,
            key=f"booking:{booking.pk}:session-cancelled",
            calendar_method="CANCEL" if booking.confirmed_at else None,
            extra={"reason": session.cancellation_reason, "alternatives": offer},
        )
        for booking in _bookings(session, [BookingStatus.SESSION_CANCELLED])
    ]
    queue_messages(
        partnership=session.partnership, kind=MessageKind.SESSION_CANCELLED, notices=released
    )


def reminder_due(booking: Booking) -> None:
    """Remind a confirmed attendee of the session; one reminder per booking and start date."""
    if booking.status != BookingStatus.CONFIRMED or booking.session.starts_at is None:
        return
    starts = booking.session.starts_at.astimezone(calendar.LONDON).date().isoformat()
    _queue(booking, MessageKind.REMINDER, key=f"booking:{booking.pk}:reminder:{starts}")


# --- context ------------------------------------------------------------------


def context_for(booking: Booking) -> dict[str, str]:
    """The placeholders every booking notice may use, as plain strings."""
    session = booking.session
    confirmed = booking.status == BookingStatus.CONFIRMED
    return {
        "name": booking.person.full_name,
        "course": str(session.course),
        "date": format_date(session),
        "when": "\n".join(
            govuk_period(part.starts_at, part.ends_at) for part in calendar.parts_of(session)
        ),
        "where": calendar.where(session, with_link=False),
        "joining": joining_text(session) if confirmed else "",
        "link": _bookings_link(session, booking),
        "position": "",
        "deadline": "",
        "reason": "",
        "alternatives": "",
    }


def joining_text(session: Session) -> str:
    """How to join: the link and the instructions (for confirmed attendees only)."""
    lines = []
    if session.joining_link:
        lines.append(f"Joining link: {session.joining_link}")
    if session.joining_instructions:
        lines.append(session.joining_instructions)
    return "\n\n".join(lines)


def waiting_position(booking: Booking) -> int:
    """The person's place in the session's waiting list (1 is next)."""
    if booking.waiting_since is None:
        return 1
    ahead = (
        Booking.objects.for_partnership(booking.partnership)
        .filter(session_id=booking.session_id, status=BookingStatus.WAITING)
        .filter(
            Q(waiting_since__lt=booking.waiting_since)
            | Q(waiting_since=booking.waiting_since, pk__lt=booking.pk)
        )
        .count()
    )
    return ahead + 1


def format_date(session: Session) -> str:
    """The session's first day in London, e.g. ``Tuesday 3 March 2026``."""
    if session.starts_at is None:
        return "a date to be confirmed"
    return govuk_day(session.starts_at)


# --- queueing -----------------------------------------------------------------


def _queue(
    booking: Booking, kind: MessageKind, *, key: str, new: bool = False, **options: Any
) -> None:
    """Queue one booking's email; ``options`` as :func:`_notice` takes them.

    ``new``: the booking was inserted in this transaction, so no message names it yet.
    """
    notice = _notice(booking, key=key, **options)
    queue_messages(partnership=booking.partnership, kind=kind, notices=[notice], new_keys=new)


def _notice(
    booking: Booking,
    *,
    key: str,
    calendar_method: str | None = None,
    extra: dict[str, str] | None = None,
    to_email: str | None = None,
    missing: str = "",
    link: str | None = None,
    document: str = "",
) -> Notice:
    """One booking's email, to be written when sent: only what is known now is stored.

    ``document`` is a calendar attachment made now (parts a change removed, found
    from what was sent before); ``calendar_method`` asks for the booking's invitation
    (REQUEST or CANCEL) made when the email is written.
    """
    values = dict(extra or {})
    if link is not None:
        values["link"] = link
    context: dict[str, Any] = {"values": values}
    if calendar_method:
        context["calendar"] = calendar_method
    person = booking.person
    return Notice(
        to_email=person.work_email if to_email is None else to_email,
        key=key,
        context=context,
        booking=booking,
        session=booking.session,
        calendar=document,
        missing_address=missing or f"no work email address for {person.full_name}",
        source=SOURCE,
    )


def written_messages(messages: Sequence[OutboxMessage]) -> dict[int, Written]:
    """What each booking email says when it is sent, by message id (the ``booking`` source).

    The batch's bookings with their sessions, courses, venues and parts are read
    in two queries. A message whose booking was deleted is left out (not sent).
    """
    ids = {message.booking_id for message in messages if message.booking_id}
    bookings = {
        booking.pk: booking
        # cross-partnership: the sender writes every partnership's booking emails.
        for booking in Booking.objects.filter(pk__in=ids)
        .select_related(
            "partnership",
            "person__partnership",
            "session__course",
            "session__venue",
            "session__partnership",
        )
        .prefetch_related("session__parts")
    }
    found: dict[int, Written] = {}
    for message in messages:
        booking = bookings.get(message.booking_id or 0)
        if booking is not None:
            found[message.pk] = _written(message, booking)
    return found


def _written(message: OutboxMessage, booking: Booking) -> Written:
    stored = message.context or {}
    values = context_for(booking)
    values.update(stored.get("values", {}))
    document = ""
    if stored.get("calendar"):
        try:
            document = calendar.invitation(booking, stored["calendar"])
        except ValueError:  # a session without dates: the email still goes, without a calendar
            logger.warning("No calendar for booking %s: its session has no parts", booking.pk)
    postscript = ""
    if message.kind == MessageKind.BOOKING_CONFIRMED:
        postscript = "\n\n".join(
            text for text in (extra(booking) for extra in _CONFIRMATION_EXTRAS.values()) if text
        )
    return Written(values=values, calendar=document, postscript=postscript)


def _bookings(session: Session, statuses: list[BookingStatus]) -> list[Booking]:
    """The session's bookings in ``statuses``, sharing the one session (parts read once)."""
    prefetch_related_objects([session], "parts")
    bookings = list(
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status__in=statuses)
        .select_related("partnership", "person__partnership")
        .order_by("pk")
    )
    for booking in bookings:
        booking.session = session
    return bookings


def _bookings_link(session: Session, booking: Booking | None = None) -> str:
    """The learner's bookings page (in the person's own partnership), as an absolute URL."""
    code = booking.person.partnership.code if booking is not None else session.partnership.code
    return _absolute([("sessions:my-bookings", {"code": code})], fallback=f"/p/{code}/sessions/")


def _absolute(candidates: list[tuple[str, dict[str, Any]]], *, fallback: str) -> str:
    """SITE_URL and the first route that exists (pages land one by one; never fail a booking)."""
    for name, kwargs in candidates:
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        return settings.SITE_URL.rstrip("/") + path
    return settings.SITE_URL.rstrip("/") + fallback
