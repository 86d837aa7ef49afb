"""A session's register: read, outcomes recorded, closed.

Trainers take the register of the sessions they deliver, coordinators of any.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router

from interagency.core.api_errors import error_responses
from interagency.core.permissions import Action
from interagency.delivery.api_schemas import RegisterIn, RegisterOut
from interagency.delivery.models import Session
from interagency.delivery.selectors import registers as register_reads
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.delivery.services import attendance as register_services
from interagency.tenancy.access import access_for

router = Router()


# The register service's field names, as this API calls them.
REGISTER_FIELDS = {"parts": "parts_attended", "late": "arrived_late"}


def _register(session: Session) -> dict[str, Any]:
    return {
        "session_id": session.pk,
        "status": session.status,
        "register_closed_at": session.register_closed_at,
        "parts": list(session.parts.all()),
        "lines": list(register_reads.register_bookings(session)),
    }


@router.get(
    "/{code}/sessions/{session_id}/register",
    response={200: RegisterOut, **error_responses(400, 401, 403, 404)},
    url_name="register",
    summary="A session's register",
)
def register_read(request: HttpRequest, code: str, session_id: int) -> Any:
    """The confirmed bookings by name with what was recorded for each."""
    access = access_for(request.user, code, Action.TAKE_REGISTER)
    return _register(session_for(access, session_id, to=SessionAct.TAKE_REGISTER))


@router.put(
    "/{code}/sessions/{session_id}/register",
    response={200: RegisterOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="register",
    summary="Record outcomes on the register",
)
def register_update(request: HttpRequest, code: str, session_id: int, payload: RegisterIn) -> Any:
    """Record or correct the lines sent (others stay as they are): all of them, or none when
    any is wrong, each problem named as ``entries.<index>.<field>``. Opens when the session
    starts."""
    access = access_for(request.user, code, Action.TAKE_REGISTER)
    session = session_for(access, session_id, to=SessionAct.TAKE_REGISTER)
    register_services.check_register_open(session)
    lines = {booking.pk: booking for booking in register_reads.register_bookings(session)}
    parts = {part.pk: part for part in session.parts.all()}
    unknown: dict[str, str] = {}
    entries = []
    for index, entry in enumerate(payload.entries):
        booking = lines.get(entry.booking)
        if booking is None:
            unknown[f"entries.{index}.booking"] = "No confirmed booking with that id is listed."
            continue
        if any(pk not in parts for pk in entry.parts_attended):
            unknown[f"entries.{index}.parts_attended"] = "That is not a part of this session."
            continue
        booking.session = session
        entries.append(
            register_services.AttendanceEntry(
                booking=booking,
                outcome=entry.outcome,
                parts_attended=[parts[pk] for pk in entry.parts_attended],
                arrived_late=entry.arrived_late,
                late_minutes=entry.late_minutes,
            )
        )
    if unknown:
        raise DjangoValidationError(unknown)
    try:
        register_services.record_register(session=session, entries=entries, recorded_by=access.user)
    except register_services.RegisterError as error:
        # The service names lines by booking id and its form's fields; the client sent a list.
        index_of = {entry.booking.pk: index for index, entry in enumerate(entries)}
        named: dict[str, list[str]] = {}
        for booking_id, found in error.lines.items():
            for name, message in found:
                key = f"entries.{index_of[booking_id]}.{REGISTER_FIELDS.get(name, name)}"
                named.setdefault(key, []).append(message)
        raise DjangoValidationError(named) from None
    return _register(session_for(access, session_id, to=SessionAct.TAKE_REGISTER))


@router.post(
    "/{code}/sessions/{session_id}/register/close",
    response={200: RegisterOut, **error_responses(400, 401, 403, 404)},
    url_name="register-close",
    summary="Close the register",
)
def register_close(request: HttpRequest, code: str, session_id: int) -> Any:
    """Creates training records, no-show charges and certificates, once; refused before the
    session starts or while anyone has no outcome (naming them). Closing twice changes
    nothing."""
    access = access_for(request.user, code, Action.TAKE_REGISTER)
    session = session_for(access, session_id, to=SessionAct.TAKE_REGISTER)
    register_services.close_register(session=session, closed_by=access.user)
    return _register(session_for(access, session_id, to=SessionAct.TAKE_REGISTER))
