"""Paper returns, for coordinators: a fast entry screen, one form after another, and an
import of a whole file of forms (all saved, or none)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interagency.core.permissions import Action
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.letters import letters_pdf
from interagency.evaluation.models import ResponseSource
from interagency.evaluation.questionnaire_forms import QuestionnaireForm
from interagency.evaluation.questionnaires import (
    letter_sessions,
    paper_waves,
    version_items,
    wave_for,
)
from interagency.evaluation.services.paper import import_paper_returns
from interagency.evaluation.services.responses import submit_response
from interagency.tenancy.access import PartnershipRequest, partnership_view

# Entering others' answers is the coordinator's work, as managing sessions is.
ENTER_PAPER = Action.MANAGE_SESSIONS


@partnership_view(ENTER_PAPER)
def paper_index(request: PartnershipRequest) -> HttpResponse:
    waves = paper_waves(request.access.partnership)
    return render(request, "evaluation/answering/paper_index.html", {"waves": waves})


@partnership_view(ENTER_PAPER)
def paper_entry(request: PartnershipRequest, wave_id: int) -> HttpResponse:
    wave = wave_for(request.access, wave_id)
    items, _scales = version_items(wave.instrument_version)
    form = QuestionnaireForm(
        request.POST or None,
        items=items,
        ask_code=wave.plan.links_waves,
        compact=True,
        consent_message="Confirm that the form's consent box is ticked",
    )
    if request.method == "POST" and form.is_valid() and form.check(consent_needed=True):
        code = form.cleaned_data.get("code") or None
        try:
            submit_response(
                wave=wave,
                answers=form.answers(),
                idempotency_key=form.cleaned_data["idempotency_key"],
                consented=True,
                code=code,
                source=ResponseSource.PAPER,
                entered_by=request.user,
            )
        except EvaluationError as error:
            form.show(error)
        else:
            messages.success(request, f"Form saved{f' for {code.upper()}' if code else ''}.")
            return redirect(
                "evaluation:paper-entry", code=request.partnership.code, wave_id=wave.pk
            )
    questions = form.questions()
    context = {
        "wave": wave,
        "form": form,
        "questions": questions,
        "error_links": form.error_links(questions) if form.errors else [],
    }
    return render(request, "evaluation/answering/paper_entry.html", context)


class PaperFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a file", error_messages={"required": "Select a CSV or Excel file"}
    )
    consented = forms.BooleanField(
        error_messages={"required": "Confirm that every form in the file had consent ticked"}
    )


@partnership_view(ENTER_PAPER)
def paper_import(request: PartnershipRequest, wave_id: int) -> HttpResponse:
    wave = wave_for(request.access, wave_id)
    items, _scales = version_items(wave.instrument_version)
    form = PaperFileForm(request.POST or None, request.FILES or None)
    problems: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = import_paper_returns(
                wave=wave, content=upload.read(), file_name=upload.name, entered_by=request.user
            )
        except EvaluationError as error:
            problems = error.errors or {"File": error.message}
            form.add_error("file", error.message)
        else:
            messages.success(request, f"{saved} paper form{'s' if saved != 1 else ''} imported.")
            return redirect("evaluation:paper", code=request.partnership.code)
    context = {"wave": wave, "form": form, "items": items, "problems": problems}
    return render(request, "evaluation/answering/paper_import.html", context)


@partnership_view(ENTER_PAPER)
def paper_letters(request: PartnershipRequest, wave_id: int) -> HttpResponse:
    """Choose a session; the letters for its people come back as one PDF (codes are issued,
    so it is a POST)."""
    wave = wave_for(request.access, wave_id)
    sessions = letter_sessions(request.access.partnership, wave)
    chosen = None
    if request.method == "POST":
        chosen = next((s for s in sessions if str(s.pk) == request.POST.get("session")), None)
        if chosen is not None:
            response = HttpResponse(letters_pdf(wave, chosen), content_type="application/pdf")
            name = f"questionnaire-letters-{wave.key}-{chosen.pk}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    context = {"wave": wave, "sessions": sessions, "error": request.method == "POST"}
    return render(request, "evaluation/answering/paper_letters.html", context)
