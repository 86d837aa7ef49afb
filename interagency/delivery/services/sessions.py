"""Every write a coordinator makes to sessions: schedule, change, cancel (venues: arrangements.py).

Each service runs in one transaction, checks every rule before it changes
anything, and writes an audit entry. A refusal is a :class:`SessionInvalid`
(a ``BookingError``) carrying every problem found, so a form can list them all
in its error summary while an API caller reads the first as ``.message``.

Times arrive as aware datetimes (forms build them from Europe/London dates
and times); ``Session.starts_at``/``ends_at`` are always copied from the parts.
"""

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot
from interagency.core.local_time import wall_time_problem
from interagency.core.permissions import Role
from interagency.delivery import notices
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    SectorHold,
    Session,
    SessionFormat,
    SessionPart,
    SessionTrainer,
)
from interagency.delivery.services import bookings
from interagency.delivery.services.errors import BookingError
from interagency.people.models import Sector
from interagency.tenancy.models import Membership, Partnership

Problems = list[tuple[str | None, str]]


class SessionInvalid(BookingError):
    """Every problem with a requested session change; ``message``/``field`` name the first."""

    def __init__(self, problems: Problems) -> None:
        field, message = problems[0]
        super().__init__(message, field=field)
        self.problems = problems


@dataclass(frozen=True)
class TrainerEntry:
    """Who delivers a session: a member's account (``user``), or a named trainer or provider."""

    name: str = ""
    user: Any = None
    provider_name: str = ""

    def shown_name(self) -> str:
        if self.name.strip():
            return self.name.strip()
        if self.user is not None:
            return self.user.get_full_name() or self.user.email
        return self.provider_name.strip()


@dataclass(frozen=True)
class SectorHoldEntry:
    """``places`` kept for ``sector`` until ``until`` (an aware datetime)."""

    sector: str
    places: int
    until: datetime.datetime


SESSION_FIELDS = frozenset(
    {
        "format",
        "venue",
        "joining_link",
        "joining_instructions",
        "capacity",
        "minimum_numbers",
        "booking_opens_at",
        "booking_closes_at",
        "cancellation_cutoff",
        "max_agency_share",
        "regional_places",
        "no_show_charge",
        "notes",
    }
)
SESSION_AUDITED_FIELDS = [
    "course_id",
    "status",
    "format",
    "venue_id",
    "joining_link",
    "joining_instructions",
    "capacity",
    "minimum_numbers",
    "booking_opens_at",
    "booking_closes_at",
    "cancellation_cutoff",
    "max_agency_share",
    "regional_places",
    "no_show_charge",
    "notes",
    "starts_at",
    "ends_at",
    "sequence",
    "cancellation_reason",
]
# What update_session writes: never places_taken, which only bookings move.
SESSION_SAVED_FIELDS = [
    *sorted(SESSION_FIELDS),
    "course",
    "starts_at",
    "ends_at",
    "sequence",
    "updated_at",
]
# Free text may say anything: the trail records that it changed, not what it says.
SESSION_REDACTED = frozenset({"joining_instructions", "notes", "cancellation_reason"})


def _where(session: Session) -> tuple[str, int | None, str]:
    """Where attendees go: a change sends them an updated invitation (with the dates)."""
    return (session.format, session.venue_id, session.joining_link)


def _ordinal(number: int) -> str:
    return f"part {number}"


# The most dated parts one session may have (a long modular course).
MAX_PARTS = 40


def _check_parts(parts: Sequence[tuple[datetime.datetime, datetime.datetime]]) -> Problems:
    problems: Problems = []
    if not parts:
        return [("parts", "Enter the date and times of at least one part.")]
    if len(parts) > MAX_PARTS:
        return [("parts", f"A session has at most {MAX_PARTS} parts.")]
    for number, (starts, ends) in enumerate(parts, start=1):
        if timezone.is_naive(starts) or timezone.is_naive(ends):
            raise ValueError("Session parts need aware datetimes (Europe/London or UTC).")
        skipped_or_repeated = [
            f"{which} time of {_ordinal(number)}: {problem}"
            for which, problem in (
                ("Start", wall_time_problem(starts)),
                ("End", wall_time_problem(ends)),
            )
            if problem
        ]
        if skipped_or_repeated:
            problems.extend(("parts", problem) for problem in skipped_or_repeated)
            continue
        if ends <= starts:
            problems.append(
                (
                    "parts",
                    f"The end time of {_ordinal(number)} must be after its start time.",
                )
            )
    ordered = sorted(parts)
    for (_, first_ends), (second_starts, _) in itertools.pairwise(ordered):
        if second_starts < first_ends:
            problems.append(("parts", "Two parts overlap: each part must end before the next."))
            break
    return problems


