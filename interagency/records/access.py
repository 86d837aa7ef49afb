"""What a member may act on in records, for pages and API alike (decision 0018).

One function per act: each takes the member's
:class:`~interagency.tenancy.access.PartnershipAccess` and answers the object, or
raises ``Http404`` (not one the member may see) or ``PermissionDenied`` (one they
see but may not do this to).

- a person's training record: the people ``people.visibility`` shows the member
  (a learner sees themselves);
- declaring training: a member with a person record in the partnership, for
  themselves;
- deciding a declaration: coordinators, the line manager of the person and the
  lead of the person's agency, never the person themselves;
- importing e-learning completions and taking in records moved from another
  partnership: coordinators.
"""

from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from interagency.core.permissions import Action, Role
from interagency.people.access import people_seen_by
from interagency.people.models import Person
from interagency.records.models import Declaration, RecordImport
from interagency.records.selectors import declarations as declaration_selectors
from interagency.records.selectors.imports import import_in
from interagency.tenancy.access import PartnershipAccess

NOT_FOUND = "Not among the records you may see."
NO_PERSON = (
    "You have no person record in this partnership, so there is no training record to add "
    "to. Ask your training coordinator to add you."
)
COORDINATORS_ONLY = "Only training coordinators may do this."


class DeclarationAct(StrEnum):
    # Read it and its evidence: the person themselves and those who may decide it.
    VIEW = "view"
    # Approve or reject it: coordinators, the person's line manager and their agency's
    # lead, not the person.
    DECIDE = "decide"


def person_record_for(access: PartnershipAccess, person_id: int) -> Person:
    """The person whose training record the member may read; else 404."""
    access.require(Action.VIEW_RECORDS)
    try:
        return people_seen_by(access).get(pk=person_id)
    except ObjectDoesNotExist:
        raise Http404(NOT_FOUND) from None


def own_person_for(access: PartnershipAccess) -> Person:
    """The member's own person record, to declare training or share records; else 404."""
    access.require(Action.VIEW_RECORDS)
    person = declaration_selectors.own_person(access.partnership, access.user.pk)
    if person is None:
        raise Http404(NO_PERSON)
    return person


def has_own_person(access: PartnershipAccess) -> bool:
    return declaration_selectors.own_person(access.partnership, access.user.pk) is not None


def may_decide(access: PartnershipAccess, declaration: Declaration) -> bool:
    """May the member approve or reject ``declaration``?"""
    if declaration.person.user_id == access.user.pk:
        return False
    if Role.COORDINATOR in access.roles:
        return True
    manager = declaration.person.line_manager
    if Role.LINE_MANAGER in access.roles and manager and manager.user_id == access.user.pk:
        return True
    agency = declaration.person.agency
    return (
        Role.AGENCY_LEAD in access.roles and agency is not None and agency.lead_id == access.user.pk
    )


def declaration_for(
    access: PartnershipAccess, declaration_id: int, *, to: DeclarationAct
) -> Declaration:
    """The declaration the member may ``to``: 404 when they may not see it, 403 when they
    see it but may not decide it."""
    access.require(Action.VIEW_RECORDS)
    seen = declaration_selectors.declarations_seen(access.partnership, access.user.pk, access.roles)
    try:
        declaration = seen.get(pk=declaration_id)
    except ObjectDoesNotExist:
        raise Http404(NOT_FOUND) from None
    if to is DeclarationAct.DECIDE and not may_decide(access, declaration):
        raise PermissionDenied("You may not approve or reject this declaration.")
    return declaration


def declarations_for(access: PartnershipAccess) -> QuerySet[Declaration]:
    """Every declaration the member may see (their own, and those they may decide)."""
    access.require(Action.VIEW_RECORDS)
    return declaration_selectors.declarations_seen(access.partnership, access.user.pk, access.roles)


def require_coordinator(access: PartnershipAccess) -> None:
    """Importing completions and taking in moved records: coordinators only (403)."""
    access.require(Action.VIEW_RECORDS)
    if Role.COORDINATOR not in access.roles:
        raise PermissionDenied(COORDINATORS_ONLY)


def record_import_for(access: PartnershipAccess, import_id: int) -> RecordImport:
    """A file of e-learning completions of the member's partnership; else 404."""
    require_coordinator(access)
    try:
        return import_in(access.partnership, import_id)
    except ObjectDoesNotExist:
        raise Http404("No import with that id among yours.") from None


def may_save_equivalence(access: PartnershipAccess) -> bool:
    """May the member, deciding a declaration of training described in words, save the
    course it counts as for later declarations of the same training? Coordinators: it
    changes the catalogue's equivalences."""
    return access.allows(Action.MANAGE_CATALOGUE)
