"""The region's benchmarks for its coordinators, and a partnership's choice to share."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interagency.core.permissions import Action
from interagency.regional import exports, selectors, services
from interagency.regional.access import RegionRequest, region_view
from interagency.regional.benchmarks import regional_benchmarks
from interagency.regional.forms import SharingForm, YearForm
from interagency.tenancy.access import PartnershipRequest, partnership_view


@require_GET
@region_view
def benchmarks(request: RegionRequest) -> HttpResponse:
    """Each sharing partnership's figures for a financial year, beside the pooled region."""
    today = timezone.localdate()
    form = YearForm(request.GET or None, today=today)
    found = regional_benchmarks(request.region, form.chosen(), today)
    return render(request, "regional/benchmarks.html", {"form": form, "found": found})


@require_GET
@region_view
def benchmarks_download(request: RegionRequest, kind: str) -> HttpResponse:
    """The same table as a CSV or XLSX file."""
    if kind not in ("csv", "xlsx"):
        raise Http404("No such download.")
    today = timezone.localdate()
    year = YearForm(request.GET or None, today=today).chosen()
    found = regional_benchmarks(request.region, year, today)
    name = f"benchmarks-{request.region.code}-{year}-{year + 1}.{kind}"
    if kind == "csv":
        return exports.csv_response(found, name)
    return exports.xlsx_response(found, name)


@partnership_view(Action.MANAGE_MEMBERS)
def sharing(request: PartnershipRequest) -> HttpResponse:
    """The coordinator chooses whether the partnership's aggregates go to its region."""
    partnership = request.access.partnership
    current = selectors.shares_with_region(partnership)
    form = SharingForm(
        request.POST if request.method == "POST" else None,
        initial={"shares_with_region": "yes" if current else "no"},
    )
    if request.method == "POST" and form.is_valid():
        services.set_sharing(
            partnership=partnership,
            shares=form.cleaned_data["shares_with_region"],
            changed_by=request.user,
        )
        messages.success(request, "Sharing with the region updated.")
        return redirect("regional:sharing", code=partnership.code)
    return render(
        request,
        "regional/sharing.html",
        {"form": form, "shares": current, "region": partnership.region},
    )