def _check_rules(
    *,
    partnership: Partnership,
    values: dict[str, Any],
    places_taken: int,
    trainers: Sequence[TrainerEntry] | None,
    sector_holds: Sequence[SectorHoldEntry] | None,
) -> Problems:
    """The rules of one session's fields, independent of the parts."""
    problems: Problems = []
    capacity = values.get("capacity")
    if capacity is None or capacity < 1:
        problems.append(("capacity", "Enter a capacity of at least 1 place."))
        capacity = None
    elif capacity < places_taken:
        problems.append(
            (
                "capacity",
                f"The capacity cannot be less than the {places_taken} places already taken.",
            )
        )
    minimum = values.get("minimum_numbers") or 0
    if minimum < 0:
        problems.append(("minimum_numbers", "Minimum numbers cannot be negative."))
    elif capacity is not None and minimum > capacity:
        problems.append(("minimum_numbers", "Minimum numbers must not be more than the capacity."))
    regional = values.get("regional_places") or 0
    if regional < 0:
        problems.append(("regional_places", "Places for the region cannot be negative."))
    elif capacity is not None and regional > capacity:
        problems.append(
            ("regional_places", "Places for the region must not be more than the capacity.")
        )
    share = values.get("max_agency_share")
    if share is not None and not 1 <= share <= 100:
        problems.append(
            ("max_agency_share", "The largest agency share must be between 1% and 100%.")
        )
    charge = values.get("no_show_charge")
    if charge is not None and charge < 0:
        problems.append(("no_show_charge", "The no-show charge cannot be negative."))
    for name in ("booking_opens_at", "booking_closes_at", "cancellation_cutoff"):
        problem = wall_time_problem(values[name]) if values.get(name) else None
        if problem:
            problems.append((name, problem))
    opens, closes = values.get("booking_opens_at"), values.get("booking_closes_at")
    if opens and closes and closes <= opens:
        problems.append(("booking_closes_at", "Booking must close after it opens."))
    session_format = values.get("format") or SessionFormat.IN_PERSON
    if session_format not in SessionFormat.values:
        problems.append(("format", "Choose in person or online."))
    elif session_format == SessionFormat.IN_PERSON:
        venue = values.get("venue")
        if venue is None:
            problems.append(("venue", "Choose a venue for an in-person session."))
        elif venue.partnership_id != partnership.pk:
            problems.append(("venue", "Choose one of the partnership's venues."))
    elif not values.get("joining_link"):
        problems.append(("joining_link", "Enter the joining link for an online session."))
    if trainers is not None:
        trainer_ids = set(
            Membership.objects.for_partnership(partnership)
            .filter(role=Role.TRAINER, user__in=[t.user for t in trainers if t.user is not None])
            .values_list("user_id", flat=True)
        )
        for trainer in trainers:
            if trainer.user is not None and trainer.user.pk not in trainer_ids:
                problems.append(
                    ("trainers", f"{trainer.shown_name()} is not a trainer of this partnership.")
                )
            elif trainer.user is None and not trainer.shown_name():
                problems.append(("trainers", "Enter the trainer's name or the provider's name."))
    if sector_holds is not None:
        seen: set[str] = set()
        for hold in sector_holds:
            if hold.sector not in Sector.values:
                problems.append(("sector_holds", f"{hold.sector!r} is not a sector."))
                continue
            label = Sector(hold.sector).label
            if hold.sector in seen:
                problems.append(("sector_holds", f"{label} has places held twice."))
            seen.add(hold.sector)
            until_problem = wall_time_problem(hold.until)
            if until_problem:
                problems.append(("sector_holds", f"{label} held until: {until_problem}"))
            if hold.places < 1:
                problems.append(("sector_holds", f"Hold at least 1 place for {label}."))
        held = sum(max(hold.places, 0) for hold in sector_holds)
        if capacity is not None and held > capacity:
            problems.append(
                (
                    "sector_holds",
                    f"The places held for sectors ({held}) are more than the capacity "
                    f"({capacity}).",
                )
            )
    return problems


