"""Agencies, their services and people: the pages a coordinator and agency leads keep.

Every page needs ``Action.VIEW_PEOPLE`` (or the stronger action it names) in
the partnership of the address. Agencies are found through selectors scoped
to that partnership and people through :func:`visibility.visible_people`, so a
row of another partnership, or a person the member may not see, is a 404 like
one that does not exist. Changing a person also needs
:func:`visibility.can_edit_person` (coordinators; leads of the person's agency).
"""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from interagency.catalogue.selectors import roles_of
from interagency.core.choice_search import form_data, matches_response
from interagency.core.errors import found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import (
    PersonAct,
    agencies_to_staff,
    people_seen_by,
    person_for,
)
from interagency.people.forms import (
    AgencyForm,
    AgencySearchForm,
    LeavingForm,
    PeopleFilterForm,
    PersonForm,
    ServiceForm,
)
from interagency.people.models import Agency, Person, Sector
from interagency.people.services.agencies import add_service, create_agency, update_agency
from interagency.people.services.people import create_person, mark_person_left, update_person
from interagency.people.visibility import can_edit_person
from interagency.tenancy.access import PartnershipRequest, partnership_view

PEOPLE_PER_PAGE = 50
AGENCIES_PER_PAGE = 50


@partnership_view(Action.VIEW_PEOPLE)
def index(request: PartnershipRequest) -> HttpResponse:
    """Counts of the people the member may see, by sector and agency, and the ways in."""
    rows = selectors.people_counts_by_agency(people_seen_by(request.access))
    sector_names = dict(Sector.choices)
    by_sector: dict[str, dict[str, Any]] = defaultdict(lambda: {"current": 0, "left": 0})
    for row in rows:
        totals = by_sector[row["agency__sector"]]
        totals["name"] = sector_names.get(row["agency__sector"], row["agency__sector"])
        totals["current"] += row["current"]
        totals["left"] += row["left"]
    return render(
        request,
        "people/agencies/index.html",
        {
            "agency_rows": Paginator(rows, AGENCIES_PER_PAGE).get_page(request.GET.get("page")),
            "sector_rows": sorted(by_sector.values(), key=lambda totals: totals["name"]),
            "total_current": sum(row["current"] for row in rows),
        },
    )


@partnership_view(Action.VIEW_PEOPLE)
def agency_list(request: PartnershipRequest) -> HttpResponse:
    """The partnership's agencies with their sector, lead and current people, 50 a page,
    narrowed by a search of their names (``q``)."""
    form = AgencySearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    agencies = selectors.agencies_named(selectors.agencies_of(request.access.partnership), search)
    page = Paginator(agencies, AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/agencies/agency_list.html",
        {"form": form, "search": search, "page": page},
    )


