"""Take and close a session's register.

The register opens when the session starts and lists its confirmed bookings.
Each gets an outcome (attended, partly attended with the parts they were at,
absent with notice, did not attend) and, when they came late, the minutes.
Closing the register turns the outcomes into training records, no-show
charges and certificates, all in one transaction, and only once: the close is
claimed by a conditional UPDATE of the session's status, so two people
closing at the same moment still make one set.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event
from interagency.core.dates import govuk_datetime
from interagency.core.errors import ServiceError
from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    Booking,
    BookingStatus,
    Charge,
    ChargeKind,
    Session,
    SessionPart,
)
from interagency.delivery.selectors.registers import bookings_without_outcome
from interagency.delivery.services.certificates import issue_certificate
from interagency.delivery.signals import register_closed
from interagency.records.services import record_session_completion

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

MAX_LATE_MINUTES = 600


@dataclass
class AttendanceEntry:
    """One line of the register as entered: a booking and what happened."""

    booking: Booking
    outcome: str
    parts_attended: Sequence[SessionPart] = ()
    arrived_late: bool = False
    late_minutes: int | None = None


class RegisterError(ServiceError):
    """Some lines of a register could not be saved; ``lines`` maps booking id to
    ``(field, message)`` pairs. Nothing was saved.

    Its own kind because pages and API put each message on its line of the register.
    """

    def __init__(self, problems: dict[int, list[tuple[str, str]]]) -> None:
        count = sum(len(found) for found in problems.values())
        super().__init__(f"The register has {count} problem{'s' if count != 1 else ''}.")
        self.lines = problems


def check_register_open(session: Session, *, now: datetime.datetime | None = None) -> None:
    """Raise ServiceError unless attendance may be recorded on ``session`` now."""
    if session.status == Session.Status.CANCELLED:
        raise ServiceError("This session was cancelled, so it has no register.")
    if session.status == Session.Status.CLOSED:
        raise ServiceError("The register of this session is closed.")
    if session.starts_at is None:
        raise ServiceError("This session has no dates yet, so its register cannot open.")
    if (now or timezone.now()) < session.starts_at:
        raise ServiceError(
            f"The register opens when the session starts at {govuk_datetime(session.starts_at)}."
        )


def _entry_problems(entry: AttendanceEntry, parts: list[SessionPart]) -> list[tuple[str, str]]:
    """What is wrong with one line of the register, as ``(field, message)`` pairs."""
    name = entry.booking.person.full_name
    problems: list[tuple[str, str]] = []
    if entry.booking.status != BookingStatus.CONFIRMED:
        return [("outcome", f"{name} has no confirmed place on this session.")]
    if entry.outcome not in AttendanceOutcome.values:
        return [("outcome", f"Select whether {name} attended.")]
    part_ids = {part.pk for part in parts}
    chosen = {part.pk for part in entry.parts_attended}
    present = entry.outcome in (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)
    if chosen - part_ids:
        problems.append(("parts", f"Select only parts of this session for {name}."))
    elif entry.outcome == AttendanceOutcome.PARTLY and len(parts) > 1:
        if not chosen:
            problems.append(("parts", f"Select the parts {name} attended."))
        elif chosen == part_ids:
            problems.append(("parts", f"{name} attended every part: select ‘Attended’ instead."))
    elif chosen and entry.outcome != AttendanceOutcome.PARTLY and len(parts) > 1:
        problems.append(("parts", f"Select parts only when {name} partly attended."))
    if entry.arrived_late and not present:
        problems.append(("late", f"{name} can only arrive late if they attended."))
    if entry.arrived_late:
        minutes = entry.late_minutes
        if minutes is None:
            problems.append(("late_minutes", f"Enter how many minutes late {name} arrived."))
        elif not 1 <= minutes <= MAX_LATE_MINUTES:
            problems.append(
                (
                    "late_minutes",
                    f"Minutes late for {name} must be between 1 and {MAX_LATE_MINUTES}.",
                )
            )
    return problems


def _save_entry(
    entry: AttendanceEntry, parts: list[SessionPart], recorded_by: "_User"
) -> Attendance:
    booking = entry.booking
    before = _attendance_snapshot(getattr(booking, "attendance", None))
    attendance, created = Attendance.objects.update_or_create(
        booking=booking,
        defaults={
            "outcome": entry.outcome,
            "arrived_late": entry.arrived_late,
            "late_minutes": entry.late_minutes if entry.arrived_late else None,
            "recorded_by": recorded_by,
        },
    )
    if entry.outcome == AttendanceOutcome.PARTLY and len(parts) > 1:
        attendance.parts_attended.set(entry.parts_attended)
    else:
        attendance.parts_attended.clear()
    booking.attendance = attendance
    after = _attendance_snapshot(attendance)
    if before != after:
        record_event(
            actor=recorded_by,
            action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
            subject=attendance,
            partnership=booking.session.partnership,
            changes=diff(before, after),
        )
    return attendance


def _attendance_snapshot(attendance: Attendance | None) -> dict[str, Any]:
    if attendance is None or attendance.pk is None:
        return {}
    return {
        "outcome": attendance.outcome,
        "arrived_late": attendance.arrived_late,
        "late_minutes": attendance.late_minutes,
        "parts_attended": sorted(part.pk for part in attendance.parts_attended.all()),
    }


def record_attendance(
    *,
    booking: Booking,
    outcome: str,
    parts_attended: Iterable[SessionPart] = (),
    arrived_late: bool = False,
    late_minutes: int | None = None,
    recorded_by: "_User",
    now: datetime.datetime | None = None,
) -> Attendance:
    """Record (or correct) what happened to one confirmed booking; audited."""
    entry = AttendanceEntry(booking, outcome, list(parts_attended), arrived_late, late_minutes)
    session = booking.session
    check_register_open(session, now=now)
    parts = list(session.parts.order_by("starts_at"))
    problems = _entry_problems(entry, parts)
    if problems:
        field_name, message = problems[0]
        raise ServiceError(message, field=field_name)
    with transaction.atomic():
        return _save_entry(entry, parts, recorded_by)


def register_problems(
    *,
    session: Session,
    entries: Sequence[AttendanceEntry],
    parts: list[SessionPart] | None = None,
) -> dict[int, list[tuple[str, str]]]:
    """Every line's problems by booking id (empty when all lines may be saved)."""
    if parts is None:
        parts = list(session.parts.all())
    return {
        entry.booking.pk: found for entry in entries if (found := _entry_problems(entry, parts))
    }


