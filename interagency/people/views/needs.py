"""The training needs map: places each course needs a year against those planned.

Coordinators and board members see the whole partnership; an agency lead sees
only the agencies they lead. Coordinators also enter the places planned per
course and year here. The table, chart and workbook read the same analysis
(``interagency.people.needs``), a fixed handful of queries whatever the size.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.choice_search import (
    ChoiceSearchMixin,
    SearchedChoiceField,
    matches_response,
)
from interagency.core.permissions import Action, Role
from interagency.core.validation import CleanTextForm
from interagency.people import needs
from interagency.people.forms.fields import agency_search_field, service_search_field
from interagency.people.models import Sector
from interagency.people.services.headcounts import set_planned_places
from interagency.tenancy.access import PartnershipRequest, partnership_view

MIN_YEAR = 2000
MAX_YEAR = 2100


class NeedsFilterForm(ChoiceSearchMixin, forms.Form):
    """The needs map's filters, from the address; agencies and services are found by a search
    step (a county has thousands)."""

    must_choose = False

    sector = forms.ChoiceField(label="Sector", required=False)
    agency = agency_search_field(none_label="All agencies")
    service = service_search_field(label="Service", none_label="All services")
    tier = forms.TypedChoiceField(label="Tier", required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label="Year", required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args: Any, choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", "All")]
        for name, options in (("sector", list(Sector.choices)), ("tier", choices["tiers"])):
            cast(forms.ChoiceField, self.fields[name]).choices = everything + options
        cast(SearchedChoiceField, self.fields["agency"]).rows = choices["agencies"]
        cast(SearchedChoiceField, self.fields["service"]).rows = choices["services"]


class PlannedPlacesForm(CleanTextForm):
    course = forms.TypedChoiceField(
        label="Course", coerce=int, error_messages={"required": "Select a course"}
    )
    year = forms.IntegerField(
        label="Year",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"required": "Enter the year"},
    )
    places = forms.IntegerField(
        label="Places planned",
        min_value=0,
        max_value=100000,
        error_messages={"required": "Enter the number of places planned"},
    )

    def __init__(self, *args: Any, courses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["course"]).choices = [("", "Choose a course"), *courses]


def _scope(request: PartnershipRequest) -> frozenset[int] | None:
    """None for the whole partnership; an agency lead's own agencies otherwise."""
    roles = request.access.roles
    if Role.COORDINATOR in roles or Role.BOARD_MEMBER in roles:
        return None
    return needs.led_agency_ids(request.access.partnership, request.user)


def _analysis(request: PartnershipRequest) -> tuple[NeedsFilterForm, needs.NeedsFilter, list]:
    partnership = request.access.partnership
    agency_ids = _scope(request)
    form = NeedsFilterForm(
        request.GET or None, choices=needs.filter_choices(partnership, agency_ids)
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = needs.NeedsFilter(
        year=data.get("year") or needs.this_year(),
        sector=data.get("sector") or "",
        agency_id=data["agency"].pk if data.get("agency") else None,
        service_id=data["service"].pk if data.get("service") else None,
        tier_id=data.get("tier"),
        agency_ids=agency_ids,
    )
    return form, filters, needs.analyse(partnership, filters)


def _course_choices(request: PartnershipRequest) -> list[tuple[int, str]]:
    courses = catalogue_courses(request.access.partnership)
    return [(course.pk, f"{course.shown_title} ({course.tier})") for course in courses]


@partnership_view(Action.VIEW_REPORTS)
def needs_map(request: PartnershipRequest) -> HttpResponse:
    """The needs table and chart; a coordinator's POST records planned places."""
    partnership = request.access.partnership
    is_coordinator = Role.COORDINATOR in request.access.roles
    planned_form = None
    if is_coordinator:
        planned_form = PlannedPlacesForm(
            request.POST if request.method == "POST" else None,
            courses=_course_choices(request),
            initial={"year": needs.this_year()},
            prefix="planned",
        )
    if request.method == "POST":
        if planned_form is None:
            raise PermissionDenied("Only coordinators plan places.")
        if planned_form.is_valid():
            data = planned_form.cleaned_data
            set_planned_places(
                partnership=partnership,
                course_id=data["course"],
                year=data["year"],
                places=data["places"],
            )
            messages.success(request, "Planned places saved.")
            url = reverse("people:needs", args=[partnership.code])
            return redirect(f"{url}?year={data['year']}")
    form, filters, rows = _analysis(request)
    if matches := matches_response(request, form):
        return matches
    query = request.GET.urlencode()
    return render(
        request,
        "people/needs/index.html",
        {
            "form": form,
            "filters": filters,
            "rows": rows,
            "totals": needs.totals(rows),
            "chart": needs.chart(rows),
            "planned_form": planned_form,
            "xlsx_url": reverse("people:needs-xlsx", args=[partnership.code])
            + (f"?{query}" if query else ""),
        },
    )


@partnership_view(Action.VIEW_REPORTS)
def needs_xlsx(request: PartnershipRequest) -> HttpResponse:
    """The same table as an XLSX workbook with a native bar chart."""
    partnership = request.access.partnership
    _form, filters, rows = _analysis(request)
    content = needs.workbook(rows, heading=f"Training needs for {partnership.name}, {filters.year}")
    response = HttpResponse(content, content_type=needs.XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="training-needs-{partnership.code}-{filters.year}.xlsx"'
    )
    return response
