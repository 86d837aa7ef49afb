"""The coordinator's side of evaluation: the area's home, instruments and plans.

The home page and reading instruments need ``Action.VIEW_EVALUATION`` (a
trainer's home lists the plans of the sessions they deliver); creating
instruments and plans needs ``Action.MANAGE_EVALUATION``. Objects are found
through ``evaluation.access``, the same functions the API calls, so another
partnership's instrument or plan is a 404. A refusal by a service
(``EvaluationError``) is shown in the GOV.UK error summary and saves nothing.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interagency.catalogue import selectors as catalogue
from interagency.core.permissions import Action
from interagency.delivery.selectors import sessions as session_reads
from interagency.evaluation import overview
from interagency.evaluation.access import (
    InstrumentAct,
    PlanAct,
    instrument_for,
    plan_for,
    plans_seen_by,
    version_for,
)
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.forms_manage import (
    PlanChangeForm,
    PlanForm,
    TemplateInstrumentForm,
    show_error,
)
from interagency.evaluation.instrument_templates import shipped_templates
from interagency.evaluation.services.instruments import create_instrument_from_templates
from interagency.evaluation.services.plan_edits import change_plan
from interagency.evaluation.services.plans import attach_plan
from interagency.tenancy.access import PartnershipRequest, partnership_view

# The sessions a new plan may name: the most recent and coming ones.
SESSIONS_OFFERED = 200

view_evaluation = partnership_view(Action.VIEW_EVALUATION)
manage_evaluation = partnership_view(Action.MANAGE_EVALUATION)


@view_evaluation
def home(request: PartnershipRequest) -> HttpResponse:
    """The Evaluation area: every plan the member may see with its response rates."""
    access = request.access
    rows = overview.plan_rows(plans_seen_by(access))
    return render(
        request,
        "evaluation/manage/home.html",
        {"rows": rows, "manages": access.allows(Action.MANAGE_EVALUATION)},
    )


@view_evaluation
def instruments(request: PartnershipRequest) -> HttpResponse:
    found = overview.instruments_of(request.access.partnership)
    return render(
        request,
        "evaluation/manage/instruments.html",
        {"instruments": found, "manages": request.access.allows(Action.MANAGE_EVALUATION)},
    )


@manage_evaluation
def instrument_new(request: PartnershipRequest) -> HttpResponse:
    """A new instrument asking the shipped templates' questions."""
    access = request.access
    form = TemplateInstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = create_instrument_from_templates(
                partnership=access.partnership,
                name=form.cleaned_data["name"],
                template_keys=form.cleaned_data["templates"],
                created_by=access.user,
            )
        except EvaluationError as error:
            show_error(form, error)
        else:
            messages.success(request, f"{instrument.name} created.")
            return redirect(
                "evaluation:instrument", code=access.partnership.code, instrument_id=instrument.pk
            )
    return render(
        request,
        "evaluation/manage/instrument_new.html",
        {"form": form, "templates": shipped_templates().values()},
    )


@view_evaluation
def instrument(request: PartnershipRequest, instrument_id: int, number: int = 0) -> HttpResponse:
    """One version of an instrument (the latest unless named): its scales and items."""
    access = request.access
    found = instrument_for(access, instrument_id, to=InstrumentAct.VIEW)
    versions = sorted(found.versions.all(), key=lambda v: v.number)
    version = version_for(access, found, number) if number else versions[-1]
    scales, loose = overview.version_content(version)
    return render(
        request,
        "evaluation/manage/instrument.html",
        {
            "instrument": found,
            "version": version,
            "versions": versions,
            "scales": scales,
            "loose": loose,
        },
    )


@manage_evaluation
def plan_new(request: PartnershipRequest) -> HttpResponse:
    """Attach a plan to a course or a session: its waves, mode, consent and privacy text."""
    access = request.access
    partnership = access.partnership
    sessions = session_reads.sessions_of(partnership).select_related("course")
    form = PlanForm(
        request.POST or None,
        courses=list(catalogue.catalogue_courses(partnership)),
        sessions=list(sessions.order_by("-starts_at", "-id")[:SESSIONS_OFFERED]),
        versions=list(overview.versions_of(partnership)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = attach_plan(
                partnership=partnership,
                response_mode=form.cleaned_data["response_mode"],
                consent_text=form.cleaned_data["consent_text"],
                privacy_text=form.cleaned_data["privacy_text"],
                waves=form.waves(),
                created_by=access.user,
                **form.target(),
            )
        except EvaluationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Evaluation plan attached.")
            return redirect("evaluation:plan", code=partnership.code, plan_id=plan.pk)
    return render(request, "evaluation/manage/plan_form.html", {"form": form, "plan": None})


@manage_evaluation
def plan_edit(request: PartnershipRequest, plan_id: int) -> HttpResponse:
    """Change a plan's texts, its mode while nobody has answered, and its waves' versions."""
    access = request.access
    plan = plan_for(access, plan_id, to=PlanAct.MANAGE)
    form = PlanChangeForm(
        request.POST or None, plan=plan, versions=list(overview.versions_of(access.partnership))
    )
    if request.method == "POST" and form.is_valid():
        try:
            change_plan(
                plan=plan,
                response_mode=form.cleaned_data["response_mode"],
                consent_text=form.cleaned_data["consent_text"],
                privacy_text=form.cleaned_data["privacy_text"],
                wave_versions=form.wave_versions(),
                changed_by=access.user,
            )
        except EvaluationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Evaluation plan saved.")
            return redirect("evaluation:plan", code=access.partnership.code, plan_id=plan.pk)
    return render(
        request,
        "evaluation/manage/plan_form.html",
        {"form": form, "plan": plan, "title": overview.plan_title(plan)},
    )
