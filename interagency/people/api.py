"""Agencies, their services, people and headcounts, for a partnership's own systems.

The same rules as the pages: anyone who may see people reads the agencies and
services; only coordinators add agencies and services; people are listed
through ``visibility.visible_people`` (coordinators everyone, agency leads
their agencies, line managers their team, learners themselves), so a person
the caller may not see answers 404, exactly like one that does not exist.
Coordinators and the leads of a person's agency change people; every change
goes through ``services.py``, which validates and audits it.

Lists cost the same queries whatever their length.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthorizationError
from ninja.pagination import paginate

from interagency.api.access import FORBIDDEN, PartnershipAccess, partnership_for
from interagency.api.auth import caller
from interagency.api.pagination import PageNumberPagination
from interagency.catalogue.selectors import roles_of
from interagency.core.permissions import Action, Role
from interagency.people import selectors, services
from interagency.people.models import Agency, EmploymentType, Person, Sector
from interagency.people.visibility import can_add_people, can_edit_person, visible_people

router = Router(tags=["people"])


# Schemas: what a client reads and sends.


class ServiceOut(Schema):
    id: int
    agency_id: int
    name: str


class AgencyOut(Schema):
    id: int
    name: str
    sector: Sector
    is_statutory_partner: bool
    parent_id: int | None
    contact_name: str
    contact_email: str
    lead_id: int | None = Field(description="The account of the agency's lead, if any.")
    current_people: int = Field(description="Named people currently in the agency.")


class AgencyDetailOut(AgencyOut):
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())


class AgencyIn(Schema):
    name: str = Field(max_length=200)
    sector: Sector
    is_statutory_partner: bool = False
    parent: int | None = Field(None, description="Id of a parent agency of this partnership.")
    contact_name: str = Field("", max_length=150)
    contact_email: str = Field("", max_length=254)
    lead: int | None = Field(None, description="Id of a member holding the agency lead role.")


class ServiceIn(Schema):
    name: str = Field(max_length=200)


class RoleRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    full_name: str
    work_email: str
    job_title: str
    agency_id: int
    service_id: int | None
    role: RoleRef | None
    line_manager_id: int | None
    employment_type: EmploymentType
    started_on: datetime.date | None
    left_on: datetime.date | None
    external_id: str
    registration_number: str
    has_account: bool = Field(description="Whether the person signs in to Interagency.")

    @staticmethod
    def resolve_has_account(obj) -> bool:
        return obj.user_id is not None


class PersonIn(Schema):
    full_name: str = Field(max_length=150)
    agency: int = Field(description="Id of an agency of this partnership.")
    work_email: str = Field("", max_length=254)
    job_title: str = Field("", max_length=150)
    service: int | None = None
    role: int | None = Field(None, description="Id of a role of the partnership's catalogue.")
    line_manager: int | None = Field(None, description="Id of a person of this partnership.")
    employment_type: EmploymentType = EmploymentType.PERMANENT
    started_on: datetime.date | None = None
    external_id: str = Field("", max_length=64)
    registration_number: str = Field("", max_length=64)


class PersonPatch(Schema):
    """Only the fields sent change; the others keep their current value."""

    full_name: str | None = Field(None, max_length=150)
    agency: int | None = None
    work_email: str | None = Field(None, max_length=254)
    job_title: str | None = Field(None, max_length=150)
    service: int | None = None
    role: int | None = None
    line_manager: int | None = None
    employment_type: EmploymentType | None = None
    started_on: datetime.date | None = None
    external_id: str | None = Field(None, max_length=64)
    registration_number: str | None = Field(None, max_length=64)


class LeaveIn(Schema):
    left_on: datetime.date = Field(description="The day the person left (on or after starting).")


class PeopleFilters(Schema):
    agency: int | None = Field(None, description="Only people of this agency.")
    service: int | None = Field(None, description="Only people of this service.")
    role: int | None = Field(None, description="Only people with this role.")
    current: bool | None = Field(
        True, description="True: people still there (the default); false: leavers; null: both."
    )
    q: str = Field("", max_length=200, description="Words to find in names and work emails.")


class HeadcountOut(Schema):
    id: int
    agency_id: int
    service_id: int | None
    role_id: int | None
    tier_id: int | None
    count: int
    as_of: datetime.date
    source: str


# Helpers: the rows a request may name, else the same 404 as a missing one.


def _visible(request: HttpRequest, access: PartnershipAccess) -> QuerySet[Person]:
    return visible_people(access.partnership, caller(request), access.roles)


def _references(access: PartnershipAccess, fields: dict[str, Any]) -> dict[str, Any]:
    """Ids in ``fields`` turned into the partnership's rows; an unknown id is a field error."""
    partnership = access.partnership
    lookups = {
        "agency": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "service": lambda pk: selectors.services_of(partnership).filter(pk=pk).first(),
        "role": lambda pk: roles_of(partnership).filter(pk=pk).first(),
        "line_manager": lambda pk: (
            visible_people(partnership, None, [Role.COORDINATOR]).filter(pk=pk).first()
        ),
        "parent": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "lead": lambda pk: selectors.agency_lead_candidates(partnership).filter(pk=pk).first(),
    }
    resolved = dict(fields)
    unknown = {}
    for name, lookup in lookups.items():
        if name in fields and fields[name] is not None:
            row = lookup(fields[name])
            if row is None:
                unknown[name] = f"There is no {name.replace('_', ' ')} with that id here."
            resolved[name] = row
    if unknown:
        raise DjangoValidationError(unknown)
    return resolved


