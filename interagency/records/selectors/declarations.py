"""Read declarations of training done elsewhere, always within one partnership."""

from django.db.models import F, Q, QuerySet

from interagency.catalogue.models import Course
from interagency.catalogue.selectors import equivalences_of
from interagency.core.permissions import Role
from interagency.people.models import Person
from interagency.records.models import Declaration
from interagency.tenancy.models import Partnership


def declarations_of(partnership: Partnership) -> QuerySet[Declaration]:
    """The partnership's declarations, newest first, with their person and course."""
    return (
        Declaration.objects.for_partnership(partnership)
        .select_related(
            "person", "person__line_manager", "person__agency", "course", "course__tier"
        )
        .order_by("-created_at", "-id")
    )


def deciders_filter(user_id: int, roles: frozenset[str]) -> Q | None:
    """The declarations ``roles`` let the member approve or reject as a ``Q``; None for all.

    Coordinators decide every declaration, line managers those of their team, agency
    leads those of the people of the agencies they lead (``Agency.lead``, the agency of
    the person's main post, as ``people.visibility`` shows them); nobody decides their
    own (see ``records.access``).
    """
    if Role.COORDINATOR in roles:
        return None
    decides = Q(pk__in=[])
    if Role.LINE_MANAGER in roles:
        decides |= Q(person__line_manager__user_id=user_id)
    if Role.AGENCY_LEAD in roles:
        decides |= Q(person__agency__lead_id=user_id)
    return decides


def declarations_seen(
    partnership: Partnership, user_id: int, roles: frozenset[str]
) -> QuerySet[Declaration]:
    """Those the member may see: their own, and those they may decide."""
    found = declarations_of(partnership)
    decides = deciders_filter(user_id, roles)
    if decides is None:
        return found
    return found.filter(Q(person__user_id=user_id) | decides)


def awaiting_decision(
    partnership: Partnership, user_id: int, roles: frozenset[str]
) -> QuerySet[Declaration]:
    """Declarations awaiting approval that the member may decide (never their own), oldest
    first."""
    found = declarations_of(partnership).filter(status=Declaration.Status.PENDING)
    decides = deciders_filter(user_id, roles)
    if decides is not None:
        found = found.filter(decides)
    return found.exclude(person__user_id=user_id).order_by("created_at", "id")


def awaiting_decision_count(partnership: Partnership, user_id: int, roles: frozenset[str]) -> int:
    """How many declarations await the member's approval: one query, for a to-do list."""
    return awaiting_decision(partnership, user_id, roles).count()


def own_person(partnership: Partnership, user_id: int) -> Person | None:
    """The member's own current person record in the partnership, if they have one."""
    return (
        Person.objects.for_partnership(partnership)
        .filter(user_id=user_id, merged_into__isnull=True)
        .select_related("line_manager")
        .order_by("left_on", "pk")
        .first()
    )


def suggested_course(partnership: Partnership, external_title: str) -> Course | None:
    """The course a coordinator saved training called ``external_title`` as counting for
    (any case and spacing), if any: suggested when deciding a declaration of it."""
    title = " ".join(external_title.split())
    if not title:
        return None
    found = (
        equivalences_of(partnership)
        .filter(course__isnull=True, external_training__iexact=title)
        # The partnership's own before the framework's (nulls last on every database).
        .order_by(F("partnership").desc(nulls_last=True), "pk")
        .first()
    )
    return found.counts_for if found is not None else None
