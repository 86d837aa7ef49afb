"""Sessions, bookings, the waiting list, the register and certificate checks.

The same rules as the pages, decided by the same functions
(``delivery.selectors.access``: ``session_for`` and ``booking_for``). Every
member reads the partnership's sessions; coordinators create, change and
cancel them. A member books themselves, and with BOOK_FOR_OTHERS the people
they may see (line managers their team, agency leads their agencies,
coordinators everyone); anyone else answers 403. Bookings are listed to the
members who may see their person (coordinators also every booking on their
sessions); any other booking answers 404, like one that does not exist, and one
the caller sees but may not act on 403. The person, or anyone who may book for
them, cancels a booking and answers an offer. Trainers take the register of
the sessions they deliver, coordinators of any. Checking a certificate number
needs no sign-in and shows exactly what the certificate prints.

A refusal by the booking engine (full, closed, already booked, a register not
open yet) answers 400 ``{"detail": message}``, with ``errors`` naming the
field when there is one. Lists cost the same queries whatever their length.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import AuthorizationError, HttpError
from ninja.pagination import paginate

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action, Role
from interagency.delivery.api_schemas import (
    BookingFilters,
    BookingIn,
    BookingOut,
    BulkBookingIn,
    BulkResultOut,
    CancelSessionIn,
    CertificateOut,
    ReasonIn,
    RegisterIn,
    RegisterOut,
    SessionDetailOut,
    SessionFilters,
    SessionIn,
    SessionOut,
    SessionPatch,
)
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    Session,
)
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import certificates as certificate_reads
from interagency.delivery.selectors import registers as register_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.delivery.selectors import venues as venue_reads
from interagency.delivery.selectors.access import (
    BOOKING_ACTIONS,
    NOT_YOURS,
    BookingAct,
    SessionAct,
    booking_for,
    session_for,
)
from interagency.delivery.services import attendance as register_services
from interagency.delivery.services import bookings as booking_services
from interagency.delivery.services import sessions as session_services
from interagency.delivery.views.certificates import NUMBER_PATTERN, normalise_number
from interagency.tenancy.access import PartnershipAccess, access_for

router = Router(tags=["sessions"])
public_router = Router(tags=["certificates"])


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A time sent without an offset is London time."""
    return None if moment is None else _aware_time(moment)


