"""Headcounts: the staff numbers of agencies that give numbers rather than names."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.api_schemas import HeadcountOut
from interagency.tenancy.access import access_for

router = Router()


@router.get(
    "/{code}/headcounts",
    response={200: list[HeadcountOut], **error_responses(400, 401, 403, 404)},
    url_name="headcount-list",
    summary="Headcounts",
)
@paginate(PageNumberPagination)
def headcount_list(request: HttpRequest, code: str, agency: int | None = None) -> QuerySet:
    """The latest staff numbers for each agency, service and role or tier.

    Agencies that give numbers rather than names; ``agency`` narrows to one.
    """
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    headcounts = selectors.latest_headcounts(access.partnership)
    if agency is not None:
        headcounts = headcounts.filter(agency_id=agency)
    return headcounts
