"""Bookings: listed, made (one person or several), read, cancelled; offers answered
and approvals decided.

Every act on one booking reads the booking the caller may see (else 404), then
the act they may do (else 403), through ``delivery.selectors.access.booking_for``.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import AuthorizationError
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.delivery.api_schemas import (
    BookingFilters,
    BookingIn,
    BookingOut,
    BulkBookingIn,
    BulkResultOut,
    ReasonIn,
)
from interagency.delivery.models import Booking, Session
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors.access import (
    BOOKING_ACTIONS,
    NOT_YOURS,
    BookingAct,
    SessionAct,
    booking_for,
    session_for,
)
from interagency.delivery.services import bookings as booking_services
from interagency.tenancy.access import PartnershipAccess, access_for

router = Router()


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
    # The booking as the service left it (person, agency and waiting position in hand):
    # what a read of it answers, without reading it again.
    return Status(201, booking)


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
