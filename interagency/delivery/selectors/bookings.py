"""Reads of bookings, and who may book, cancel or approve for whom.

Every read starts from the partnership in the address. Bookings reach beyond
it only where a person of this partnership holds a place on another
partnership's regional session (the booking belongs to the host), and say so.
What a page or the API shows of each booking is :func:`booking_rows`, written
once.

The permission helpers answer about people (is this person in my team?); the
caller has already checked the action with ``role_allows`` and read the
booking or person through a partnership-scoped selector.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from interagency.core.permissions import Action, Role, role_allows
from interagency.delivery.models import LIVE_STATUSES, Booking, BookingStatus, Session
from interagency.delivery.selectors.sessions import shown_course_title
from interagency.delivery.selectors.waiting_list import people_ahead, waiting_list
from interagency.people.models import Person
from interagency.people.selectors import people_matching
from interagency.people.visibility import visible_people
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User


def booking_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """What pages and the API show of each booking: its session with course, venue and host,
    the person and both agencies (theirs now, and the booking's), the course title as the
    host shows it, and ``people_ahead`` on the waiting list."""
    return bookings.select_related(
        "session__course__tier",
        "session__venue",
        "session__partnership",
        "person__agency",
        "agency",
    ).annotate(
        course_title=shown_course_title("session__"),
        people_ahead=Coalesce(people_ahead(), Value(0)),
    )


def people_of_user(partnership: Partnership, user: Any) -> QuerySet[Person]:
    """The user's own person records in the partnership (usually one; none for some members)."""
    if user is None or not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.for_partnership(partnership).filter(user=user, merged_into__isnull=True)


# Bookings a member may read -----------------------------------------------------------------


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


def bookings_visible_to(partnership: Partnership, user: Any, roles: Any) -> QuerySet[Booking]:
    """:func:`visible_bookings` as :func:`booking_rows`, oldest first (the API's list)."""
    return booking_rows(visible_bookings(partnership, user, roles)).order_by("booked_at", "id")


def bookings_of_user(partnership: Partnership, user: Any) -> QuerySet[Booking]:
    """Every booking of the user's person records in the partnership, wherever hosted."""
    # The person ids are read first, as in visible_bookings: with the subquery PostgreSQL
    # joined all 120,000 bookings of a county before keeping the learner's (0.5 s).
    people = list(people_of_user(partnership, user).values_list("pk", flat=True))
    # cross-partnership: the learner's own bookings on regional sessions are hosted elsewhere.
    bookings = Booking.objects.filter(person_id__in=people)
    return booking_rows(bookings).order_by("session__starts_at", "pk")


def split_bookings(
    bookings: QuerySet[Booking], *, now: datetime.datetime | None = None
) -> tuple[list[Booking], list[Booking]]:
    """``(upcoming, past)``: upcoming soonest first, past most recent first."""
    now = now or timezone.now()
    upcoming: list[Booking] = []
    past: list[Booking] = []
    for booking in bookings:
        ends = booking.session.ends_at or booking.session.starts_at
        (upcoming if ends is None or ends > now else past).append(booking)
    past.reverse()
    return upcoming, past


def awaiting_approval(partnership: Partnership, user: Any, roles: Any) -> QuerySet[Booking]:
    """Bookings of the partnership's people awaiting approval that ``user`` may decide (not
    their own), as :func:`booking_rows`, oldest first."""
    people = visible_people(partnership, user, roles).exclude(user=user)
    # Each booking awaiting approval (found by its status's index) checks its own person:
    # with ``person__in`` SQLite listed a manager's team by reading all 100,000 people first.
    # cross-partnership: the person's home partnership decides, wherever the session is.
    waiting = Booking.objects.filter(
        Exists(people.filter(pk=OuterRef("person_id"))),
        status=BookingStatus.AWAITING_APPROVAL,
    )
    return booking_rows(waiting).order_by("booked_at", "pk")


def bookings_of_person(person: Person) -> QuerySet[Booking]:
    """The person's bookings, newest session first, including regional ones hosted elsewhere."""
    return (
        # cross-partnership: the person's own bookings, wherever hosted.
        Booking.objects.filter(person=person)
        .select_related("session", "session__course", "session__venue", "session__partnership")
        .order_by("-session__starts_at", "-id")
    )


# One session's bookings -----------------------------------------------------------------------


def session_bookings(session: Session) -> list[Booking]:
    """Every booking of the session (any status) with person and agency, in booking order."""
    return list(
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session)
        .select_related("person", "agency")
        .order_by("booked_at", "id")
    )