def _raise_if(problems: Problems) -> None:
    if problems:
        raise SessionInvalid(problems)


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")


def _course_allowed(partnership: Partnership, course) -> bool:
    from interagency.catalogue.selectors import catalogue_courses

    return catalogue_courses(partnership).filter(pk=course.pk).exists()


def _set_parts(session: Session, parts: Sequence[tuple[datetime.datetime, datetime.datetime]]):
    """Make the session's parts these, in date order; existing parts keep their ids by order."""
    ordered = sorted(parts)
    existing = list(session.parts.order_by("order", "starts_at"))
    for order, (starts, ends) in enumerate(ordered):
        if order < len(existing):
            part = existing[order]
            if (part.starts_at, part.ends_at, part.order) != (starts, ends, order):
                part.starts_at, part.ends_at, part.order = starts, ends, order
                part.save(update_fields=["starts_at", "ends_at", "order"])
        else:
            SessionPart.objects.create(session=session, order=order, starts_at=starts, ends_at=ends)
    for part in existing[len(ordered) :]:
        part.delete()
    session.starts_at = ordered[0][0]
    session.ends_at = ordered[-1][1]


def _set_trainers(session: Session, trainers: Sequence[TrainerEntry]) -> None:
    session.trainers.all().delete()
    SessionTrainer.objects.bulk_create(
        SessionTrainer(
            session=session,
            user=trainer.user,
            name=trainer.shown_name()[:150],
            provider_name=trainer.provider_name.strip(),
        )
        for trainer in trainers
    )


def _set_sector_holds(session: Session, holds: Sequence[SectorHoldEntry]) -> None:
    session.sector_holds.all().delete()
    SectorHold.objects.bulk_create(
        SectorHold(session=session, sector=hold.sector, places=hold.places, until=hold.until)
        for hold in holds
    )


def _parts_audit(session: Session) -> list[str]:
    return [
        f"{part.starts_at.isoformat()}/{part.ends_at.isoformat()}"
        for part in session.parts.order_by("order")
    ]


def _trainers_audit(session: Session) -> list[str]:
    return [
        f"{t.name} ({t.provider_name})" if t.provider_name else t.name
        for t in session.trainers.all()
    ]


def _holds_audit(session: Session) -> list[str]:
    return [f"{h.sector}:{h.places}:{h.until.isoformat()}" for h in session.sector_holds.all()]


def _snapshot(session: Session) -> dict[str, Any]:
    values = snapshot(session, SESSION_AUDITED_FIELDS)
    if session.pk:
        values["parts"] = _parts_audit(session)
        values["trainers"] = _trainers_audit(session)
        values["sector_holds"] = _holds_audit(session)
    return values


def create_session(
    *,
    partnership: Partnership,
    created_by,
    course,
    parts: Sequence[tuple[datetime.datetime, datetime.datetime]],
    trainers: Sequence[TrainerEntry] = (),
    sector_holds: Sequence[SectorHoldEntry] = (),
    **fields,
) -> Session:
    """Schedule a session of one of the partnership's courses, with its parts and rules."""
    _refuse_unknown(fields)
    problems: Problems = []
    if course is None or not _course_allowed(partnership, course):
        problems.append(("course", "Choose a course from the partnership's catalogue."))
    problems += _check_parts(parts)
    problems += _check_rules(
        partnership=partnership,
        values=fields,
        places_taken=0,
        trainers=trainers,
        sector_holds=sector_holds,
    )
    _raise_if(problems)
    with transaction.atomic():
        session = Session(partnership=partnership, course=course, created_by=created_by, **fields)
        if session.format == SessionFormat.ONLINE:
            session.venue = None
        ordered = sorted(parts)
        session.starts_at, session.ends_at = ordered[0][0], ordered[-1][1]
        session.save()
        _set_parts(session, parts)
        _set_trainers(session, trainers)
        _set_sector_holds(session, sector_holds)
        record_event(
            actor=created_by,
            action=AuditEvent.Action.CREATED,
            subject=session,
            changes=diff({}, _snapshot(session), redact=SESSION_REDACTED),
            partnership=partnership,
        )
    return session


