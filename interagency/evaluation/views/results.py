"""A plan's results page and its downloads, for those who may see the plan.

Coordinators and board members see every plan's results; trainers those of
the plans of sessions they deliver (``evaluation.access.plan_for``). The
downloads carry identities only as the plan's response mode allows
(``exports.table``), and hold the responses the page's filters keep: its download
links carry the filter chosen.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from interagency.core.permissions import Action
from interagency.evaluation import overview
from interagency.evaluation.access import PlanAct, plan_for, plans_seen_by
from interagency.evaluation.across import across_courses, course_of
from interagency.evaluation.analysis.statistics import MINIMUM_N
from interagency.evaluation.exports.long_csv import long_csv_download
from interagency.evaluation.exports.spss import evaluation_sav
from interagency.evaluation.exports.workbook import evaluation_workbook
from interagency.evaluation.filters import (
    AcrossFilterForm,
    ResultsFilterForm,
    described,
    plan_filter_options,
    plans_filter_options,
)
from interagency.evaluation.models import EvaluationPlan
from interagency.evaluation.results_page import results_page
from interagency.evaluation.selectors import region_plans, with_course_and_waves
from interagency.tenancy.access import PartnershipRequest, partnership_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAV = "application/x-spss-sav"
DOWNLOADS = ("xlsx", "csv", "sav")


@partnership_view(Action.VIEW_EVALUATION)
def plan_results(request: PartnershipRequest, plan_id: int) -> HttpResponse:
    """Every figure of the plan's evaluation, its charts with tables, and the conventions."""
    access = request.access
    plan = plan_for(access, plan_id, to=PlanAct.VIEW)
    form = plan_filter_form(request, plan)
    only = form.chosen()
    return render(
        request,
        "evaluation/manage/results.html",
        {
            "plan": plan,
            "title": overview.plan_title(plan),
            "waves": sorted(plan.waves.all(), key=lambda wave: wave.sort_key),
            "page": results_page(plan, only),
            "download_query": only.query(),
            "filter_form": form,
            "minimum": MINIMUM_N,
            "manages": access.allows(Action.MANAGE_EVALUATION),
            "downloads": DOWNLOADS,
        },
    )


def plan_filter_form(request: PartnershipRequest, plan: EvaluationPlan) -> ResultsFilterForm:
    """The results page's filters of ``plan``, read from the address; the downloads' too."""
    form = ResultsFilterForm(request.GET or None, options=plan_filter_options(plan))
    if plan.session_id is not None:
        del form.fields["session"]  # one session already
    return form


@partnership_view(Action.VIEW_EVALUATION)
def plan_download(request: PartnershipRequest, plan_id: int, kind: str) -> HttpResponse:
    """The plan's answers as an XLSX workbook with charts, a long CSV or an SPSS file; filtered
    as the results page filters (a filter in error is left out, as the page leaves it out)."""
    if kind not in DOWNLOADS:
        raise Http404("No such download.")
    plan = plan_for(request.access, plan_id, to=PlanAct.VIEW)
    form = plan_filter_form(request, plan)
    only = form.chosen()
    name = f"evaluation-{plan.pk}-{slugify(overview.plan_title(plan))[:60]}"
    if only.active:
        name += "-filtered"
    if kind == "csv":
        return long_csv_download(plan, only=only, file_name=f"{name}.csv")
    if kind == "xlsx":
        filtered = described(only, form.options)
        response = HttpResponse(evaluation_workbook(plan, only, filtered), content_type=XLSX)
    else:
        response = HttpResponse(evaluation_sav(plan, only), content_type=SAV)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@partnership_view(Action.VIEW_EVALUATION)
def results_across(request: PartnershipRequest) -> HttpResponse:
    """Effect sizes by course type across the plans the member sees; the region's beside them."""
    access = request.access
    plans = list(with_course_and_waves(plans_seen_by(access)))
    courses = sorted({(course_of(p).pk, str(course_of(p))) for p in plans}, key=lambda c: c[1])
    form = AcrossFilterForm(
        request.GET or None,
        courses=courses,
        options=plans_filter_options(access.partnership, plans),
    )
    only = form.chosen()
    return render(
        request,
        "evaluation/manage/results_across.html",
        {
            "filter_form": form,
            "only": only,
            "across": across_courses(plans, list(region_plans(access.partnership)), only),
            "minimum": MINIMUM_N,
        },
    )