def _may_use_agency(request: HttpRequest, access: PartnershipAccess, agency: Agency) -> None:
    """Agency leads add and move people only within the agencies they lead."""
    if Role.COORDINATOR in access.roles:
        return
    if agency.lead_id != caller(request).pk:
        raise DjangoValidationError({"agency": "Choose an agency you lead."})


def _editable(request: HttpRequest, access: PartnershipAccess, person_id: int) -> Person:
    person = selectors.person_detail(_visible(request, access), person_id)
    if not can_edit_person(access.partnership, caller(request), access.roles, person):
        raise Http404("Not a person you may change.")
    return person


# Agencies and services.


@router.get(
    "/{code}/agencies", response=list[AgencyOut], url_name="agency-list", summary="Agencies"
)
@paginate(PageNumberPagination)
def agency_list(request: HttpRequest, code: str) -> QuerySet:
    """The partnership's agencies by name, with how many current people each has."""
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership)


@router.post(
    "/{code}/agencies",
    response={201: AgencyDetailOut},
    url_name="agency-list",
    summary="Add an agency",
)
def agency_create(request: HttpRequest, code: str, payload: AgencyIn) -> Any:
    """Coordinators add an agency; its contact details are audited."""
    access = partnership_for(request, code, Action.MANAGE_AGENCIES)
    fields = _references(access, payload.model_dump())
    agency = services.create_agency(
        partnership=access.partnership, created_by=caller(request), **fields
    )
    return Status(201, selectors.agencies_of(access.partnership).get(pk=agency.pk))


@router.get(
    "/{code}/agencies/{agency_id}",
    response=AgencyDetailOut,
    url_name="agency-detail",
    summary="One agency with its services",
)
def agency_detail(request: HttpRequest, code: str, agency_id: int) -> Any:
    """An agency of the partnership; another partnership's answers 404."""
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership).prefetch_related("services").get(pk=agency_id)


@router.get(
    "/{code}/agencies/{agency_id}/services",
    response=list[ServiceOut],
    url_name="service-list",
    summary="An agency's services",
)
@paginate(PageNumberPagination)
def service_list(request: HttpRequest, code: str, agency_id: int) -> QuerySet:
    """The agency's teams and departments, by name."""
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    agency = selectors.agency_in(access.partnership, agency_id)
    return selectors.services_of(access.partnership).filter(agency=agency).order_by("name")


