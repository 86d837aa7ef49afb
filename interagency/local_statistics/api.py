"""A partnership's training beside its children, from official statistics."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from interagency.core.api_errors import error_responses
from interagency.core.errors import ServiceError
from interagency.core.permissions import Action
from interagency.local_statistics import selectors
from interagency.local_statistics.bridging import Found
from interagency.tenancy.access import access_for

router = Router(tags=["reports"])


class FigureOut(Schema):
    value: int | None
    note: str


class AuthorityOut(Schema):
    code: str
    name: str


class LocalStatisticsOut(Schema):
    year: int
    label: str
    authorities: list[AuthorityOut]
    sessions: int
    places: int
    children_in_need: FigureOut
    children_aged_0_to_17: FigureOut
    sessions_per_1000_in_need: Decimal | None
    places_per_1000_in_need: Decimal | None
    sessions_per_10000_children: Decimal | None
    places_per_10000_children: Decimal | None


def _figure(found: Found) -> FigureOut:
    return FigureOut(value=found.value, note=found.note)


@router.get(
    "/{code}/local-statistics",
    response={200: LocalStatisticsOut, **error_responses(400, 401, 403, 404)},
    url_name="local-statistics",
    summary="Training beside children in need",
)
def local_statistics(request: HttpRequest, code: str, year: int | None = None) -> dict:
    """Sessions and places in a financial year (``year``: its first year, 1 April; the latest
    with figures by default) per 1,000 children in need at its end and per 10,000 children
    aged 0 to 17. A figure not published or suppressed is ``null`` with a note, never 0."""
    access = access_for(request.user, code, Action.VIEW_REPORTS)
    years = selectors.statistics_years()
    chosen = years[0] if year is None and years else year
    if chosen is None or chosen not in years:
        raise ServiceError(
            "There are no children in need figures for that financial year.",
            code="no_statistics",
            field="year",
        )
    found = selectors.local_figures(access.partnership, chosen)
    return {
        "year": found.year,
        "label": found.label,
        "authorities": [{"code": c, "name": n} for c, n in found.authorities],
        "sessions": found.sessions,
        "places": found.places,
        "children_in_need": _figure(found.children_in_need),
        "children_aged_0_to_17": _figure(found.children),
        "sessions_per_1000_in_need": found.sessions_per_1000_in_need,
        "places_per_1000_in_need": found.places_per_1000_in_need,
        "sessions_per_10000_children": found.sessions_per_10000_children,
        "places_per_10000_children": found.places_per_10000_children,
    }