def record_register(
    *,
    session: Session,
    entries: Sequence[AttendanceEntry],
    recorded_by: "_User",
    now: datetime.datetime | None = None,
) -> int:
    """Save many lines of the register at once: all of them, or none when any is wrong.

    Raises ``RegisterError`` naming every line's problems. Returns how many lines changed
    or were saved.
    """
    check_register_open(session, now=now)
    parts = list(session.parts.all())
    problems = register_problems(session=session, entries=entries, parts=parts)
    if problems:
        raise RegisterError(problems)
    with transaction.atomic():
        for entry in entries:
            _save_entry(entry, parts, recorded_by)
    return len(entries)


def mark_all_attended(
    *, session: Session, recorded_by: "_User", now: datetime.datetime | None = None
) -> int:
    """Record "attended" for every confirmed booking of ``session`` with no outcome yet.

    The trainer's first step at the end of a session: everyone came, then the
    exceptions are changed line by line. Outcomes already recorded are kept. Each
    line is saved and audited as a single mark is; returns how many were marked.
    """
    check_register_open(session, now=now)
    with transaction.atomic():
        waiting = list(
            Booking.objects.for_partnership(session.partnership)
            .filter(session=session, status=BookingStatus.CONFIRMED, attendance__isnull=True)
            .select_related("session__partnership")
            .order_by("pk")
        )
        for booking in waiting:
            _save_entry(AttendanceEntry(booking, AttendanceOutcome.ATTENDED), [], recorded_by)
    return len(waiting)


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _refuse_unless_every_outcome_recorded(session: Session) -> None:
    missing = bookings_without_outcome(session)
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise ServiceError(
            f"Record an outcome for everyone before closing the register. Missing: {shown}."
        )


def _claim_close(session: Session, closed_by: "_User", now: datetime.datetime) -> bool:
    """Whoever changes the status first does the work, once; the session as it now reads."""
    claimed = (
        Session.objects.for_partnership(session.partnership)
        .filter(pk=session.pk, status=Session.Status.SCHEDULED)
        .update(
            status=Session.Status.CLOSED,
            register_closed_at=now,
            register_closed_by=closed_by,
            updated_at=now,
        )
    )
    session.refresh_from_db()
    return bool(claimed)