@router.post(
    "/{code}/agencies/{agency_id}/services",
    response={201: ServiceOut},
    url_name="service-list",
    summary="Add a service to an agency",
)
def service_create(request: HttpRequest, code: str, agency_id: int, payload: ServiceIn) -> Any:
    """Coordinators add a team or department; names are unique within the agency."""
    access = partnership_for(request, code, Action.MANAGE_AGENCIES)
    agency = selectors.agency_in(access.partnership, agency_id)
    return Status(201, services.add_service(agency=agency, name=payload.name))


# People.


@router.get("/{code}/people", response=list[PersonOut], url_name="person-list", summary="People")
@paginate(PageNumberPagination)
def person_list(request: HttpRequest, code: str, filters: Query[PeopleFilters]) -> QuerySet:
    """The people the caller may see, by name; merged records are never listed.

    An agency, service or role id the caller cannot use gives an empty list.
    """
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    people = _visible(request, access)
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
    response={201: PersonOut},
    url_name="person-list",
    summary="Add a person",
)
def person_create(request: HttpRequest, code: str, payload: PersonIn) -> Any:
    """Coordinators add people to any agency; agency leads to the agencies they lead."""
    access = partnership_for(request, code, Action.EDIT_PEOPLE)
    user = caller(request)
    if not can_add_people(access.partnership, user, access.roles):
        raise AuthorizationError(message=FORBIDDEN)
    fields = _references(access, payload.model_dump())
    _may_use_agency(request, access, fields["agency"])
    person = services.create_person(partnership=access.partnership, changed_by=user, **fields)
    return Status(201, selectors.person_detail(_visible(request, access), person.pk))


@router.get(
    "/{code}/people/{person_id}",
    response=PersonOut,
    url_name="person-detail",
    summary="One person",
)
def person_detail(request: HttpRequest, code: str, person_id: int) -> Any:
    """A person the caller may see; anyone else answers 404."""
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    return selectors.person_detail(_visible(request, access), person_id)


@router.patch(
    "/{code}/people/{person_id}",
    response=PersonOut,
    url_name="person-detail",
    summary="Change a person",
)
def person_update(request: HttpRequest, code: str, person_id: int, payload: PersonPatch) -> Any:
    """Send only the fields to change; the change is audited. Leaving has its own endpoint."""
    access = partnership_for(request, code, Action.EDIT_PEOPLE)
    person = _editable(request, access, person_id)
    fields = _references(access, payload.model_dump(exclude_unset=True))
    if fields.get("agency") is not None:
        _may_use_agency(request, access, fields["agency"])
    services.update_person(person=person, changed_by=caller(request), **fields)
    return selectors.person_detail(_visible(request, access), person_id)


@router.post(
    "/{code}/people/{person_id}/leave",
    response=PersonOut,
    url_name="person-leave",
    summary="Mark a person as left",
)
def person_leave(request: HttpRequest, code: str, person_id: int, payload: LeaveIn) -> Any:
    """Record the day the person left their agency (audited)."""
    access = partnership_for(request, code, Action.EDIT_PEOPLE)
    person = _editable(request, access, person_id)
    services.mark_person_left(person=person, left_on=payload.left_on, changed_by=caller(request))
    return selectors.person_detail(_visible(request, access), person_id)


# Headcounts.


@router.get(
    "/{code}/headcounts",
    response=list[HeadcountOut],
    url_name="headcount-list",
    summary="Headcounts",
)
@paginate(PageNumberPagination)
def headcount_list(request: HttpRequest, code: str, agency: int | None = None) -> QuerySet:
    """The latest staff numbers for each agency, service and role or tier.

    Agencies that give numbers rather than names; ``agency`` narrows to one.
    """
    access = partnership_for(request, code, Action.VIEW_PEOPLE)
    headcounts = selectors.latest_headcounts(access.partnership)
    if agency is not None:
        headcounts = headcounts.filter(agency_id=agency)
    return headcounts
