"""The Reports area's landing page and the partnership's costs and funding.

Reading needs ``Action.VIEW_REPORTS``; the forms appear, and posting them
works, only with ``Action.MANAGE_FINANCE`` (through ``finance.access``).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interagency.core.choice_search import form_data, matches_response
from interagency.core.errors import ServiceError, show_on_form
from interagency.core.permissions import Action
from interagency.core.validation import YEAR
from interagency.finance import selectors, services
from interagency.finance.access import FinanceAct, budget_line_for, costed_session_for
from interagency.finance.cost_import import COLUMNS
from interagency.finance.forms import (
    BudgetLineForm,
    CostsFileForm,
    EntryForm,
    RatesForm,
    SessionCostForm,
    YearForm,
)
from interagency.finance.rules import is_closed
from interagency.finance.unit_costs import GroupBy, unit_costs
from interagency.finance.unit_costs_shared import unit_cost_trend
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import PartnershipRequest, partnership_view

reports_view = partnership_view(Action.VIEW_REPORTS)
manage_view = partnership_view(Action.MANAGE_FINANCE)


@require_GET
@reports_view
def reports(request: PartnershipRequest) -> HttpResponse:
    """The Reports area: what the board reads."""
    return render(request, "finance/reports.html")


def _year_form(request: PartnershipRequest) -> YearForm:
    today = timezone.localdate()
    return YearForm(
        request.GET or None,
        years=selectors.budget_years(request.access.partnership, today),
        default=services.financial_year_of(today),
    )


def _asked_year(request: PartnershipRequest) -> int:
    """The year in the address when it is one a budget may have, else this financial year."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and YEAR.minimum <= int(asked) <= YEAR.maximum:
        return int(asked)
    return services.financial_year_of(timezone.localdate())


@require_GET
@reports_view
def budget(request: PartnershipRequest) -> HttpResponse:
    """The year's budget against actual income and spending, by kind and by month."""
    form = _year_form(request)
    year = form.chosen()
    partnership = request.access.partnership
    return render(
        request,
        "finance/budget.html",
        {
            "form": form,
            "summary": selectors.budget_summary(partnership, year),
            "lines": selectors.budget_lines(partnership, year),
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
            "is_closed": is_closed(partnership, year),
        },
    )


@require_http_methods(["GET", "POST"])
@manage_view
def line_new(request: PartnershipRequest) -> HttpResponse:
    """Plan a line of income or spending for the chosen year."""
    partnership = request.access.partnership
    year = _asked_year(request)
    posted, finding = form_data(request, BudgetLineForm)
    form = BudgetLineForm(posted, agencies=agency_choices(partnership), finding=finding)
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_budget_line(
                partnership=partnership,
                year=year,
                category=data["category"],
                description=data["description"],
                planned=data["planned"],
                agency=data["agency"],
                added_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"“{data['description']}” added to the budget.")
            return redirect(f"{_budget_url(request)}?year={year}")
    return render(
        request, "finance/line_new.html", {"form": form, "year_label": selectors.year_label(year)}
    )


@require_http_methods(["GET", "POST"])
@reports_view
def line(request: PartnershipRequest, line_id: int) -> HttpResponse:
    """A line's entries; a coordinator records money in or out (or days given in kind)."""
    act = FinanceAct.CHANGE if request.method == "POST" else FinanceAct.VIEW
    found = budget_line_for(request.access, line_id, to=act)
    form = EntryForm(request.POST or None, in_kind=found.is_in_kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_entry(
                line=found,
                on=data["on"],
                amount=data.get("amount"),
                days=data.get("days"),
                description=data["description"],
                recorded_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Entry recorded.")
            return redirect(request.path)
    return render(
        request,
        "finance/line.html",
        {
            "line": found,
            "entries": selectors.line_entries(found),
            "form": form,
            "rates": services.rates_of(found.partnership),
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
        },
    )


@require_http_methods(["GET", "POST"])
@manage_view
def rates(request: PartnershipRequest) -> HttpResponse:
    """What a trainer's day and a venue's day given in kind are worth."""
    partnership = request.access.partnership
    current = services.rates_of(partnership)
    initial = {
        "trainer_day_rate": current.trainer_day_rate,
        "venue_day_rate": current.venue_day_rate,
    }
    form = RatesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_rates(partnership=partnership, changed_by=request.user, **form.cleaned_data)
        messages.success(request, "Rates for days given in kind saved.")
        return redirect(_budget_url(request))
    return render(request, "finance/rates.html", {"form": form})


@require_http_methods(["GET", "POST"])
@reports_view
def session_cost(request: PartnershipRequest, session_id: int) -> HttpResponse:
    """A session's planned and actual costs and days given in kind."""
    act = FinanceAct.CHANGE if request.method == "POST" else FinanceAct.VIEW
    session = costed_session_for(request.access, session_id, to=act)
    stored = selectors.session_cost_of(session)
    form = SessionCostForm(request.POST or None, initial=selectors.cost_initial(stored))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_session_cost(
                session=session,
                costs=form.costs(),
                changed_by=request.user,
                **form.days_in_kind(),
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Costs saved.")
            return redirect(request.path)
    return render(
        request,
        "finance/session_cost.html",
        {
            "session": session,
            "cost": stored,
            "form": form,
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
        },
    )


SESSIONS_PER_PAGE = 50


@require_GET
@reports_view
def costs(request: PartnershipRequest) -> HttpResponse:
    """The year's sessions, each with a link to its costs."""
    form = _year_form(request)
    year = form.chosen()
    found = selectors.sessions_costed(request.access.partnership, year)
    page = Paginator(found, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/costs.html",
        {
            "form": form,
            "year_label": selectors.year_label(year),
            "page": page,
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
        },
    )


@require_GET
@reports_view
def unit_costs_page(request: PartnershipRequest) -> HttpResponse:
    """What a session, participant, participant-day and attended place cost, by course, tier,
    provider or participants' agency, and the same for all sessions over five years."""
    form = _year_form(request)
    year = form.chosen()
    by = GroupBy(request.GET["by"]) if request.GET.get("by") in set(GroupBy) else GroupBy.COURSE
    return render(
        request,
        "finance/unit_costs.html",
        {
            "form": form,
            "year": year,
            "year_label": selectors.year_label(year),
            "by": by,
            "groupings": list(GroupBy),
            "rows": unit_costs(request.access.partnership, year, by),
            "trend": unit_cost_trend(request.access.partnership, year),
        },
    )


@require_http_methods(["GET", "POST"])
@manage_view
def costs_import(request: PartnershipRequest) -> HttpResponse:
    """Set many sessions' costs from one CSV or XLSX file: every row, or none."""
    form = CostsFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.import_session_costs(
                partnership=request.access.partnership,
                content=upload.read(services.MAX_COSTS_FILE_BYTES + 1),
                file_name=upload.name,
                imported_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Costs of {count} sessions saved.")
            return redirect("finance:costs", code=request.access.partnership.code)
    return render(request, "finance/costs_import.html", {"form": form, "columns": COLUMNS})


def _budget_url(request: PartnershipRequest) -> str:
    from django.urls import reverse

    return reverse("finance:budget", kwargs={"code": request.access.partnership.code})
