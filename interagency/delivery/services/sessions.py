"""Every write a coordinator makes to sessions: schedule, change, cancel (venues: arrangements.py).

Each service runs in one transaction, checks every rule before it changes
anything (:mod:`.session_rules`), and writes an audit entry. A refusal is a
:class:`~interagency.core.errors.ServiceError` carrying every problem found
(``.problems``), so a form can list them all in its error summary while an API
caller reads the first as ``.message``.

Times arrive as aware datetimes (forms build them from Europe/London dates
and times); ``Session.starts_at``/``ends_at`` are always copied from the parts
(:mod:`.session_details`).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event
from interagency.catalogue.models import Course
from interagency.core.errors import ServiceError
from interagency.delivery import notices
from interagency.delivery.models import Booking, BookingStatus, Session, SessionFormat
from interagency.delivery.services import bookings
from interagency.delivery.services.session_details import (
    SESSION_REDACTED,
    session_snapshot,
    set_parts,
    set_sector_holds,
    set_trainers,
    where_attendees_go,
)
from interagency.delivery.services.session_rules import (
    MAX_PARTS,
    SESSION_FIELDS,
    Period,
    Problems,
    SectorHoldEntry,
    TrainerEntry,
    check_parts,
    check_rules,
    course_allowed,
    raise_if,
    refuse_finished,
    refuse_unknown_fields,
)
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

# What update_session writes: never places_taken, which only bookings move.
SESSION_SAVED_FIELDS = [
    *sorted(SESSION_FIELDS),
    "course",
    "starts_at",
    "ends_at",
    "sequence",
    "updated_at",
]


def create_session(
    *,
    partnership: Partnership,
    created_by: "_User",
    course: Course,
    parts: Sequence[Period],
    trainers: Sequence[TrainerEntry] = (),
    sector_holds: Sequence[SectorHoldEntry] = (),
    **fields: Any,
) -> Session:
    """Schedule a session of one of the partnership's courses, with its parts and rules."""
    refuse_unknown_fields(fields)
    problems: Problems = []
    if course is None or not course_allowed(partnership, course):
        problems.append(("course", "Choose a course from the partnership's catalogue."))
    problems += check_parts(parts)
    problems += check_rules(
        partnership=partnership,
        values=fields,
        places_taken=0,
        trainers=trainers,
        sector_holds=sector_holds,
    )
    raise_if(problems)
    with transaction.atomic():
        session = Session(partnership=partnership, course=course, created_by=created_by, **fields)
        if session.format == SessionFormat.ONLINE:
            session.venue = None
        ordered = sorted(parts)
        session.starts_at, session.ends_at = ordered[0][0], ordered[-1][1]
        session.save()
        set_parts(session, parts)
        set_trainers(session, trainers)
        set_sector_holds(session, sector_holds)
        record_event(
            actor=created_by,
            action=AuditEvent.Action.CREATED,
            subject=session,
            changes=diff({}, session_snapshot(session), redact=SESSION_REDACTED),
            partnership=partnership,
        )
    return session


def _update_problems(
    partnership: Partnership,
    current: Session,
    *,
    course: Course | None,
    parts: Sequence[Period] | None,
    trainers: Sequence[TrainerEntry] | None,
    sector_holds: Sequence[SectorHoldEntry] | None,
    fields: dict[str, Any],
) -> Problems:
    """Every problem with changing ``current`` (locked) as asked."""
    values = {name: getattr(current, name) for name in SESSION_FIELDS}
    values.update(fields)
    problems: Problems = []
    if course is not None and course.pk != current.course_id:
        if Booking.objects.for_partnership(partnership).filter(session=current).exists():
            problems.append(
                ("course", "The course cannot change once people have booked: cancel instead.")
            )
        elif not course_allowed(partnership, course):
            problems.append(("course", "Choose a course from the partnership's catalogue."))
    if parts is not None:
        problems += check_parts(parts)
    kept_holds = [
        SectorHoldEntry(sector=h.sector, places=h.places, until=h.until)
        for h in current.sector_holds.all()
    ]
    problems += check_rules(
        partnership=partnership,
        values=values,
        places_taken=current.places_taken,
        trainers=trainers,
        # Holds kept as they are still have to fit in a lowered capacity.
        sector_holds=sector_holds if sector_holds is not None else kept_holds,
    )
    return problems


