"""What a member may act on in people: a person, a staff-list import.

As in delivery (``delivery/selectors/access.py``, decision 0018): each function
takes the member's :class:`~interagency.tenancy.access.PartnershipAccess`, an
id and the act, and answers the object or raises ``Http404``. A person the
member may see but not change answers 404 too, on the pages and in the API
alike, as they always have: whether someone else's record exists is not the
member's to learn from an edit link.
"""

from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404

from interagency.core.permissions import Action, Role
from interagency.people import selectors
from interagency.people.models import Agency, PeopleImport, Person
from interagency.people.visibility import can_edit_person, visible_people
from interagency.tenancy.access import PartnershipAccess

NOT_FOUND = "Not among this partnership's records you may see."
NOT_YOURS_TO_CHANGE = "Not a person you may change."


class PersonAct(StrEnum):
    # Read their record: the people visibility.visible_people reveals to the member.
    VIEW = "view"
    # Change their record or posts, or mark them as left: coordinators, and the leads
    # of the person's agency (visibility.can_edit_person).
    EDIT = "edit"


PERSON_ACTIONS = {PersonAct.VIEW: Action.VIEW_PEOPLE, PersonAct.EDIT: Action.EDIT_PEOPLE}


def people_seen_by(access: PartnershipAccess) -> QuerySet[Person]:
    """The partnership's people the member may see."""
    return visible_people(access.partnership, access.user, access.roles)


def agencies_to_staff(access: PartnershipAccess) -> QuerySet[Agency]:
    """Agencies the member may add people and posts to: all for a coordinator, else those
    they lead."""
    if Role.COORDINATOR in access.roles:
        return selectors.agency_choices(access.partnership)
    return selectors.agencies_led_by(access.partnership, access.user)


def may_staff(access: PartnershipAccess, agency: Agency) -> bool:
    """May the member put people or posts in ``agency`` (one of :func:`agencies_to_staff`)?"""
    return Role.COORDINATOR in access.roles or agency.lead_id == access.user.pk


def person_for(access: PartnershipAccess, person_id: int, *, to: PersonAct) -> Person:
    """The person with ``person_id`` the member may ``to``, with what their page shows;
    else 404."""
    access.require(PERSON_ACTIONS[to])
    try:
        person = selectors.person_detail(people_seen_by(access), person_id)
    except ObjectDoesNotExist:
        raise Http404(NOT_FOUND) from None
    if to is PersonAct.EDIT and not can_edit_person(
        access.partnership, access.user, access.roles, person
    ):
        raise Http404(NOT_YOURS_TO_CHANGE)
    return person


def people_import_for(
    access: PartnershipAccess, import_id: int, *, with_content: bool = False
) -> PeopleImport:
    """A staff-list import the member may see (an agency lead: their agencies'); else 404.

    ``with_content`` reads the uploaded file and the agency too, for the steps that use
    them.
    """
    access.require(Action.IMPORT_PEOPLE)
    try:
        return selectors.people_import_in(
            access.partnership, access.user, access.roles, import_id, with_content=with_content
        )
    except PeopleImport.DoesNotExist:
        raise Http404("No import with that id among yours.") from None
