"""A line manager's team and an agency lead's agencies: who is overdue or due, and booking them.

Needs ``Action.BOOK_FOR_OTHERS``. The people are those ``people.visibility``
reveals to the member (a line manager: their team; an agency lead: their
agencies' staff), the member themselves left out; their statuses are the
records app's, worst first, a page at a time. Each row offers the coming dates
of the courses to book; ticking several people and choosing a session books
them all through the team booking service (``services.bookings.book_people``),
each checked and reported on its own.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interagency.core.permissions import Action, Role
from interagency.delivery.forms_team import TeamBookingForm
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.delivery.selectors.bookings import bookable_people_for
from interagency.delivery.selectors.my_training import team_rows
from interagency.delivery.services.bookings import BookingResult, book_people
from interagency.people.visibility import visible_people
from interagency.records.selectors import STATUS_ORDER, Status, training_status
from interagency.records.selectors.breakdown import breakdown_of, breakdown_part
from interagency.tenancy.access import PartnershipRequest, partnership_view

PEOPLE_PER_PAGE = 25


def _page_context(request: PartnershipRequest, form: TeamBookingForm) -> dict[str, Any]:
    access = request.access
    partnership = access.partnership
    today = timezone.localdate()
    people = visible_people(partnership, request.user, access.roles).exclude(user=request.user)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    found = training_status(partnership, people, today=today, status=status)
    # The breakdown by service, role and tier in the same query: everyone ranked once.
    breakdown = breakdown_of(
        found.read_page(request.GET.get("page"), PEOPLE_PER_PAGE, breakdown_part())
    )
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows, sessions = team_rows(partnership, list(page.object_list), now=timezone.now())
    is_lead = Role.AGENCY_LEAD in access.roles and Role.LINE_MANAGER not in access.roles
    return {
        "form": form,
        "page": page,
        "rows": rows,
        "sessions": sessions,
        "status": status,
        "statuses": [(value.value, value.label) for value in STATUS_ORDER],
        "people_counts": found.summary.people,
        "agencies": list(found.summary.agencies.values()) if is_lead else [],
        "breakdown": breakdown,
        "selected": {str(value) for value in form["people"].value() or []},
        "heading": "Your agency's staff" if is_lead else "Your team",
    }


@require_GET
@partnership_view(Action.BOOK_FOR_OTHERS)
def my_team(request: PartnershipRequest) -> HttpResponse:
    """The team's training, worst first, with dates to book and bulk booking."""
    bookable = bookable_people_for(request.user, request.access.partnership, request.access.roles)
    form = TeamBookingForm(bookable=bookable)
    return render(request, "delivery/mine/my_team.html", _page_context(request, form))


def _report(request: PartnershipRequest, results: list[BookingResult]) -> None:
    booked = [result.person.full_name for result in results if result.ok]
    if booked:
        messages.success(request, f"Booked: {', '.join(booked)}.")
    for result in results:
        if not result.ok:
            messages.error(request, f"{result.person.full_name} was not booked: {result.error}")


@require_POST
@partnership_view(Action.BOOK_FOR_OTHERS)
def book_team(request: PartnershipRequest) -> HttpResponse:
    """Book the ticked people on the chosen session; each gets an outcome or its reason."""
    access = request.access
    bookable = bookable_people_for(request.user, access.partnership, access.roles)
    form = TeamBookingForm(request.POST, bookable=bookable)
    if not form.is_valid():
        context = _page_context(request, form)
        return render(request, "delivery/mine/my_team.html", context)
    session = session_for(access, form.cleaned_data["session"], to=SessionAct.VIEW)
    results = book_people(
        session=session, people=list(form.cleaned_data["people"]), booked_by=request.user
    )
    _report(request, results)
    return redirect("sessions:my-team", code=access.partnership.code)
