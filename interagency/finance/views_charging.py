"""Delegate charging terms: rates by sector (a year's or the current rates) and the
agencies never charged. Reading needs ``VIEW_REPORTS``; changing ``MANAGE_FINANCE``."""

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from interagency.core.errors import ServiceError, show_on_form
from interagency.core.permissions import Action
from interagency.finance import charging, selectors
from interagency.finance import selectors_agreements as reads
from interagency.finance.access import delegate_rate_for, exemption_for
from interagency.finance.forms_agreements import DelegateRateForm, ExemptionForm
from interagency.finance.views import reports_view
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import PartnershipRequest

EXEMPTION = "exemption"
# The exemption form's agency search box and Find button (core/choice_search.py's names).
SEARCH_AGENCY = f"{EXEMPTION}-agency_search"
FIND_AGENCY = "find_agency"


def _forms(request: PartnershipRequest) -> tuple[DelegateRateForm, ExemptionForm]:
    partnership = request.access.partnership
    years = selectors.budget_years(partnership, timezone.localdate())
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    rate_form = DelegateRateForm(
        posted if which == "rate" else None,
        years=[(year, selectors.year_label(year)) for year in years],
        prefix="rate",
    )
    exemption_data, finding = _exemption_data(request, which)
    exemption_form = ExemptionForm(
        exemption_data,
        agencies=agency_choices(partnership),
        prefix=EXEMPTION,
        finding=finding,
    )
    return rate_form, exemption_form


def _exemption_data(
    request: PartnershipRequest, which: str | None
) -> tuple[QueryDict | None, bool]:
    """The exemption form's data, and whether it is only a search of its agency.

    Its fields carry the ``exemption-`` prefix (the page has two forms), so the
    search htmx sends as the member types is told by its prefixed name here.
    """
    if request.method == "POST":
        return (request.POST, FIND_AGENCY in request.POST) if which == EXEMPTION else (None, False)
    if getattr(request, "htmx", False) and SEARCH_AGENCY in request.GET:
        return request.GET, True
    return None, False


def _here(request: PartnershipRequest) -> str:
    return reverse("finance:delegate-charges", kwargs={"code": request.access.partnership.code})


@require_http_methods(["GET", "POST"])
@reports_view
def delegate_charges(request: PartnershipRequest) -> HttpResponse:
    """The rates and exemptions; a coordinator sets a rate or exempts an agency here."""
    partnership = request.access.partnership
    rate_form, exemption_form = _forms(request)
    if exemption_form.finding and request.method == "GET":
        return render(
            request,
            "includes/choice_search.html#matches",
            {"choice": exemption_form.choice_options("agency")},
        )
    if request.method == "POST":
        request.access.require(Action.MANAGE_FINANCE)
        if not exemption_form.finding and _saved(request, rate_form, exemption_form):
            return redirect(_here(request))
    return render(
        request,
        "finance/delegate_charges.html",
        {
            "rates": reads.delegate_rates_of(partnership),
            "exemptions": reads.exemptions_of(partnership),
            "rate_form": rate_form,
            "exemption_form": exemption_form,
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
        },
    )


def _saved(
    request: PartnershipRequest, rate_form: DelegateRateForm, exemption_form: ExemptionForm
) -> bool:
    partnership = request.access.partnership
    try:
        if rate_form.is_bound and rate_form.is_valid():
            charging.set_delegate_rate(
                partnership=partnership, changed_by=request.user, **rate_form.cleaned_data
            )
            messages.success(request, "Delegate rate saved.")
            return True
        if exemption_form.is_bound and exemption_form.is_valid():
            data = exemption_form.cleaned_data
            charging.exempt_agency(
                partnership=partnership,
                agency=data["agency"],
                basis=data["basis"],
                note=data["note"],
                exempted_by=request.user,
            )
            messages.success(request, "Agency exempted from delegate charges.")
            return True
    except ServiceError as error:
        show_on_form(rate_form if rate_form.is_bound else exemption_form, error)
    return False


@require_POST
@reports_view
def rate_remove(request: PartnershipRequest, rate_id: int) -> HttpResponse:
    rate = delegate_rate_for(request.access, rate_id)
    charging.remove_delegate_rate(rate=rate, removed_by=request.user)
    messages.success(request, "Delegate rate removed.")
    return redirect(_here(request))


@require_POST
@reports_view
def exemption_remove(request: PartnershipRequest, exemption_id: int) -> HttpResponse:
    exemption = exemption_for(request.access, exemption_id)
    charging.remove_exemption(exemption=exemption, removed_by=request.user)
    messages.success(request, f"{exemption.agency.name} is no longer exempt.")
    return redirect(_here(request))