def live_booking_count(session: Session) -> int:
    """How many people are booked, waiting or awaiting approval: those a cancellation reaches."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status__in=LIVE_STATUSES)
        .count()
    )


def waiting_list_with_positions(session: Session) -> QuerySet[Booking]:
    """The session's waiting list in queue order as :func:`booking_rows` (the API's queue)."""
    return booking_rows(waiting_list(session))


def viewer_booking(partnership: Partnership, user: Any, session: Session) -> Booking | None:
    """The viewer's live booking on ``session`` (else their latest one), if any."""
    # cross-partnership: the user's own bookings on a regional session are hosted by it.
    bookings = Booking.objects.filter(
        session=session, person__in=people_of_user(partnership, user)
    ).order_by("-booked_at", "-pk")
    live = [booking for booking in bookings if booking.is_live]
    return live[0] if live else (bookings[0] if bookings else None)


def live_bookings_of_user_on(
    partnership: Partnership, user: Any, session_ids: list[int]
) -> dict[int, Booking]:
    """The user's own live bookings on the given sessions, by session id (one query)."""
    # cross-partnership: the user's own bookings, on regional sessions too.
    bookings = Booking.objects.filter(
        session_id__in=session_ids,
        person__in=people_of_user(partnership, user),
        status__in=LIVE_STATUSES,
    )
    return {booking.session_id: booking for booking in bookings}


def live_bookings_by_person(session: Session, person_ids: list[int]) -> dict[int, Booking]:
    """The live bookings on ``session`` of the given people, by person id (one query)."""
    # cross-partnership: the bookings of people a member may book, on a regional session too.
    bookings = Booking.objects.filter(
        session=session, person_id__in=person_ids, status__in=LIVE_STATUSES
    )
    return {booking.person_id: booking for booking in bookings}


# Who may book, cancel or approve for whom ---------------------------------------------------


def _is_current(person: Person) -> bool:
    return person.merged_into_id is None and (
        person.left_on is None or person.left_on > timezone.localdate()
    )


def bookable_people_for(
    user: "_AnyUser | None", partnership: Partnership, roles: Iterable[str]
) -> QuerySet[Person]:
    """The current people ``user`` may book: learners themselves, line managers their team
    and themselves, agency leads their agencies' people, coordinators everyone."""
    held = frozenset(roles)
    if role_allows(held, Action.BOOK_FOR_OTHERS):
        people = visible_people(partnership, user, held)
    elif held:
        people = people_of_user(partnership, user)
    else:
        people = Person.objects.none()
    today = timezone.localdate()
    return people.filter(Q(left_on__isnull=True) | Q(left_on__gt=today)).select_related("agency")


def search_people(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """``people`` (already narrowed to those the member may book) matching every word typed
    (``people.selectors.people_matching``)."""
    return (
        people_matching(people, text)
        .select_related("agency", "service")
        .order_by("full_name", "pk")
    )


def people_in_order(people: QuerySet[Person], ids: list[int]) -> list[Person]:
    """The people of ``ids`` (one page of a :func:`search_people` queryset's ids) in that
    order, with agency and service.

    The page is chosen over the ids alone, then only its people are joined to their
    agency and service: sorting 100,000 joined rows took most of a county's page.
    """
    found = people.select_related("agency", "service").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def may_book_for(
    user: "_AnyUser | None", partnership: Partnership, roles: Iterable[str], person: Person
) -> bool:
    """May ``user`` (holding ``roles`` in ``partnership``) book ``person``?

    Anyone may book themselves; booking somebody else needs BOOK_FOR_OTHERS and the
    person in the user's team (line manager), agencies (agency lead) or partnership
    (coordinator). People who have left or were merged are never bookable.
    """
    if user is None or not user.is_authenticated:
        return False
    if person.partnership_id != partnership.pk or not _is_current(person):
        return False
    if person.user_id == user.pk:
        return bool(frozenset(roles))
    if not role_allows(roles, Action.BOOK_FOR_OTHERS):
        return False
    return visible_people(partnership, user, roles).filter(pk=person.pk).exists()


def _manages(user: "_User", roles: Iterable[str], person: Person) -> bool:
    """Is ``user`` the person's coordinator, agency lead or line manager?"""
    held = frozenset(roles)
    if Role.COORDINATOR in held:
        return True
    if Role.AGENCY_LEAD in held and person.agency.lead_id == user.pk:
        return True
    manager = person.line_manager
    return Role.LINE_MANAGER in held and manager is not None and manager.user_id == user.pk


def may_cancel(user: "_User", roles: Iterable[str], booking: Booking) -> bool:
    """May ``user`` cancel ``booking``: their own, or one of a person they manage?

    ``roles`` are the user's roles in the partnership the booking was read through.
    """
    if user is None or not user.is_authenticated:
        return False
    if booking.person.user_id == user.pk:
        return True
    return role_allows(roles, Action.BOOK_FOR_OTHERS) and _manages(user, roles, booking.person)


def may_approve(user: "_AnyUser | None", roles: Iterable[str], booking: Booking) -> bool:
    """May ``user`` approve or refuse ``booking``? Its person's line manager, agency lead or
    a coordinator, never the person themselves."""
    if user is None or not user.is_authenticated or booking.person.user_id == user.pk:
        return False
    return role_allows(roles, Action.APPROVE_BOOKINGS) and _manages(user, roles, booking.person)