def _refuse_finished(session: Session) -> None:
    if session.status == Session.Status.CANCELLED:
        raise BookingError("This session is cancelled: it can no longer be changed.")
    if session.status == Session.Status.CLOSED:
        raise BookingError("The register of this session is closed: it can no longer be changed.")


def update_session(
    *,
    session: Session,
    changed_by,
    parts: Sequence[tuple[datetime.datetime, datetime.datetime]] | None = None,
    trainers: Sequence[TrainerEntry] | None = None,
    sector_holds: Sequence[SectorHoldEntry] | None = None,
    course=None,
    **fields,
) -> Session:
    """Change a scheduled session; attendees get new details when dates, place or link change.

    The capacity may not go below the places already taken; raising it gives
    the freed places to the waiting list at once.
    """
    _refuse_unknown(fields)
    _refuse_finished(session)
    partnership = session.partnership
    with transaction.atomic():
        # Re-read and lock the row (PostgreSQL; SQLite write transactions are
        # exclusive), so places_taken is current while the capacity is checked.
        current = (
            Session.objects.for_partnership(partnership).select_for_update().get(pk=session.pk)
        )
        values = {name: getattr(current, name) for name in SESSION_FIELDS}
        values.update(fields)
        problems: Problems = []
        if course is not None and course.pk != current.course_id:
            if Booking.objects.for_partnership(partnership).filter(session=current).exists():
                problems.append(
                    ("course", "The course cannot change once people have booked: cancel instead.")
                )
            elif not _course_allowed(partnership, course):
                problems.append(("course", "Choose a course from the partnership's catalogue."))
        if parts is not None:
            problems += _check_parts(parts)
        kept_holds = [
            SectorHoldEntry(sector=h.sector, places=h.places, until=h.until)
            for h in current.sector_holds.all()
        ]
        problems += _check_rules(
            partnership=partnership,
            values=values,
            places_taken=current.places_taken,
            trainers=trainers,
            # Holds kept as they are still have to fit in a lowered capacity.
            sector_holds=sector_holds if sector_holds is not None else kept_holds,
        )
        _raise_if(problems)

        before = _snapshot(current)
        old_parts = [(p.starts_at, p.ends_at) for p in current.parts.order_by("order")]
        where_before = _where(current)
        for name, value in fields.items():
            setattr(current, name, value)
        if course is not None:
            current.course = course
        if current.format == SessionFormat.ONLINE:
            current.venue = None
        attendee_facing = _where(current) != where_before
        if parts is not None:
            _set_parts(current, parts)
            if sorted(parts) != old_parts:
                attendee_facing = True
        if attendee_facing:
            current.sequence += 1
        # Never write places_taken back: only the booking engine's UPDATEs move it.
        current.save(update_fields=SESSION_SAVED_FIELDS)
        if trainers is not None:
            _set_trainers(current, trainers)
        if sector_holds is not None:
            _set_sector_holds(current, sector_holds)
        changes = diff(before, _snapshot(current), redact=SESSION_REDACTED)
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


def cancel_session(
    *, session: Session, cancelled_by, reason: str, alternatives: Sequence[Session] = ()
) -> Session:
    """Cancel a scheduled session: every booking is released and everyone booked is told.

    ``alternatives`` are other upcoming sessions of the same course offered in
    the cancellation notice.
    """
    _refuse_finished(session)
    if session.starts_at is not None and session.starts_at <= timezone.now():
        raise BookingError(
            "This session has started, so it cannot be cancelled: close its register instead."
        )
    reason = reason.strip()
    if not reason:
        raise BookingError("Enter the reason for cancelling the session.", field="reason")
    for alternative in alternatives:
        if (
            alternative.partnership_id != session.partnership_id
            or alternative.course_id != session.course_id
            or alternative.pk == session.pk
            or alternative.status != Session.Status.SCHEDULED
        ):
            raise BookingError(
                "Offer only other scheduled sessions of the same course.", field="alternatives"
            )
    with transaction.atomic():
        current = (
            Session.objects.for_partnership(session.partnership)
            .select_for_update()
            .get(pk=session.pk)
        )
        _refuse_finished(current)
        before = _snapshot(current)
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
        changes = diff(before, _snapshot(current), redact=SESSION_REDACTED)
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
    "SectorHoldEntry",
    "SessionInvalid",
    "TrainerEntry",
    "cancel_session",
    "create_session",
    "update_session",
]
