"""Reads of bookings and the waiting list, and who may book, cancel or approve for whom.

The permission helpers answer about people (is this person in my team?); the
caller has already checked the action with ``role_allows`` and read the
booking or person through a partnership-scoped selector.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from interagency.core.permissions import Action, Role, role_allows
from interagency.delivery.models import (
    LIVE_STATUSES,
    Booking,
    BookingStatus,
    DeliverySettings,
    Session,
)
from interagency.people.models import Person
from interagency.people.visibility import visible_people
from interagency.tenancy.models import Partnership


def delivery_settings_for(partnership: Partnership) -> DeliverySettings:
    """The partnership's delivery settings, created with the defaults on first use."""
    settings, _ = DeliverySettings.objects.for_partnership(partnership).get_or_create(
        partnership=partnership
    )
    return settings


def bookings_of_session(session: Session) -> QuerySet[Booking]:
    """Every booking of ``session`` with the person and agency, oldest first."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session)
        .select_related("person", "agency")
        .order_by("booked_at", "id")
    )


def waiting_list(session: Session) -> QuerySet[Booking]:
    """The people waiting for a place on ``session``, in queue order (waiting_since, then id)."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status=BookingStatus.WAITING)
        .select_related("person", "agency")
        .order_by("waiting_since", "id")
    )


def waiting_position(booking: Booking) -> int | None:
    """The 1-based place of a waiting booking in its queue; None when it is not waiting."""
    if booking.status != BookingStatus.WAITING or booking.waiting_since is None:
        return None
    ahead = (
        Booking.objects.for_partnership(booking.partnership)
        .filter(session_id=booking.session_id, status=BookingStatus.WAITING)
        .filter(
            Q(waiting_since__lt=booking.waiting_since)
            | Q(waiting_since=booking.waiting_since, id__lt=booking.pk)
        )
        .count()
    )
    return ahead + 1


def bookings_of_person(person: Person) -> QuerySet[Booking]:
    """The person's bookings, newest session first, including regional ones hosted elsewhere."""
    # A person's own bookings include places on sessions of other partnerships
    # of the region; the person is the scope.
    return (
        # cross-partnership: the person's own bookings, wherever hosted.
        Booking.objects.filter(person=person)
        .select_related("session", "session__course", "session__venue", "session__partnership")
        .order_by("-session__starts_at", "-id")
    )


def live_booking_of(session: Session, person: Person) -> Booking | None:
    """The person's live booking (awaiting, confirmed, waiting or offered) on ``session``."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, person=person, status__in=LIVE_STATUSES)
        .first()
    )


def awaiting_approval_for(
    partnership: Partnership, user, roles: Iterable[str]
) -> QuerySet[Booking]:
    """Bookings of the partnership's people awaiting approval that ``user`` may decide."""
    people = visible_people(partnership, user, roles).exclude(user=user)
    return (
        # cross-partnership: the person's home partnership decides, wherever the session is.
        Booking.objects.filter(status=BookingStatus.AWAITING_APPROVAL, person__in=people)
        .select_related("person", "agency", "session", "session__course")
        .order_by("booked_at", "id")
    )


def _is_current(person: Person) -> bool:
    return person.merged_into_id is None and (
        person.left_on is None or person.left_on > timezone.localdate()
    )


def bookable_people_for(user, partnership: Partnership, roles: Iterable[str]) -> QuerySet[Person]:
    """The current people ``user`` may book: learners themselves, line managers their team
    and themselves, agency leads their agencies' people, coordinators everyone."""
    held = frozenset(roles)
    if role_allows(held, Action.BOOK_FOR_OTHERS):
        people = visible_people(partnership, user, held)
    elif held and user is not None and user.is_authenticated:
        people = Person.objects.for_partnership(partnership).filter(
            user=user, merged_into__isnull=True
        )
    else:
        people = Person.objects.none()
    today = timezone.localdate()
    return people.filter(Q(left_on__isnull=True) | Q(left_on__gt=today)).select_related("agency")


def may_book_for(user, partnership: Partnership, roles: Iterable[str], person: Person) -> bool:
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


def _manages(user, roles: Iterable[str], person: Person) -> bool:
    """Is ``user`` the person's coordinator, agency lead or line manager?"""
    held = frozenset(roles)
    if Role.COORDINATOR in held:
        return True
    if Role.AGENCY_LEAD in held and person.agency.lead_id == user.pk:
        return True
    manager = person.line_manager
    return Role.LINE_MANAGER in held and manager is not None and manager.user_id == user.pk


def may_cancel(user, roles: Iterable[str], booking: Booking) -> bool:
    """May ``user`` cancel ``booking``: their own, or one of a person they manage?

    ``roles`` are the user's roles in the partnership the booking was read through.
    """
    if user is None or not user.is_authenticated:
        return False
    if booking.person.user_id == user.pk:
        return True
    return role_allows(roles, Action.BOOK_FOR_OTHERS) and _manages(user, roles, booking.person)


def may_approve(user, roles: Iterable[str], booking: Booking) -> bool:
    """May ``user`` approve or refuse ``booking``? Its person's line manager, agency lead or
    a coordinator, never the person themselves."""
    if user is None or not user.is_authenticated or booking.person.user_id == user.pk:
        return False
    return role_allows(roles, Action.APPROVE_BOOKINGS) and _manages(user, roles, booking.person)
