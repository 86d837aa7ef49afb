"""Partner agreements: the year's list with free places earned and used, adding,
changing and removing one (coordinators, audited, refused in a closed year)."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from interagency.core.choice_search import form_data, matches_response
from interagency.core.errors import ServiceError, show_on_form
from interagency.core.permissions import Action
from interagency.finance import selectors
from interagency.finance import selectors_agreements as reads
from interagency.finance.access import FinanceAct, agreement_for
from interagency.finance.agreements import Terms, add_agreement, change_agreement, remove_agreement
from interagency.finance.forms_agreements import AgreementForm
from interagency.finance.models import PartnerAgreement
from interagency.finance.views import _asked_year, _year_form, manage_view, reports_view
from interagency.people.selectors import agency_choices
from interagency.tenancy.access import PartnershipRequest


@require_GET
@reports_view
def agreements(request: PartnershipRequest) -> HttpResponse:
    """Each agency's contribution to the year and its free places earned against used."""
    form = _year_form(request)
    year = form.chosen()
    rows = reads.agreement_rows(request.access.partnership, year)
    return render(
        request,
        "finance/agreements.html",
        {
            "form": form,
            "year": year,
            "year_label": selectors.year_label(year),
            "rows": rows,
            "totals": reads.agreement_totals(rows),
            "may_change": request.access.allows(Action.MANAGE_FINANCE),
        },
    )


def _terms(request: PartnershipRequest, form: AgreementForm) -> Terms:
    data = form.cleaned_data
    return Terms(
        agency=data["agency"],
        amount=data["amount"] or Decimal("0.00"),
        trainer_days=data["trainer_days"] or Decimal("0.0"),
        venue_days=data["venue_days"] or Decimal("0.0"),
        earns=data["earns"],
        places_per_day=data["places_per_day"],
        pounds_per_place=data["pounds_per_place"],
        note=data["note"],
    )


def _form(request: PartnershipRequest, **kwargs: Any) -> AgreementForm:
    """The agreement form; only a search (nothing checked or saved) when Find sent it."""
    data, finding = form_data(request, AgreementForm)
    return AgreementForm(
        data, agencies=agency_choices(request.access.partnership), finding=finding, **kwargs
    )


def _list_url(request: PartnershipRequest, year: int) -> str:
    url = reverse("finance:agreements", kwargs={"code": request.access.partnership.code})
    return f"{url}?year={year}"


@require_http_methods(["GET", "POST"])
@manage_view
def agreement_new(request: PartnershipRequest) -> HttpResponse:
    year = _asked_year(request)
    form = _form(request)
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            add_agreement(
                partnership=request.access.partnership,
                year=year,
                terms=_terms(request, form),
                added_by=request.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Agreement added.")
            return redirect(_list_url(request, year))
    return render(
        request,
        "finance/agreement_form.html",
        {"form": form, "year_label": selectors.year_label(year), "agreement": None},
    )


def _initial(agreement: PartnerAgreement) -> dict[str, object]:
    names = ("amount", "trainer_days", "venue_days", "earns", "places_per_day")
    return {"agency": agreement.agency_id, "pounds_per_place": agreement.pounds_per_place} | {
        name: getattr(agreement, name) for name in (*names, "note")
    }


@require_http_methods(["GET", "POST"])
@manage_view
def agreement(request: PartnershipRequest, agreement_id: int) -> HttpResponse:
    found = agreement_for(request.access, agreement_id, to=FinanceAct.CHANGE)
    form = _form(request, initial=_initial(found))
    if matches := matches_response(request, form):
        return matches
    if request.method == "POST" and not form.finding and form.is_valid():
        try:
            change_agreement(agreement=found, terms=_terms(request, form), changed_by=request.user)
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Agreement with {found.agency.name} saved.")
            return redirect(_list_url(request, found.year))
    return render(
        request,
        "finance/agreement_form.html",
        {"form": form, "year_label": selectors.year_label(found.year), "agreement": found},
    )


@require_http_methods(["GET", "POST"])
@manage_view
def agreement_remove(request: PartnershipRequest, agreement_id: int) -> HttpResponse:
    found = agreement_for(request.access, agreement_id, to=FinanceAct.CHANGE)
    error = None
    if request.method == "POST":
        try:
            remove_agreement(agreement=found, removed_by=request.user)
        except ServiceError as refused:
            error = refused.message
        else:
            messages.success(request, f"Agreement with {found.agency.name} removed.")
            return redirect(_list_url(request, found.year))
    return render(
        request,
        "finance/agreement_remove.html",
        {"agreement": found, "error": error, "list_url": _list_url(request, found.year)},
    )
