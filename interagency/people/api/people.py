"""People: listed and read as ``visibility`` allows, added, changed and marked as left.

A person the caller may not see answers 404, exactly like one that does not
exist; coordinators and the leads of a person's agency change them.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import AuthorizationError
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import PersonAct, people_seen_by, person_for
from interagency.people.api.references import check_agency, references
from interagency.people.api_schemas import (
    LeaveIn,
    PeopleFilters,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from interagency.people.services.people import create_person, mark_person_left, update_person
from interagency.people.visibility import can_add_people
from interagency.tenancy.access import FORBIDDEN, access_for

router = Router()


@router.get(
    "/{code}/people",
    response={200: list[PersonOut], **error_responses(400, 401, 403, 404)},
    url_name="person-list",
    summary="People",
)
@paginate(PageNumberPagination)
def person_list(request: HttpRequest, code: str, filters: Query[PeopleFilters]) -> QuerySet:
    """The people the caller may see, by name; merged records are never listed.

    An agency, service or role id the caller cannot use gives an empty list.
    """
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    people = people_seen_by(access)
    if filters.agency is not None:
        people = people.filter(agency_id=filters.agency)
    if filters.service is not None:
        people = people.filter(service_id=filters.service)
    if filters.role is not None:
        people = people.filter(role_id=filters.role)
    status = {True: "current", False: "left", None: "all"}[filters.current]
    return selectors.search_people(people, status=status, search=filters.q)


@router.post(
    "/{code}/people",
    response={201: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-list",
    summary="Add a person",
)
def person_create(request: HttpRequest, code: str, payload: PersonIn) -> Any:
    """Coordinators add people to any agency; agency leads to the agencies they lead."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    user = access.user
    if not can_add_people(access.partnership, user, access.roles):
        raise AuthorizationError(message=FORBIDDEN)
    fields = references(access, payload.model_dump())
    check_agency(access, fields["agency"])
    person = create_person(partnership=access.partnership, changed_by=user, **fields)
    return Status(201, selectors.person_detail(people_seen_by(access), person.pk))


@router.get(
    "/{code}/people/{person_id}",
    response={200: PersonDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="person-detail",
    summary="One person",
)
def person_detail(request: HttpRequest, code: str, person_id: int) -> Any:
    """A person the caller may see, with their further posts; anyone else answers 404."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.VIEW)
    person.further_posts = list(selectors.posts_of(access.partnership, person))  # type: ignore[attr-defined]
    return person


CLEARABLE_TEXT = ("work_email", "job_title", "external_id", "registration_number")


@router.patch(
    "/{code}/people/{person_id}",
    response={200: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-detail",
    summary="Change a person",
)
def person_update(request: HttpRequest, code: str, person_id: int, payload: PersonPatch) -> Any:
    """Send only the fields to change; the change is audited. Leaving has its own endpoint."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    fields = references(access, payload.model_dump(exclude_unset=True))
    if fields.get("agency") is not None:
        check_agency(access, fields["agency"])
    for name in CLEARABLE_TEXT:
        # null clears the text, as an emptied box on the page does.
        if name in fields and fields[name] is None:
            fields[name] = ""
    update_person(person=person, changed_by=access.user, **fields)
    return selectors.person_detail(people_seen_by(access), person_id)


@router.post(
    "/{code}/people/{person_id}/leave",
    response={200: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-leave",
    summary="Mark a person as left",
)
def person_leave(request: HttpRequest, code: str, person_id: int, payload: LeaveIn) -> Any:
    """Record the day the person left their agency (audited)."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    mark_person_left(person=person, left_on=payload.left_on, changed_by=access.user)
    return selectors.person_detail(people_seen_by(access), person_id)