def _aware_time(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _session_fields(access: PartnershipAccess, sent: dict[str, Any]) -> dict[str, Any]:
    """The sent fields as the session services take them; unknown ids are field errors."""
    partnership = access.partnership
    fields = dict(sent)
    unknown: dict[str, str] = {}
    if "course" in fields:
        course = None
        if fields["course"] is not None:
            course = (
                catalogue_courses(partnership, include_hidden=True)
                .filter(pk=fields["course"])
                .first()
            )
        if course is None:
            unknown["course"] = "There is no course with that id in the catalogue."
        fields["course"] = course
    if fields.get("venue") is not None:
        venue = venue_reads.venues_of(partnership).filter(pk=fields["venue"]).first()
        if venue is None:
            unknown["venue"] = "There is no venue with that id here."
        fields["venue"] = venue
    if "parts" in fields:
        if fields["parts"] is None:
            unknown["parts"] = "Send at least one part."
        else:
            fields["parts"] = [
                (_aware_time(part["starts_at"]), _aware_time(part["ends_at"]))
                for part in fields["parts"]
            ]
    if fields.get("trainers") is not None:
        members = {user.pk: user for user in session_reads.trainer_members(partnership)}
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
    if fields.get("sector_holds") is not None:
        fields["sector_holds"] = [
            session_services.SectorHoldEntry(
                sector=hold["sector"], places=hold["places"], until=_aware_time(hold["until"])
            )
            for hold in fields["sector_holds"]
        ]
    for name in ("booking_opens_at", "booking_closes_at", "cancellation_cutoff"):
        if name in fields:
            fields[name] = _aware(fields[name])
    for name in ("joining_link", "joining_instructions", "notes"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    unknown.update(_nulls_refused(fields))
    if unknown:
        raise DjangoValidationError(unknown)
    return fields


# A session always has these; null is not "unchanged" (leave the field out for that).
ALWAYS_SET = ("format", "capacity", "minimum_numbers", "regional_places", "no_show_charge")


def _nulls_refused(fields: dict[str, Any]) -> dict[str, str]:
    return {
        name: "A session always has this: send a value, or leave the field out to keep it."
        for name in ALWAYS_SET
        if name in fields and fields[name] is None
    }


def _session_out(access: PartnershipAccess, session_id: int) -> Session:
    session = session_for(access, session_id, to=SessionAct.VIEW)
    # A coordinator sees the link of their own sessions, not of a regional one elsewhere.
    released = Role.COORDINATOR in access.roles and session.partnership_id == access.partnership.pk
    if not released:
        booking = booking_reads.viewer_booking(access.partnership, access.user, session)
        released = booking is not None and booking.status == BookingStatus.CONFIRMED
    session.link_released = released  # type: ignore[attr-defined]
    return session


# Sessions.


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
    fields = _session_fields(access, payload.model_dump(exclude_unset=True))
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
    fields = _session_fields(access, payload.model_dump(exclude_unset=True))
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


# Bookings.


def _bookings(access: PartnershipAccess) -> QuerySet[Booking]:
    return booking_reads.bookings_visible_to(access.partnership, access.user, access.roles)


def _bookable_session(access: PartnershipAccess, session_id: int) -> Session:
    """The session named in the body: one the member may book on, else a field error."""
    try:
        return session_for(access, session_id, to=SessionAct.BOOK)
    except Http404:
        raise DjangoValidationError({"session": "There is no session with that id here."}) from None


def _act_on_booking(
    request: HttpRequest, code: str, booking_id: int, act: BookingAct, service: Callable
) -> Booking:
    """What every action on one booking does: the partnership, then the booking the caller
    may ``act`` on (404 when they may not see it, 403 when they may not do this), then
    ``service(booking, caller)``, whose refusal answers 400 through the ``ServiceError``
    handler; the booking as it now reads."""
    access = access_for(request.user, code, BOOKING_ACTIONS[act])
    service(booking_for(access, booking_id, to=act), access.user)
    return booking_for(access, booking_id, to=BookingAct.VIEW)


@router.get(
    "/{code}/bookings",
    response={200: list[BookingOut], **error_responses(400, 401, 403, 404)},
    url_name="booking-list",
    summary="Bookings",
)
@paginate(PageNumberPagination)
def booking_list(request: HttpRequest, code: str, filters: Query[BookingFilters]) -> Any:
    """Bookings the caller may see, oldest first: a coordinator every booking on the
    partnership's sessions, a line manager their team's, an agency lead their agencies',
    a learner their own (including places on sessions of the region)."""
    access = access_for(request.user, code, Action.VIEW_SESSIONS)
    bookings = _bookings(access)
    if filters.session is not None:
        bookings = bookings.filter(session_id=filters.session)
    if filters.person is not None:
        bookings = bookings.filter(person_id=filters.person)
    if filters.status is not None:
        bookings = bookings.filter(status=filters.status)
    return bookings


@router.post(
    "/{code}/bookings",
    response={201: BookingOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="booking-list",
    summary="Book a place",
)
def booking_create(request: HttpRequest, code: str, payload: BookingIn) -> Any:
    """Book yourself, or someone you may book for: confirmed, waiting when full, or awaiting
    approval. Someone outside your team answers 403; a refusal (closed, started, already
    booked) 400 with the reason."""
    access = access_for(request.user, code, Action.VIEW_SESSIONS)
    user = access.user
    session = _bookable_session(access, payload.session)
    if payload.person is None:
        person = (
            booking_reads.people_of_user(access.partnership, user)
            .select_related("partnership", "agency")
            .first()
        )
        if person is None:
            raise DjangoValidationError(
                {"person": "You have no person record here: send the id of the person to book."}
            )
    else:
        person = (
            booking_reads.bookable_people_for(user, access.partnership, access.roles)
            .filter(pk=payload.person)
            .select_related("partnership")
            .first()
        )
    if person is None or not booking_reads.may_book_for(
        user, access.partnership, access.roles, person
    ):
        raise AuthorizationError(message=NOT_YOURS)
    booking = booking_services.book_place(session=session, person=person, booked_by=user)
    return Status(201, booking_reads.booking_as_read(booking))


@router.post(
    "/{code}/bookings/bulk",
    response={200: list[BulkResultOut], **error_responses(400, 401, 403, 404, 413)},
    url_name="booking-bulk",
    summary="Book several people",
)
def booking_bulk(request: HttpRequest, code: str, payload: BulkBookingIn) -> Any:
    """Managers, agency leads and coordinators book people of their team: each gets a booking
    or the reason they were not booked; one refusal stops nobody else."""
    access = access_for(request.user, code, Action.BOOK_FOR_OTHERS)
    user = access.user
    session = _bookable_session(access, payload.session)
    people = {
        person.pk: person
        for person in booking_reads.bookable_people_for(
            user, access.partnership, access.roles
        ).filter(pk__in=payload.people)
    }
    outside = [pk for pk in payload.people if pk not in people]
    if outside:
        raise AuthorizationError(
            message=f"{NOT_YOURS} Not among them: {', '.join(map(str, outside))}."
        )
    results = booking_services.book_people(
        session=session, people=[people[pk] for pk in payload.people], booked_by=user
    )
    made = {
        booking.pk: booking
        for booking in _bookings(access).filter(
            pk__in=[r.booking.pk for r in results if r.booking is not None]
        )
    }
    return [
        {
            "person": result.person,
            "booking": made[result.booking.pk] if result.booking is not None else None,
            "error": result.error,
        }
        for result in results
    ]


@router.get(
    "/{code}/bookings/{booking_id}",
    response={200: BookingOut, **error_responses(400, 401, 403, 404)},
    url_name="booking-detail",
    summary="One booking",
)
def booking_detail(request: HttpRequest, code: str, booking_id: int) -> Any:
    """A booking the caller may see, with its waiting-list position; anyone else's is 404."""
    access = access_for(request.user, code, Action.VIEW_SESSIONS)
    return booking_for(access, booking_id, to=BookingAct.VIEW)


@router.post(
    "/{code}/bookings/{booking_id}/cancel",
    response={200: BookingOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="booking-cancel",
    summary="Cancel a booking",
)
def booking_cancel(request: HttpRequest, code: str, booking_id: int, payload: ReasonIn) -> Any:
    """Your own booking, or one of a person you manage; after the cut-off it is flagged late.
    A freed place goes to the waiting list at once."""
    return _act_on_booking(
        request,
        code,
        booking_id,
        BookingAct.CANCEL,
        lambda booking, user: booking_services.cancel_booking(
            booking=booking, cancelled_by=user, reason=payload.reason
        ),
    )


@router.post(
    "/{code}/bookings/{booking_id}/accept",
    response={200: BookingOut, **error_responses(400, 401, 403, 404)},
    url_name="offer-accept",
    summary="Accept a waiting-list offer",
)
def offer_accept(request: HttpRequest, code: str, booking_id: int) -> Any:
    """Take the offered place before the offer's deadline: the person, or someone who may
    book for them (their line manager, agency lead or a coordinator)."""
    return _act_on_booking(
        request,
        code,
        booking_id,
        BookingAct.ANSWER_OFFER,
        lambda booking, user: booking_services.accept_offer(booking=booking, accepted_by=user),
    )


@router.post(
    "/{code}/bookings/{booking_id}/decline",
    response={200: BookingOut, **error_responses(400, 401, 403, 404)},
    url_name="offer-decline",
    summary="Decline a waiting-list offer",
)
def offer_decline(request: HttpRequest, code: str, booking_id: int) -> Any:
    """Give the offered place up (the person, or someone who may book for them): it goes to
    the next person waiting."""
    return _act_on_booking(
        request,
        code,
        booking_id,
        BookingAct.ANSWER_OFFER,
        lambda booking, user: booking_services.decline_offer(booking=booking, declined_by=user),
    )


@router.post(
    "/{code}/bookings/{booking_id}/approve",
    response={200: BookingOut, **error_responses(400, 401, 403, 404)},
    url_name="booking-approve",
    summary="Approve a booking",
)
def booking_approve(request: HttpRequest, code: str, booking_id: int) -> Any:
    """The booking then books like any other: confirmed, or waiting when full."""
    return _act_on_booking(
        request,
        code,
        booking_id,
        BookingAct.DECIDE,
        lambda booking, user: booking_services.approve_booking(booking=booking, approved_by=user),
    )


@router.post(
    "/{code}/bookings/{booking_id}/refuse",
    response={200: BookingOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="booking-refuse",
    summary="Refuse a booking",
)
def booking_refuse(request: HttpRequest, code: str, booking_id: int, payload: ReasonIn) -> Any:
    """Refuse a booking awaiting approval, with a reason the person is told."""
    return _act_on_booking(
        request,
        code,
        booking_id,
        BookingAct.DECIDE,
        lambda booking, user: booking_services.refuse_booking(
            booking=booking, refused_by=user, reason=payload.reason
        ),
    )


@router.get(
    "/{code}/sessions/{session_id}/waiting-list",
    response={200: list[BookingOut], **error_responses(400, 401, 403, 404)},
    url_name="waiting-list",
    summary="A session's waiting list, first in line first",
)
@paginate(PageNumberPagination)
def waiting_list(request: HttpRequest, code: str, session_id: int) -> Any:
    """Coordinators see the queue in order; ``waiting_position`` counts from 1."""
    access = access_for(request.user, code, Action.MANAGE_SESSIONS)
    session = session_for(access, session_id, to=SessionAct.MANAGE)
    return booking_reads.waiting_list_with_positions(session)


# The register.


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


# Certificates: public.


@public_router.get(
    "/certificates/{number}",
    auth=None,
    response={200: CertificateOut, **error_responses(400, 404, 410)},
    url_name="certificate-verify",
    summary="Check a certificate number",
)
def certificate_verify(request: HttpRequest, number: str) -> Any:
    """No sign-in needed. A genuine certificate answers exactly what it prints; a withdrawn
    one 410; a number that was never issued 404, the same as a mistyped one."""
    printed = normalise_number(number)
    certificate = (
        certificate_reads.certificate_by_number(printed) if NUMBER_PATTERN.match(printed) else None
    )
    if certificate is None:
        raise HttpError(404, "No certificate has that number: check it against the certificate.")
    if certificate.revoked_at is not None:
        raise HttpError(410, f"Certificate {certificate.number} has been withdrawn.")
    return certificate