def _change(
    current: Session,
    *,
    course: Course | None,
    parts: Sequence[Period] | None,
    trainers: Sequence[TrainerEntry] | None,
    sector_holds: Sequence[SectorHoldEntry] | None,
    fields: dict[str, Any],
) -> bool:
    """Save the changes to ``current``; whether attendees must be sent the new details."""
    old_parts = [(p.starts_at, p.ends_at) for p in current.parts.order_by("order")]
    where_before = where_attendees_go(current)
    for name, value in fields.items():
        setattr(current, name, value)
    if course is not None:
        current.course = course
    if current.format == SessionFormat.ONLINE:
        current.venue = None
    attendee_facing = where_attendees_go(current) != where_before
    if parts is not None:
        set_parts(current, parts)
        if sorted(parts) != old_parts:
            attendee_facing = True
    if attendee_facing:
        current.sequence += 1
    # Never write places_taken back: only the booking engine's UPDATEs move it.
    current.save(update_fields=SESSION_SAVED_FIELDS)
    if trainers is not None:
        set_trainers(current, trainers)
    if sector_holds is not None:
        set_sector_holds(current, sector_holds)
    return attendee_facing


def update_session(
    *,
    session: Session,
    changed_by: "_User",
    parts: Sequence[Period] | None = None,
    trainers: Sequence[TrainerEntry] | None = None,
    sector_holds: Sequence[SectorHoldEntry] | None = None,
    course: Course | None = None,
    **fields: Any,
) -> Session:
    """Change a scheduled session; attendees get new details when dates, place or link change.

    The capacity may not go below the places already taken; raising it gives
    the freed places to the waiting list at once.
    """
    refuse_unknown_fields(fields)
    refuse_finished(session)
    partnership = session.partnership
    asked: dict[str, Any] = {
        "course": course,
        "parts": parts,
        "trainers": trainers,
        "sector_holds": sector_holds,
    }
    with transaction.atomic():
        # Re-read and lock the row (PostgreSQL; SQLite write transactions are
        # exclusive), so places_taken is current while the capacity is checked.
        current = (
            Session.objects.for_partnership(partnership).select_for_update().get(pk=session.pk)
        )
        raise_if(_update_problems(partnership, current, **asked, fields=fields))
        before = session_snapshot(current)
        attendee_facing = _change(current, **asked, fields=fields)
        changes = diff(before, session_snapshot(current), redact=SESSION_REDACTED)
        if changes:
            record_event(
                actor=changed_by,
                action=AuditEvent.Action.CHANGED,
                subject=current,
                changes=changes,
                partnership=partnership,
            )
        if attendee_facing:
            notices.session_changed(current)
        if current.capacity > before["capacity"]:
            _fill_from_waiting_list(current)
    session.refresh_from_db()
    return session


def _fill_from_waiting_list(session: Session) -> None:
    """Give the places a capacity rise freed to the waiting list (the booking engine's rule)."""
    bookings.fill_from_waiting_list(session=session)


# Cancelling a session -------------------------------------------------------------------


def _check_cancelling(session: Session, reason: str, alternatives: Sequence[Session]) -> str:
    """The reason given, once the session may be cancelled and the alternatives offered."""
    refuse_finished(session)
    if session.starts_at is not None and session.starts_at <= timezone.now():
        raise ServiceError(
            "This session has started, so it cannot be cancelled: close its register instead."
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter the reason for cancelling the session.", field="reason")
    for alternative in alternatives:
        if (
            alternative.partnership_id != session.partnership_id
            or alternative.course_id != session.course_id
            or alternative.pk == session.pk
            or alternative.status != Session.Status.SCHEDULED
        ):
            raise ServiceError(
                "Offer only other scheduled sessions of the same course.", field="alternatives"
            )
    return reason


def cancel_session(
    *, session: Session, cancelled_by: "_User", reason: str, alternatives: Sequence[Session] = ()
) -> Session:
    """Cancel a scheduled session: every booking is released and everyone booked is told.

    ``alternatives`` are other upcoming sessions of the same course offered in
    the cancellation notice.
    """
    reason = _check_cancelling(session, reason, alternatives)
    with transaction.atomic():
        current = (
            Session.objects.for_partnership(session.partnership)
            .select_for_update()
            .get(pk=session.pk)
        )
        refuse_finished(current)
        before = session_snapshot(current)
        bookings.release_session_bookings(
            session=current, status=BookingStatus.SESSION_CANCELLED, released_by=cancelled_by
        )
        # Only the places moved; a full refresh would drop the cached partnership.
        current.refresh_from_db(fields=["places_taken"])
        current.status = Session.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancellation_reason = reason
        current.sequence += 1
        current.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancellation_reason",
                "sequence",
                "updated_at",
            ]
        )
        changes = diff(before, session_snapshot(current), redact=SESSION_REDACTED)
        changes["alternatives"] = [None, [alt.pk for alt in alternatives]]
        record_event(
            actor=cancelled_by,
            action=AuditEvent.Action.CHANGED,
            subject=current,
            changes=changes,
            partnership=current.partnership,
        )
        notices.session_cancelled(current, list(alternatives))
    session.refresh_from_db()
    return session


__all__ = [
    "MAX_PARTS",
    "Problems",
    "SectorHoldEntry",
    "TrainerEntry",
    "cancel_session",
    "create_session",
    "update_session",
]
