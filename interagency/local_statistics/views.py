"""The partnership's training beside its children: official statistics per local authority."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from interagency.core.permissions import Action
from interagency.local_statistics import selectors
from interagency.local_statistics.forms import YearForm
from interagency.tenancy.access import PartnershipRequest, partnership_view


@require_GET
@partnership_view(Action.VIEW_REPORTS)
def figures(request: PartnershipRequest) -> HttpResponse:
    """Sessions and places per 1,000 children in need and per 10,000 children, for a year."""
    form = YearForm(request.GET or None, years=selectors.statistics_years())
    year = form.chosen()
    found = selectors.local_figures(request.access.partnership, year) if year else None
    return render(request, "local_statistics/figures.html", {"form": form, "figures": found})
