"""The learner's questionnaire: reached by the signed link in their invitation.

The link is the credential (``links.py``); the page is public, within the
partnership in the address. A named evaluation also asks the learner to sign
in as the person the code's booking is for. Sending twice with the same
hidden key (a double click) saves one response; "Save and finish later"
keeps a draft on the server for the same link.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.links import read_token
from interagency.evaluation.models import Respondent, ResponseSource
from interagency.evaluation.questionnaire_forms import QuestionnaireForm
from interagency.evaluation.questionnaires import Questionnaire, questionnaire_for
from interagency.evaluation.services.drafts import discard_draft, save_draft
from interagency.evaluation.services.responses import submit_response
from interagency.tenancy.access import PublicPartnershipRequest, public_partnership_view

NOT_FOUND = "This questionnaire link is not valid. Check it against your email or letter."


def _questionnaire(request: PublicPartnershipRequest, token: str) -> Questionnaire:
    link = read_token(token)
    found = questionnaire_for(request.partnership, link) if link else None
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def _not_the_named_person(request: PublicPartnershipRequest, found: Questionnaire) -> bool:
    """A named evaluation's answers carry a name: only that person may give them."""
    booking = found.response_code.booking if found.response_code else None
    if booking is None:
        return True
    person = booking.person
    if found.link.respondent != Respondent.LEARNER:
        manager = person.line_manager
        return manager is None or manager.user_id != request.user.pk
    return person.user_id is None or person.user_id != request.user.pk


@public_partnership_view
def answer(request: PublicPartnershipRequest, token: str) -> HttpResponse:
    found = _questionnaire(request, token)
    if found.named:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if _not_the_named_person(request, found):
            raise Http404(NOT_FOUND)
    if found.answered and request.method != "POST":  # a repeat of the sending key: thanks
        return render(request, "evaluation/answering/answered.html", {"q": found})
    if request.method != "POST":
        initial: dict[str, object] = {}
        if found.draft is not None:
            initial = {f"item-{key}": value for key, value in found.draft.answers.items()}
            initial["consented"] = found.draft.consented
        form = QuestionnaireForm(initial=initial, items=found.items, ask_code=found.asks_code)
        return _page(request, found, form)
    form = QuestionnaireForm(request.POST, items=found.items, ask_code=found.asks_code)
    if not form.is_valid():
        return _page(request, found, form)
    if request.POST.get("action") == "save":
        if found.answered:  # sent already (another tab): nothing left to keep
            return render(request, "evaluation/answering/answered.html", {"q": found})
        return _save(request, found, form, token)
    if not form.check(consent_needed=True):
        return _page(request, found, form)
    code = found.response_code.code if found.response_code else form.cleaned_data.get("code")
    try:
        submit_response(
            wave=found.wave,
            answers=form.answers(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            consented=True,
            respondent=found.link.respondent,
            code=code,
            session=found.session,
            source=ResponseSource.ONLINE,
        )
    except EvaluationError as error:
        form.show(error)
        return _page(request, found, form)
    discard_draft(wave=found.wave, holder=found.link.holder)
    return redirect("evaluation:answer-thanks", code=request.partnership.code, token=token)


def _save(
    request: PublicPartnershipRequest, found: Questionnaire, form: QuestionnaireForm, token: str
) -> HttpResponse:
    try:
        save_draft(
            wave=found.wave,
            holder=found.link.holder,
            answers=form.answers(),
            consented=bool(form.cleaned_data.get("consented")),
        )
    except EvaluationError as error:
        form.show(error)
        return _page(request, found, form)
    messages.success(
        request, "Your answers are saved. Use the same link to come back and finish them."
    )
    return redirect("evaluation:answer", code=request.partnership.code, token=token)


def _page(
    request: PublicPartnershipRequest, found: Questionnaire, form: QuestionnaireForm
) -> HttpResponse:
    questions = form.questions(found.preambles)
    context = {
        "q": found,
        "form": form,
        "questions": questions,
        "error_links": form.error_links(questions) if form.errors else [],
        "can_save": bool(found.link.holder),
    }
    return render(request, "evaluation/answering/questionnaire.html", context)


@public_partnership_view
def thanks(request: PublicPartnershipRequest, token: str) -> HttpResponse:
    found = _questionnaire(request, token)
    return render(request, "evaluation/answering/thanks.html", {"q": found})
