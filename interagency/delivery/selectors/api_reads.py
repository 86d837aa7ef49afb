"""Reads the delivery API needs beyond the pages' selectors: one query per list page.

Sessions come with the course title as the partnership shows it and the
waiting and awaiting-approval counts; bookings with their session, person and
waiting-list position. Every read starts from the partnership in the address;
bookings reach beyond it only for a person of this partnership holding a place
on a regional session, and say so.
"""

import datetime
from typing import Any

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from interagency.core.permissions import Role
from interagency.delivery.models import (
    Booking,
    BookingStatus,
    Session,
)
from interagency.delivery.selectors.listings import (
    _shown_course_title,
    _waiting_position,
    _with_regional_left,
    london_midnight,
    open_to_region,
    people_of_user,
)
from interagency.delivery.selectors.sessions import bookings_counted
from interagency.people.visibility import visible_people
from interagency.tenancy.models import Partnership


def _with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.select_related("course", "course__tier", "venue", "partnership").annotate(
        course_title=_shown_course_title(),
        waiting_count=bookings_counted(BookingStatus.WAITING),
        awaiting_count=bookings_counted(BookingStatus.AWAITING_APPROVAL),
    )


def api_sessions(
    partnership: Partnership,
    *,
    course_id: int | None = None,
    tier_id: int | None = None,
    starts_from: datetime.date | None = None,
    starts_to: datetime.date | None = None,
    session_format: str = "",
    status: str = "",
    include_regional: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Session]:
    """The partnership's sessions, soonest first. Without ``starts_from`` or ``status`` only
    those not yet ended; dates are London days.

    With ``include_regional``, also the sessions not yet started that other partnerships of
    the region opened places on (the learner's list rule), with ``regional_left``.
    """
    now = now or timezone.now()
    sessions: QuerySet[Session]
    if include_regional:
        # cross-partnership: regional places (sessions their hosts opened to the region).
        sessions = Session.objects.filter(
            Q(partnership=partnership) | (open_to_region(partnership) & Q(starts_at__gte=now))
        )
        sessions = _with_regional_left(sessions, caller=partnership)
    else:
        sessions = Session.objects.for_partnership(partnership)
    sessions = _with_counts(sessions).order_by("starts_at", "id")
    if course_id is not None:
        sessions = sessions.filter(course_id=course_id)
    if tier_id is not None:
        sessions = sessions.filter(course__tier_id=tier_id)
    if starts_from is not None:
        sessions = sessions.filter(starts_at__gte=london_midnight(starts_from))
    elif not status:
        sessions = sessions.filter(ends_at__gte=now)
    if starts_to is not None:
        sessions = sessions.filter(
            starts_at__lt=london_midnight(starts_to + datetime.timedelta(days=1))
        )
    if session_format:
        sessions = sessions.filter(format=session_format)
    if status:
        sessions = sessions.filter(status=status)
    return sessions


def _booking_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("person", "agency", "session").annotate(
        people_ahead=Coalesce(_waiting_position(), Value(0))
    )


def bookings_visible_to(partnership: Partnership, user: Any, roles: Any) -> QuerySet[Booking]:
    """:func:`visible_bookings`, oldest first, with what the API lists of each."""
    return _booking_rows(visible_bookings(partnership, user, roles)).order_by("booked_at", "id")


def visible_bookings(partnership: Partnership, user: Any, roles: Any) -> QuerySet[Booking]:
    """The bookings a member may read: a coordinator every booking on the partnership's
    sessions and every booking of its people; others those of the people they may see
    (learners themselves, line managers their team, agency leads their agencies) and
    their own.

    The people (or, for a coordinator, the few bookings its people hold on other
    partnerships' sessions) are read first, so the bookings are found by index on
    SQLite and PostgreSQL alike, never by reading the whole region's table.
    """
    if Role.COORDINATOR in set(roles):
        # cross-partnership: this partnership's people on regional sessions elsewhere.
        elsewhere = Booking.objects.filter(
            person__in=visible_people(partnership, user, roles).values("pk")
        ).exclude(partnership=partnership)
        condition = Q(partnership=partnership) | Q(
            pk__in=list(elsewhere.values_list("pk", flat=True))
        )
    else:
        people = visible_people(partnership, user, roles) | people_of_user(partnership, user)
        condition = Q(person_id__in=list(people.values_list("pk", flat=True)))
    # cross-partnership: a person of this partnership may hold a place on a regional session.
    return Booking.objects.filter(condition)


def booking_as_read(booking: Booking) -> Booking:
    """``booking`` as :func:`bookings_visible_to` reads it (person, agency, people ahead), for
    the caller that has just made it: they booked someone they may book for, so they may
    read it, and its host's partnership is its own or, for a regional place, the region's."""
    # cross-partnership: the booking was just written for this caller (see above).
    return _booking_rows(Booking.objects.filter(pk=booking.pk)).get()


def waiting_list_with_positions(session: Session) -> QuerySet[Booking]:
    """The session's waiting list in queue order, each with the people ahead of them."""
    return _booking_rows(
        Booking.objects.for_partnership(session.partnership).filter(
            session=session, status=BookingStatus.WAITING
        )
    ).order_by("waiting_since", "id")
