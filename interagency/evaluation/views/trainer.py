"""The trainer's page of a session: response rates, reactions, comments, and their summary.

Trainers read the pages of the sessions they deliver and write each one's
post-course summary; coordinators read every session's
(``evaluation.access.trainer_session_for``).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interagency.core.permissions import Action
from interagency.evaluation import overview
from interagency.evaluation.access import may_write_summary, trainer_session_for
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.forms_manage import TrainerSummaryForm, show_error
from interagency.evaluation.selectors import plan_for_session
from interagency.evaluation.services.summaries import write_trainer_summary
from interagency.tenancy.access import PartnershipRequest, partnership_view


@partnership_view(Action.VIEW_EVALUATION)
def session_page(request: PartnershipRequest, session_id: int) -> HttpResponse:
    access = request.access
    session = trainer_session_for(access, session_id)
    summary = overview.trainer_summary(session)
    writes = may_write_summary(access, session)
    initial = {"went_well": summary.went_well, "to_change": summary.to_change} if summary else {}
    form = TrainerSummaryForm(request.POST or None, initial=initial) if writes else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            write_trainer_summary(
                session=session,
                went_well=form.cleaned_data["went_well"],
                to_change=form.cleaned_data["to_change"],
                written_by=access.user,
            )
        except EvaluationError as error:
            show_error(form, error)
        else:
            messages.success(request, "Summary saved. The training coordinator can read it.")
            return redirect(
                "evaluation:session", code=access.partnership.code, session_id=session.pk
            )
    elif request.method == "POST" and form is None:
        messages.error(request, "Only a trainer of this session writes its summary.")
    plan = plan_for_session(session)
    return render(
        request,
        "evaluation/manage/session.html",
        {
            "session": session,
            "plan": plan,
            "rates": overview.session_rates(plan, session) if plan else [],
            "reactions": overview.reactions(plan, session) if plan else [],
            "comments": overview.comments(plan, session) if plan else [],
            "summary": summary,
            "form": form,
        },
    )
