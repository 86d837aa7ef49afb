"""What a member may act on in delivery: one function per noun, for pages and API alike.

Each function takes the member's :class:`~interagency.tenancy.access.PartnershipAccess`,
an id and the act, and answers the object the member may do that to, or raises
one of two errors, as Zulip's ``access_stream_by_id`` does:

- ``Http404`` when the member may not see it, exactly as when it does not
  exist, so another partnership's objects never show;
- ``PermissionDenied`` when they see it but their roles, or their relation to
  its person, do not allow this act.

A page answers them as its 404 and 403 pages, the API as its JSON 404 and
403. Both doors call the same function for the same act, so they cannot
disagree about who may do what.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, TypedDict, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from interagency.core.permissions import Action
from interagency.delivery.models import Booking, Session
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors import registers as register_reads
from interagency.delivery.selectors import sessions as session_reads
from interagency.tenancy.access import PartnershipAccess

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class BookingShown(TypedDict):
    """What :func:`bookings.booking_rows` adds to each booking it reads."""

    course_title: str
    people_ahead: int


NOT_FOUND = "Not among the sessions and bookings you may see."
NOT_YOURS = "You may book, cancel or decide only for yourself and the people you manage."
NOT_YOUR_DECISION = "Only the person's line manager, agency lead or a coordinator decides."


class SessionAct(StrEnum):
    # Read it: the partnership's own sessions, and those the region opened to it.
    VIEW = "view"
    # Book on it: the same sessions, read with only what the booking service needs.
    BOOK = "book"
    # Change or cancel it, or read its waiting list: the partnership's own, for coordinators.
    MANAGE = "manage"
    # Its register: coordinators any of the partnership's, trainers those they deliver.
    TAKE_REGISTER = "take_register"


class BookingAct(StrEnum):
    # Read it: a booking of a person the member may see (a coordinator: also every
    # booking on the partnership's sessions), or their own.
    VIEW = "view"
    # Cancel it: the person themselves, or who manages them (line manager, agency lead,
    # coordinator), the same people who may book for them.
    CANCEL = "cancel"
    # Accept or decline a waiting-list offer: whoever may cancel it (decision 0018).
    ANSWER_OFFER = "answer_offer"
    # Approve or refuse it: the person's manager, agency lead or a coordinator, never
    # the person themselves.
    DECIDE = "decide"


# The partnership-wide action each act needs before the object is looked at.
SESSION_ACTIONS = {
    SessionAct.VIEW: Action.VIEW_SESSIONS,
    SessionAct.BOOK: Action.VIEW_SESSIONS,
    SessionAct.MANAGE: Action.MANAGE_SESSIONS,
    SessionAct.TAKE_REGISTER: Action.TAKE_REGISTER,
}
BOOKING_ACTIONS = {
    BookingAct.VIEW: Action.VIEW_SESSIONS,
    BookingAct.CANCEL: Action.VIEW_SESSIONS,
    BookingAct.ANSWER_OFFER: Action.VIEW_SESSIONS,
    BookingAct.DECIDE: Action.APPROVE_BOOKINGS,
}


def _sessions_for(access: PartnershipAccess, to: SessionAct) -> QuerySet[Session]:
    """The sessions the member may ``to``, with what the pages and API of that act show."""
    partnership = access.partnership
    if to is SessionAct.VIEW:
        seen = session_reads.sessions_seen_from(partnership)
        return session_reads.with_page_details(seen, caller=partnership)
    if to is SessionAct.BOOK:
        # Only the host: the booking service reads and locks the current row itself.
        return session_reads.sessions_seen_from(partnership).select_related("partnership")
    if to is SessionAct.MANAGE:
        return session_reads.with_course(session_reads.sessions_of(partnership))
    taken = register_reads.registers_taken_by(partnership, access.user, access.roles)
    return register_reads.with_register_details(taken)


def session_for(access: PartnershipAccess, session_id: int, *, to: SessionAct) -> Session:
    """The session with ``session_id`` that the member may ``to``; else 404 (or 403)."""
    access.require(SESSION_ACTIONS[to])
    try:
        return _sessions_for(access, to).get(pk=session_id)
    except ObjectDoesNotExist:
        raise Http404(NOT_FOUND) from None


def booking_for(
    access: PartnershipAccess, booking_id: int, *, to: BookingAct
) -> "WithAnnotations[Booking, BookingShown]":
    """The booking with ``booking_id`` that the member may ``to``.

    Not one they may see: 404. One they see but may not ``to``: 403.
    """
    access.require(BOOKING_ACTIONS[to])
    visible = booking_reads.visible_bookings(access.partnership, access.user, access.roles)
    booking = booking_reads.booking_rows(visible.filter(pk=booking_id)).first()
    if booking is None:
        raise Http404(NOT_FOUND)
    acts_for = to in (BookingAct.CANCEL, BookingAct.ANSWER_OFFER)
    if acts_for and not booking_reads.may_cancel(access.user, access.roles, booking):
        raise PermissionDenied(NOT_YOURS)
    if to is BookingAct.DECIDE and not booking_reads.may_approve(
        access.user, access.roles, booking
    ):
        raise PermissionDenied(NOT_YOUR_DECISION)
    return cast("WithAnnotations[Booking, BookingShown]", booking)  # booking_rows annotated it
