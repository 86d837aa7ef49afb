"""The board's annual report: the page, its PDF and workbook, and the coordinator's narrative.

Who may read and write is ``annual_reports.access``: reading needs the Reports area
and compliance; writing the narrative is the coordinator's. Every form of the report reads
the one ``ReportFigures`` (decision 0033).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from interagency.annual_reports import pdf, services, workbook
from interagency.annual_reports.access import WRITE, may_write, require_reader
from interagency.annual_reports.charts import report_charts
from interagency.annual_reports.forms import NarrativeForm
from interagency.annual_reports.selectors.report import (
    ReportFigures,
    report_figures,
)
from interagency.annual_reports.selectors.report import narrative as narrative_of
from interagency.core.errors import ServiceError, show_on_form
from interagency.core.permissions import Action
from interagency.finance.forms import YearForm
from interagency.finance.rules import financial_year_of
from interagency.finance.selectors import budget_years
from interagency.tenancy.access import PartnershipRequest, partnership_view

reports_view = partnership_view(Action.VIEW_REPORTS)
manage_view = partnership_view(WRITE)


def _year_form(request: PartnershipRequest) -> YearForm:
    today = timezone.localdate()
    return YearForm(
        request.GET or None,
        years=budget_years(request.access.partnership, today),
        default=financial_year_of(today),
    )


def _figures(request: PartnershipRequest, year: int) -> ReportFigures:
    require_reader(request.access)
    return report_figures(request.access.partnership, year, today=timezone.localdate())


@require_GET
@reports_view
def report(request: PartnershipRequest) -> HttpResponse:
    """The year's report: outputs, reach, compliance, outcomes, money and ratios."""
    form = _year_form(request)
    figures = _figures(request, form.chosen())
    return render(
        request,
        "annual_reports/report.html",
        {
            "form": form,
            "figures": figures,
            "charts": report_charts(figures),
            "may_change": may_write(request.access),
        },
    )


@require_GET
@reports_view
def report_pdf(request: PartnershipRequest) -> HttpResponse:
    """The year's report as a tagged PDF (PDF/UA-1)."""
    figures = _figures(request, _year_form(request).chosen())
    response = HttpResponse(pdf.report_pdf(figures), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.file_name(figures)}"'
    return response


@require_GET
@reports_view
def report_xlsx(request: PartnershipRequest) -> HttpResponse:
    """The year's report as a workbook with native charts."""
    figures = _figures(request, _year_form(request).chosen())
    response = HttpResponse(workbook.report_workbook(figures), content_type=workbook.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{workbook.file_name(figures)}"'
    return response


@require_http_methods(["GET", "POST"])
@manage_view
def narrative(request: PartnershipRequest) -> HttpResponse:
    """The coordinator writes the year's priorities, lessons from reviews and plans."""
    year = _year_form(request).chosen()
    partnership = request.access.partnership
    initial = {part.key: part.text for part in narrative_of(partnership, year)}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_narrative(
                partnership=partnership,
                year=year,
                texts=form.cleaned_data,
                changed_by=request.access.user,
            )
        except ServiceError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "The report's narrative was saved.")
            address = reverse("annual_reports:report", kwargs={"code": partnership.code})
            return redirect(f"{address}?year={year}")
    return render(
        request,
        "annual_reports/narrative.html",
        {"form": form, "year": year, "year_label": f"April {year} to March {year + 1}"},
    )
