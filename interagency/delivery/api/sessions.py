"""Sessions: listed, scheduled, read, changed and cancelled.

What a client sends is turned into what the session services take
(``session_fields``): ids into the partnership's rows, times without an
offset into London time; an unknown id is a field error, like any other.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action, Role
from interagency.delivery.api_schemas import (
    CancelSessionIn,
    SessionDetailOut,
    SessionFilters,
    SessionIn,
    SessionOut,
    SessionPatch,
)
from interagency.delivery.models import BookingStatus, Session
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.delivery.selectors import venues as venue_reads
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.delivery.services import sessions as session_services
from interagency.tenancy.access import PartnershipAccess, access_for
from interagency.tenancy.models import Partnership

router = Router()


# What a client sends, as the session services take it.


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A time sent without an offset is London time."""
    return None if moment is None else _aware_time(moment)


def _aware_time(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _course(partnership: Partnership, fields: dict[str, Any]) -> dict[str, str]:
    """A course of the partnership's catalogue, hidden ones too; a session always has one."""
    if "course" not in fields:
        return {}
    course = None
    if fields["course"] is not None:
        courses = catalogue_courses(partnership, include_hidden=True)
        course = courses.filter(pk=fields["course"]).first()
    fields["course"] = course
    if course is None:
        return {"course": "There is no course with that id in the catalogue."}
    return {}


def _venue(partnership: Partnership, fields: dict[str, Any]) -> dict[str, str]:
    if fields.get("venue") is None:
        return {}
    venue = venue_reads.venues_of(partnership).filter(pk=fields["venue"]).first()
    fields["venue"] = venue
    return {} if venue is not None else {"venue": "There is no venue with that id here."}


def _parts(fields: dict[str, Any]) -> dict[str, str]:
    """The parts as (start, end) pairs; null is refused, as a session always has parts."""
    if "parts" not in fields:
        return {}
    if fields["parts"] is None:
        return {"parts": "Send at least one part."}
    fields["parts"] = [
        (_aware_time(part["starts_at"]), _aware_time(part["ends_at"])) for part in fields["parts"]
    ]
    return {}


def _trainers(partnership: Partnership, fields: dict[str, Any]) -> dict[str, str]:
    """Each trainer named, or a member who delivers training here, or a provider."""
    if fields.get("trainers") is None:
        return {}
    members = {user.pk: user for user in session_reads.trainer_members(partnership)}
    unknown: dict[str, str] = {}
    entries = []
    # exclude_unset reaches into each trainer too: a key not sent is absent, not None.
    for trainer in fields["trainers"]:
        user = None
        if trainer.get("user") is not None:
            user = members.get(trainer["user"])
            if user is None:
                unknown["trainers"] = "There is no trainer with that id here."
        entries.append(
            session_services.TrainerEntry(
                name=trainer.get("name", ""),
                user=user,
                provider_name=trainer.get("provider_name", ""),
            )
        )
    fields["trainers"] = entries
    return unknown


def _sector_holds(fields: dict[str, Any]) -> None:
    if fields.get("sector_holds") is not None:
        fields["sector_holds"] = [
            session_services.SectorHoldEntry(
                sector=hold["sector"], places=hold["places"], until=_aware_time(hold["until"])
            )
            for hold in fields["sector_holds"]
        ]


def _times_and_texts(fields: dict[str, Any]) -> None:
    """Booking times in London time; null clears a text, as an emptied box does."""
    for name in ("booking_opens_at", "booking_closes_at", "cancellation_cutoff"):
        if name in fields:
            fields[name] = _aware(fields[name])
    for name in ("joining_link", "joining_instructions", "notes"):
        if name in fields and fields[name] is None:
            fields[name] = ""


# A session always has these; null is not "unchanged" (leave the field out for that).
ALWAYS_SET = ("format", "capacity", "minimum_numbers", "regional_places", "no_show_charge")


def _nulls_refused(fields: dict[str, Any]) -> dict[str, str]:
    return {
        name: "A session always has this: send a value, or leave the field out to keep it."
        for name in ALWAYS_SET
        if name in fields and fields[name] is None
    }


def session_fields(access: PartnershipAccess, sent: dict[str, Any]) -> dict[str, Any]:
    """The sent fields as the session services take them; unknown ids are field errors."""
    partnership = access.partnership
    fields = dict(sent)
    unknown = _course(partnership, fields)
    unknown.update(_venue(partnership, fields))
    unknown.update(_parts(fields))
    unknown.update(_trainers(partnership, fields))
    _sector_holds(fields)
    _times_and_texts(fields)
    unknown.update(_nulls_refused(fields))
    if unknown:
        raise DjangoValidationError(unknown)
    return fields


def _session_out(access: PartnershipAccess, session_id: int) -> Session:
    session = session_for(access, session_id, to=SessionAct.VIEW)
    # A coordinator sees the link of their own sessions, not of a regional one elsewhere.
    released = Role.COORDINATOR in access.roles and session.partnership_id == access.partnership.pk
    if not released:
        booking = booking_reads.viewer_booking(access.partnership, access.user, session)
        released = booking is not None and booking.status == BookingStatus.CONFIRMED
    session.link_released = released  # type: ignore[attr-defined]
    return session


# The operations.


@router.get(
    "/{code}/sessions",
    response={200: list[SessionOut], **error_responses(400, 401, 403, 404)},
    url_name="session-list",
    summary="Sessions",
)
@paginate(PageNumberPagination)
def session_list(request: HttpRequest, code: str, filters: Query[SessionFilters]) -> Any:
    """The partnership's sessions, soonest first, with places left and the waiting count;
    with ``regional=true`` also those other partnerships of the region opened places on."""
    access = access_for(request.user, code, Action.VIEW_SESSIONS)
    return session_reads.session_list(
        access.partnership,
        course_id=filters.course,
        tier_id=filters.tier,
        starts_from=filters.starts_from,
        starts_to=filters.starts_to,
        session_format=filters.format or "",
        status=filters.status or "",
        include_regional=filters.regional,
    )


@router.post(
    "/{code}/sessions",
    response={201: SessionDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="session-list",
    summary="Schedule a session",
)
def session_create(request: HttpRequest, code: str, payload: SessionIn) -> Any:
    """Coordinators schedule a session of a catalogue course; every problem is listed."""
    access = access_for(request.user, code, Action.MANAGE_SESSIONS)
    fields = session_fields(access, payload.model_dump(exclude_unset=True))
    session = session_services.create_session(
        partnership=access.partnership, created_by=access.user, **fields
    )
    return Status(201, _session_out(access, session.pk))


@router.get(
    "/{code}/sessions/{session_id}",
    response={200: SessionDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="session-detail",
    summary="One session with its parts and places left",
)
def session_detail(request: HttpRequest, code: str, session_id: int) -> Any:
    """A session of the partnership, or of another partnership of the region that opened
    places to it (``host`` names who runs it, ``regional_left`` what is left for you); any
    other session is a 404. The joining link shows to the partnership's coordinators and
    to people with a confirmed place."""
    access = access_for(request.user, code, Action.VIEW_SESSIONS)
    return _session_out(access, session_id)


@router.patch(
    "/{code}/sessions/{session_id}",
    response={200: SessionDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="session-detail",
    summary="Change a session",
)
def session_update(request: HttpRequest, code: str, session_id: int, payload: SessionPatch) -> Any:
    """Send only what changes; attendees are told when dates, place or link change."""
    access = access_for(request.user, code, Action.MANAGE_SESSIONS)
    session = session_for(access, session_id, to=SessionAct.MANAGE)
    fields = session_fields(access, payload.model_dump(exclude_unset=True))
    session_services.update_session(session=session, changed_by=access.user, **fields)
    return _session_out(access, session_id)


@router.post(
    "/{code}/sessions/{session_id}/cancel",
    response={200: SessionDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="session-cancel",
    summary="Cancel a session",
)
def session_cancel(
    request: HttpRequest, code: str, session_id: int, payload: CancelSessionIn
) -> Any:
    """Every booking is released and everyone booked is told, with the alternatives."""
    access = access_for(request.user, code, Action.MANAGE_SESSIONS)
    session = session_for(access, session_id, to=SessionAct.MANAGE)
    sessions = session_reads.sessions_of(access.partnership)
    alternatives = list(sessions.filter(pk__in=payload.alternatives))
    if len(alternatives) != len(set(payload.alternatives)):
        raise DjangoValidationError({"alternatives": "There is no session with that id here."})
    session_services.cancel_session(
        session=session,
        cancelled_by=access.user,
        reason=payload.reason,
        alternatives=alternatives,
    )
    return _session_out(access, session_id)
