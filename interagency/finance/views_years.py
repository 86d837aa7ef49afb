"""Closing and reopening a financial year, and changing or removing a budget line
(coordinators, audited; a closed year refuses changes until reopened with a reason)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from interagency.core.choice_search import NONE, form_data, matches_response
from interagency.core.errors import ServiceError, show_on_form
from interagency.finance import selectors, services
from interagency.finance.access import FinanceAct, budget_line_for
from interagency.finance.forms import BudgetLineForm
from interagency.finance.forms_agreements import ReopenYearForm
from interagency.finance.rules import close_year, reopen_year
from interagency.finance.views import _asked_year, manage_view
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import PartnershipRequest


def _budget_url(request: PartnershipRequest, year: int) -> str:
    url = reverse("finance:budget", kwargs={"code": request.access.partnership.code})
    return f"{url}?year={year}"


@require_POST
@manage_view
def year_close(request: PartnershipRequest) -> HttpResponse:
    """Close the year in the form: its figures stay as reported."""
    year = _asked_year(request)
    posted = request.POST.get("year", "")
    year = int(posted) if posted.isdigit() else year
    try:
        close_year(partnership=request.access.partnership, year=year, closed_by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{selectors.year_label(year)} is closed.")
    return redirect(_budget_url(request, year))


@require_http_methods(["GET", "POST"])
@manage_view
def year_reopen(request: PartnershipRequest, year: int) -> HttpResponse:
    """Reopen a closed year for changes, saying why (audited)."""
    form = ReopenYearForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_year(
                partnership=request.access.partnership,
                year=year,
                reason=form.cleaned_data["reason"],
                reopened_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{selectors.year_label(year)} is open for changes.")
            return redirect(_budget_url(request, year))
    return render(
        request,
        "finance/year_reopen.html",
        {"form": form, "year_label": selectors.year_label(year), "year": year},
    )


@require_http_methods(["GET", "POST"])
@manage_view
def line_change(request: PartnershipRequest, line_id: int) -> HttpResponse:
    found = budget_line_for(request.access, line_id, to=FinanceAct.CHANGE)
    initial: dict[str, object] = {"category": found.category, "description": found.description}
    initial |= {"agency": found.agency_id or NONE, "planned": found.planned}
    posted, finding = form_data(request, BudgetLineForm)
    form = BudgetLineForm(
        posted,
        initial=initial,
        agencies=agency_choices(request.access.partnership),
        finding=finding,
    )
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_budget_line(
                line=found,
                category=data["category"],
                description=data["description"],
                planned=data["planned"],
                agency=data["agency"],
                changed_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"“{data['description']}” saved.")
            return redirect(_budget_url(request, found.year))
    return render(
        request,
        "finance/line_change.html",
        {"form": form, "line": found, "year_label": selectors.year_label(found.year)},
    )


@require_http_methods(["GET", "POST"])
@manage_view
def line_remove(request: PartnershipRequest, line_id: int) -> HttpResponse:
    found = budget_line_for(request.access, line_id, to=FinanceAct.CHANGE)
    error = None
    if request.method == "POST":
        try:
            services.remove_budget_line(line=found, removed_by=request.user)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, f"“{found.description}” removed from the budget.")
            return redirect(_budget_url(request, found.year))
    return render(
        request,
        "finance/line_remove.html",
        {
            "line": found,
            "entries": selectors.line_entries(found).count(),
            "error": error,
            "budget_url": _budget_url(request, found.year),
        },
    )