def _closing_bookings(session: Session) -> list[Booking]:
    """The confirmed bookings with their outcomes, read inside the claiming transaction."""
    bookings = list(
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.CONFIRMED)
        .select_related("person", "person__partnership", "agency", "attendance")
        .prefetch_related("attendance__parts_attended")
    )
    if any(getattr(booking, "attendance", None) is None for booking in bookings):
        # Someone added a booking between the check and the claim.
        raise ServiceError("A booking was added while closing: check the register again.")
    return bookings


def _record_attended(booking: Booking, parts: list[SessionPart], closed_by: "_User") -> None:
    """The whole session: a training record and a certificate, dated its last day."""
    last_day = _local_date(parts[-1].starts_at)
    total_hours = sum((part.hours for part in parts), Decimal("0.0"))
    record_session_completion(
        booking=booking,
        completed_on=last_day,
        hours=total_hours,
        partly_completed=False,
        recorded_by=closed_by,
    )
    issue_certificate(booking=booking, attended_on=last_day, hours=total_hours, issued_by=closed_by)


def _record_partly_attended(booking: Booking, parts: list[SessionPart], closed_by: "_User") -> None:
    """A partial record of the parts attended (all of a one-part session); no certificate."""
    attendance = booking.attendance
    attended = list(attendance.parts_attended.all()) if len(parts) > 1 else parts
    attended.sort(key=lambda part: part.starts_at)
    record_session_completion(
        booking=booking,
        completed_on=_local_date(attended[-1].starts_at),
        hours=sum((part.hours for part in attended), Decimal("0.0")),
        partly_completed=True,
        recorded_by=closed_by,
    )


def _charge_no_show(booking: Booking, session: Session, closed_by: "_User") -> None:
    charge = Charge.objects.create(
        partnership=session.partnership,
        booking=booking,
        kind=ChargeKind.NO_SHOW,
        agency=booking.agency,
        amount=session.no_show_charge,
    )
    record_event(
        actor=closed_by,
        action=AuditEvent.Action.CREATED,
        subject=charge,
        partnership=session.partnership,
        changes={
            "kind": ChargeKind.NO_SHOW.value,
            "agency": booking.agency.name,
            "amount": str(charge.amount),
        },
    )


def _close_line(
    booking: Booking, session: Session, parts: list[SessionPart], closed_by: "_User"
) -> tuple[str, ...]:
    """What one line of the register leaves behind; the counts it adds to."""
    outcome = booking.attendance.outcome
    if outcome == AttendanceOutcome.ATTENDED:
        _record_attended(booking, parts, closed_by)
        return ("records", "certificates")
    if outcome == AttendanceOutcome.PARTLY:
        _record_partly_attended(booking, parts, closed_by)
        return ("records",)
    if outcome == AttendanceOutcome.NO_SHOW and session.no_show_charge > 0:
        _charge_no_show(booking, session, closed_by)
        return ("no_show_charges",)
    return ()


def close_register(
    *, session: Session, closed_by: "_User", now: datetime.datetime | None = None
) -> Session:
    """Close the register: records, no-show charges and certificates, once.

    Refuses before the session starts and while any confirmed booking has no
    outcome (naming them). Closing a closed register changes nothing. The close
    that claims the register sends ``signals.register_closed`` in its transaction.
    """
    if session.status == Session.Status.CLOSED:
        return session
    now = now or timezone.now()
    check_register_open(session, now=now)
    _refuse_unless_every_outcome_recorded(session)
    parts = list(session.parts.order_by("starts_at"))
    with transaction.atomic():
        if not _claim_close(session, closed_by, now):
            return session
        counts = {"records": 0, "no_show_charges": 0, "certificates": 0}
        for booking in _closing_bookings(session):
            for counted in _close_line(booking, session, parts, closed_by):
                counts[counted] += 1
        record_event(
            actor=closed_by,
            action=AuditEvent.Action.CHANGED,
            subject=session,
            partnership=session.partnership,
            changes={
                "status": [Session.Status.SCHEDULED.value, Session.Status.CLOSED.value],
                **counts,
            },
        )
        # Apps above delivery (the end-of-course evaluation) act here, in this transaction.
        register_closed.send(sender=Session, session=session, closed_by=closed_by)
    return session
