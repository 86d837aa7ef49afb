"""The coordinator's charges (no-shows and delegates' places): the list with totals per
agency, the CSV for invoices (per agency or per line manager), waiving one.

Everything here needs ``Action.MANAGE_CHARGES``. Charges are read through
``delivery.selectors.charges`` scoped to the partnership of the address, so
another partnership's charge is a 404; waiving goes through
``delivery.services.charges``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from interagency.core.choice_search import matches_response
from interagency.core.errors import ServiceError, found_or_404, show_on_form
from interagency.core.permissions import Action
from interagency.core.spreadsheets import csv_download
from interagency.delivery.forms_charges import ChargeFilterForm, WaiveChargeForm
from interagency.delivery.selectors import charges as selectors
from interagency.delivery.services.charges import waive_charge
from interagency.tenancy.access import PartnershipRequest, partnership_view

CHARGES_PER_PAGE = 50
LIST_PARAMETERS = ("kind", "agency", "agency_search", "session_from", "session_to", "page")
charges_view = partnership_view(Action.MANAGE_CHARGES)


def _filtered(request: PartnershipRequest) -> tuple[ChargeFilterForm, dict]:
    """The filter form and the filters it gives (the current financial year by default)."""
    partnership = request.access.partnership
    form = ChargeFilterForm(
        request.GET or None,
        agencies=selectors.charged_agencies(partnership),
        default_range=selectors.financial_year(timezone.localdate()),
    )
    return form, form.filters()


@require_GET
@charges_view
def charges(request: PartnershipRequest) -> HttpResponse:
    """Charges by agency within the chosen session dates, with totals charged, waived, due."""
    partnership = request.access.partnership
    form, filters = _filtered(request)
    if matches := matches_response(request, form):
        return matches
    found = selectors.charges_of(partnership, **filters)
    totals = selectors.charge_totals(found)
    paginator = Paginator(found, CHARGES_PER_PAGE)
    # The totals counted the same charges: no second count over the bookings.
    paginator.count = totals.overall.count
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The waive links bring the coordinator back to this page as it is.
    here = request.GET.urlencode()
    return render(
        request,
        "delivery/charges/charges.html",
        {
            "filter_form": form,
            "filters": filters,
            "is_default_range": (filters["session_from"], filters["session_to"])
            == form.default_range,
            "totals": totals,
            "page": page,
            "query": query.urlencode(),
            "here": here,
        },
    )


@require_GET
@charges_view
def charges_csv(request: PartnershipRequest) -> HttpResponse:
    """The filtered charges as CSV for the agencies' invoices; formula-like cells neutralised.

    ``?per=line_manager`` orders them by the person's line manager first, with a column
    naming them, for an agency that invoices each team."""
    partnership = request.access.partnership
    _, filters = _filtered(request)
    start, end = filters["session_from"], filters["session_to"]
    span = f"{start:%Y-%m-%d}" if start else "start"
    span += f"-to-{end:%Y-%m-%d}" if end else "-onwards"
    per_manager = request.GET.get("per") == "line_manager"
    first = ["Line manager"] if per_manager else []
    return csv_download(
        f"charges-{span}.csv",
        [
            *first,
            "Agency",
            "Person",
            "Course",
            "Session date",
            "Kind",
            "Amount",
            "Waived",
            "Reason",
        ],
        (
            [
                *([_line_manager(charge)] if per_manager else []),
                charge.agency.name,
                charge.booking.person.full_name,
                charge.booking.session.course.title,
                _session_day(charge.booking.session),
                charge.get_kind_display(),
                str(charge.amount),
                "Yes" if charge.waived else "No",
                charge.waived_reason,
            ]
            for charge in selectors.charges_of(partnership, **filters, per_line_manager=per_manager)
        ),
    )


def _line_manager(charge) -> str:
    manager = charge.booking.person.line_manager
    return manager.full_name if manager else "No line manager recorded"


def _session_day(session) -> str:
    if session.starts_at is None:
        return ""
    return timezone.localtime(session.starts_at).date().isoformat()


@charges_view
def charge_waive(request: PartnershipRequest, charge_id: int) -> HttpResponse:
    """Waive one charge with a reason; a charge already waived says when and why."""
    partnership = request.access.partnership
    charge = found_or_404(lambda: selectors.charge_in(partnership, charge_id))
    form = WaiveChargeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            waive_charge(charge=charge, waived_by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request,
                f"The £{charge.amount} charge to {charge.agency.name} for "
                f"{charge.booking.person.full_name} is waived.",
            )
            return redirect(_list_url(request))
    return render(
        request,
        "delivery/charges/waive.html",
        {"charge": charge, "form": form, "list_url": _list_url(request)},
    )


def _list_url(request: PartnershipRequest) -> str:
    """The charges list as the coordinator left it: the waive link carries its filters."""
    url = reverse("sessions:charges", kwargs={"code": request.access.partnership.code})
    kept = QueryDict(mutable=True)
    for key in LIST_PARAMETERS:
        if request.GET.get(key):
            kept[key] = request.GET[key]
    return f"{url}?{kept.urlencode()}" if kept else url
