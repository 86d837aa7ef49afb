"""Agencies and their services: anyone who may see people reads them; coordinators add."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.api.references import references
from interagency.people.api_schemas import (
    AgencyDetailOut,
    AgencyIn,
    AgencyOut,
    ServiceIn,
    ServiceOut,
)
from interagency.people.services.agencies import add_service, create_agency
from interagency.tenancy.access import access_for

router = Router()


@router.get(
    "/{code}/agencies",
    response={200: list[AgencyOut], **error_responses(400, 401, 403, 404)},
    url_name="agency-list",
    summary="Agencies",
)
@paginate(PageNumberPagination)
def agency_list(request: HttpRequest, code: str) -> QuerySet:
    """The partnership's agencies by name, with how many current people each has."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership)


@router.post(
    "/{code}/agencies",
    response={201: AgencyDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="agency-list",
    summary="Add an agency",
)
def agency_create(request: HttpRequest, code: str, payload: AgencyIn) -> Any:
    """Coordinators add an agency; its contact details are audited."""
    access = access_for(request.user, code, Action.MANAGE_AGENCIES)
    fields = references(access, payload.model_dump())
    agency = create_agency(partnership=access.partnership, created_by=access.user, **fields)
    return Status(201, selectors.agencies_of(access.partnership).get(pk=agency.pk))


@router.get(
    "/{code}/agencies/{agency_id}",
    response={200: AgencyDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="agency-detail",
    summary="One agency with its services",
)
def agency_detail(request: HttpRequest, code: str, agency_id: int) -> Any:
    """An agency of the partnership; another partnership's answers 404."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership).prefetch_related("services").get(pk=agency_id)


@router.get(
    "/{code}/agencies/{agency_id}/services",
    response={200: list[ServiceOut], **error_responses(400, 401, 403, 404)},
    url_name="service-list",
    summary="An agency's services",
)
@paginate(PageNumberPagination)
def service_list(request: HttpRequest, code: str, agency_id: int) -> QuerySet:
    """The agency's teams and departments, by name."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    agency = selectors.agency_in(access.partnership, agency_id)
    return selectors.services_of(access.partnership).filter(agency=agency).order_by("name")


@router.post(
    "/{code}/agencies/{agency_id}/services",
    response={201: ServiceOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="service-list",
    summary="Add a service to an agency",
)
def service_create(request: HttpRequest, code: str, agency_id: int, payload: ServiceIn) -> Any:
    """Coordinators add a team or department; names are unique within the agency."""
    access = access_for(request.user, code, Action.MANAGE_AGENCIES)
    agency = selectors.agency_in(access.partnership, agency_id)
    return Status(201, add_service(agency=agency, name=payload.name))
