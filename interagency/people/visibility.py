"""Whose records a member may see and change: the one place the people rule lives.

A coordinator sees everyone in the partnership. An agency lead sees the people
of the agencies they lead (``Agency.lead``). A line manager sees their team
(people whose ``line_manager`` is their own person record) and themselves. A
learner sees only themselves. Board members and trainers see no named people
(they get counts elsewhere). A member holding several roles sees the union.

Records merged into another (``merged_into`` set) are history, never listed.
Every page, export and API endpoint that shows a person calls
:func:`visible_people`, so a person outside it answers 404 everywhere.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from interagency.core.permissions import Role
from interagency.people.models import Person
from interagency.tenancy.models import Partnership


def _visibility_filter(user, roles: Iterable[str]) -> Q | None:
    """The people ``roles`` reveal as a ``Q``; ``None`` means everyone."""
    held = frozenset(roles)
    if Role.COORDINATOR in held:
        return None
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    if Role.AGENCY_LEAD in held:
        condition |= Q(agency__lead=user)
    if Role.LINE_MANAGER in held:
        condition |= Q(line_manager__user=user) | Q(user=user)
    if Role.LEARNER in held:
        condition |= Q(user=user)
    return condition


def visible_people(partnership: Partnership, user, roles: Iterable[str]) -> QuerySet[Person]:
    """The partnership's (unmerged) people that ``user`` holding ``roles`` may see."""
    people = Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)
    condition = _visibility_filter(user, roles)
    if condition is not None:
        people = people.filter(condition)
    return people


def can_edit_person(partnership: Partnership, user, roles: Iterable[str], person: Person) -> bool:
    """May ``user`` change ``person``'s record? Coordinators, and leads of the person's agency.

    Line managers and learners see records but do not edit them: the agency
    keeps its own list (by import or its lead), and the coordinator corrects it.
    """
    if person.partnership_id != partnership.pk or person.merged_into_id is not None:
        return False
    held = frozenset(roles)
    if Role.COORDINATOR in held:
        return True
    if Role.AGENCY_LEAD in held and user is not None and user.is_authenticated:
        return person.agency.lead_id == user.pk
    return False


def can_add_people(partnership: Partnership, user, roles: Iterable[str]) -> bool:
    """May ``user`` add people at all (coordinators, and agency leads to their own agencies)?"""
    held = frozenset(roles)
    return Role.COORDINATOR in held or Role.AGENCY_LEAD in held
