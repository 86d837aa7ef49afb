"""The training status page: who is overdue, due soon or done for each course their role needs.

Coordinators see the partnership, agency leads their agencies and line managers
their team (``people.visibility``), so the page needs ``Action.VIEW_PEOPLE``.
The statuses come from ``records.selectors.training_status``: counted and
ordered by the database, detailed a page at a time. The page and its CSV read
the same filtered list; the CSV is streamed, however many people it holds.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interagency.core.choice_search import matches_response
from interagency.core.permissions import Action, Role
from interagency.core.spreadsheets import csv_stream
from interagency.people import selectors as people_selectors
from interagency.people.visibility import visible_people
from interagency.records import selectors
from interagency.records.forms import StatusFilterForm
from interagency.records.selectors import Status, StatusList
from interagency.tenancy.access import PartnershipRequest, partnership_view

PEOPLE_PER_PAGE = 25
# The by-agency table's agencies a page (``agencies`` in the address), as the compliance
# page's heat map: a county's 1,250 agencies made a page of about 1 MB.
AGENCIES_PER_PAGE = 50


def _filtered(request: PartnershipRequest) -> tuple[StatusFilterForm, StatusList]:
    partnership = request.access.partnership
    roles = request.access.roles
    people = visible_people(partnership, request.user, roles)
    is_coordinator = Role.COORDINATOR in roles
    services = people_selectors.services_of(partnership)
    if not is_coordinator:
        services = services.filter(pk__in=people.values("service_id"))
    form = StatusFilterForm(
        request.GET,
        agencies=people_selectors.agency_choices(partnership) if is_coordinator else None,
        services=services,
    )
    status = ""
    if form.is_valid():
        data = form.cleaned_data
        if data.get("agency") is not None:
            people = people.filter(agency=data["agency"])
        if data["service"] is not None:
            people = people.filter(service=data["service"])
        for word in data["q"].split():
            people = people.filter(full_name__icontains=word)
        status = data["status"]
    # Today in London: a server clock in UTC is still on yesterday until 1am in summer.
    found = selectors.training_status(
        partnership, people, today=timezone.localdate(), status=status
    )
    return form, found


@require_GET
@partnership_view(Action.VIEW_PEOPLE)
def training_status(request: PartnershipRequest) -> HttpResponse:
    """Summary counts (in total and by agency), then each person's required courses,
    worst first, a page at a time."""
    form, found = _filtered(request)
    if matches := matches_response(request, form):
        return matches
    found.read_page(request.GET.get("page"), PEOPLE_PER_PAGE)
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("agencies", None)
    agency_page = Paginator(list(found.summary.agencies.values()), AGENCIES_PER_PAGE).get_page(
        request.GET.get("agencies")
    )
    agencies_query = request.GET.copy()
    agencies_query.pop("agencies", None)
    return render(
        request,
        "records/training_status.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.status_counts(found),
            "agency_page": agency_page,
            "agencies_query": agencies_query.urlencode(),
            "query": query.urlencode(),
        },
    )


@require_GET
@partnership_view(Action.VIEW_PEOPLE)
def training_status_csv(request: PartnershipRequest) -> StreamingHttpResponse:
    """The same filtered list, one row per person and course; formula-like cells neutralised."""
    partnership = request.access.partnership
    _form, found = _filtered(request)
    return csv_stream(
        f"training-status-{partnership.code}.csv",
        [
            "Person",
            "Agency",
            "Service",
            "Role",
            "Course",
            "Status",
            "Completed",
            "Due",
            "Booked for",
        ],
        (
            [
                person.full_name,
                person.agency,
                person.service,
                person.role,
                row.title,
                Status(row.status).label,
                row.completed_on.isoformat() if row.completed_on else "",
                row.due_on.isoformat() if row.due_on else "",
                row.booked_on.isoformat() if row.booked_on else "",
            ]
            for person in found
            for row in person.courses
        ),
    )