@require_http_methods(["GET", "POST"])
@partnership_view(Action.MANAGE_AGENCIES)
def agency_new(request: PartnershipRequest) -> HttpResponse:
    """Add an agency (coordinators)."""
    partnership = request.access.partnership
    data, finding = form_data(request, AgencyForm)
    form = AgencyForm(
        data,
        agencies=selectors.agency_choices(partnership),
        leads=selectors.agency_lead_candidates(partnership),
        finding=finding,
    )
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            agency = create_agency(
                partnership=partnership, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{agency.name} added.")
            return redirect("people:agency", code=partnership.code, agency_id=agency.pk)
    return _agency_form_page(request, form, None)


def _agency_form_page(
    request: PartnershipRequest, form: AgencyForm, agency: Agency | None
) -> HttpResponse:
    """The agency form page, or only the matches htmx asks for as the member types."""
    if matches := matches_response(request, form):
        return matches
    return render(request, "people/agencies/agency_form.html", {"form": form, "agency": agency})


@partnership_view(Action.VIEW_PEOPLE)
def agency_detail(request: PartnershipRequest, agency_id: int) -> HttpResponse:
    """One agency: contact, lead, services with their current people, counts."""
    partnership = request.access.partnership
    agency = found_or_404(lambda: selectors.agency_in(partnership, agency_id))
    people = people_seen_by(request.access).filter(agency=agency)
    by_service = selectors.people_counts_by_service(people)
    services_with_counts = [
        (service, by_service.get(service.pk, 0)) for service in agency.services.all()
    ]
    return render(
        request,
        "people/agencies/agency_detail.html",
        {
            "agency": agency,
            "services": services_with_counts,
            "without_service": by_service.get(None, 0),
            "current_people": sum(by_service.values()),
            "may_manage": Action.MANAGE_AGENCIES in request.access.actions,
        },
    )


@require_http_methods(["GET", "POST"])
@partnership_view(Action.MANAGE_AGENCIES)
def agency_edit(request: PartnershipRequest, agency_id: int) -> HttpResponse:
    """Change an agency's details, contact and lead (coordinators; audited)."""
    partnership = request.access.partnership
    agency = found_or_404(lambda: selectors.agency_in(partnership, agency_id))
    initial = {
        "name": agency.name,
        "code": agency.code,
        "sector": agency.sector,
        "is_statutory_partner": agency.is_statutory_partner,
        "parent": agency.parent_id,
        "contact_name": agency.contact_name,
        "contact_email": agency.contact_email,
        "lead": agency.lead_id,
    }
    data, finding = form_data(request, AgencyForm)
    form = AgencyForm(
        data,
        initial=initial,
        agencies=selectors.agency_choices(partnership).exclude(pk=agency.pk),
        leads=selectors.agency_lead_candidates(partnership),
        finding=finding,
    )
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            update_agency(agency=agency, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{agency.name} saved.")
            return redirect("people:agency", code=partnership.code, agency_id=agency.pk)
    return _agency_form_page(request, form, agency)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.MANAGE_AGENCIES)
def service_new(request: PartnershipRequest, agency_id: int) -> HttpResponse:
    """Add a service (team or department) to an agency (coordinators)."""
    partnership = request.access.partnership
    agency = found_or_404(lambda: selectors.agency_in(partnership, agency_id))
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = add_service(agency=agency, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{service.name} added to {agency.name}.")
            return redirect("people:agency", code=partnership.code, agency_id=agency.pk)
    return render(request, "people/agencies/service_form.html", {"form": form, "agency": agency})


# People ------------------------------------------------------------------------------


@partnership_view(Action.VIEW_PEOPLE)
def people_list(request: PartnershipRequest) -> HttpResponse:
    """The people the member may see, filtered and searched from the address."""
    partnership = request.access.partnership
    form = PeopleFilterForm(
        request.GET,
        agencies=selectors.agency_choices(partnership),
        services=selectors.services_of(partnership),
        roles=roles_of(partnership),
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "agency": data["agency"],
            "service": data["service"],
            "role": data["role"],
            "employment_type": data["employment_type"],
            "status": data["status"] or "current",
            "search": data["q"],
        }
    if matches := matches_response(request, form):
        return matches
    people = selectors.search_people(people_seen_by(request.access), **filters)
    paginator = Paginator(people, PEOPLE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "people/agencies/people_list.html",
        {
            "form": form,
            "page": page,
            "may_add": Action.EDIT_PEOPLE in request.access.actions,
        },
    )


@partnership_view(Action.VIEW_PEOPLE)
def person_detail(request: PartnershipRequest, person_id: int) -> HttpResponse:
    """One person's record and posts (main first), with change links for those who may."""
    partnership = request.access.partnership
    person = person_for(request.access, person_id, to=PersonAct.VIEW)
    may_edit = can_edit_person(
        partnership,
        request.user,
        request.access.roles,
        person,
    )
    context = {
        "person": person,
        "may_edit": may_edit,
        "posts": list(selectors.posts_of(partnership, person)),
    }
    return render(request, "people/agencies/person_detail.html", context)


def _person_form(
    request: PartnershipRequest, *, person: Person | None, **kwargs: Any
) -> PersonForm:
    """The person form with choices limited to what the member may pick.

    A line manager is searched among the people the member may see (all of the
    partnership for a coordinator, their agencies' people for a lead). The form
    is only a search, and nothing is validated or saved, when the member
    selected a Find button or htmx asks for matches as they type.
    """
    partnership = request.access.partnership
    agencies = agencies_to_staff(request.access)
    data, finding = form_data(request, PersonForm)
    return PersonForm(
        data,
        agencies=agencies,
        services=selectors.services_of(partnership).filter(agency__in=agencies),
        roles=roles_of(partnership),
        managers=people_seen_by(request.access),
        person=person,
        finding=finding,
        **kwargs,
    )


def _person_form_page(
    request: PartnershipRequest, form: PersonForm, person: Person | None
) -> HttpResponse:
    """The person form page, or only the matches htmx asks for as the member types."""
    if matches := matches_response(request, form):
        return matches
    may_staff = agencies_to_staff(request.access).exists()
    context = {"form": form, "person": person, "may_staff": may_staff}
    return render(request, "people/agencies/person_form.html", context)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def person_new(request: PartnershipRequest) -> HttpResponse:
    """Add a person (coordinators to any agency; agency leads to the agencies they lead)."""
    partnership = request.access.partnership
    initial = {}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = _person_form(request, person=None, initial=initial)
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            person = create_person(
                partnership=partnership, changed_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name} added.")
            return redirect("people:person", code=partnership.code, person_id=person.pk)
    return _person_form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def person_edit(request: PartnershipRequest, person_id: int) -> HttpResponse:
    """Change a person's record (audited)."""
    partnership = request.access.partnership
    person = person_for(request.access, person_id, to=PersonAct.EDIT)
    form = _person_form(request, person=person, initial=PersonForm.initial_for(person))
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            update_person(person=person, changed_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name} saved.")
            return redirect("people:person", code=partnership.code, person_id=person.pk)
    return _person_form_page(request, form, person)


@require_http_methods(["GET", "POST"])
@partnership_view(Action.EDIT_PEOPLE)
def person_leave(request: PartnershipRequest, person_id: int) -> HttpResponse:
    """Record the day a person left (on or after their start date; audited)."""
    partnership = request.access.partnership
    person = person_for(request.access, person_id, to=PersonAct.EDIT)
    form = LeavingForm(request.POST or None, initial={"left_on": person.left_on})
    if request.method == "POST" and form.is_valid():
        try:
            mark_person_left(
                person=person, left_on=form.cleaned_data["left_on"], changed_by=request.user
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{person.full_name} marked as left.")
            return redirect("people:person", code=partnership.code, person_id=person.pk)
    return render(request, "people/agencies/person_leave.html", {"form": form, "person": person})
