"""The partnership's evaluation settings page (coordinators, ``Action.MANAGE_EVALUATION``)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interagency.core.permissions import Action
from interagency.evaluation.services.settings import (
    change_evaluation_settings,
    evaluation_settings,
)
from interagency.tenancy.access import PartnershipRequest, partnership_view

CHOICES = [
    ("yes", "Yes, once they have answered the end-of-course questionnaire"),
    ("no", "No, as soon as the register is closed"),
]


class SettingsForm(forms.Form):
    certificate_after_end_questionnaire = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.RadioSelect,
        label="Do learners get their certificate only after the end-of-course questionnaire?",
        help_text=(
            "Only for courses whose evaluation is named or pseudonymous and asks at the end of "
            "the course: an anonymous evaluation cannot say who answered. Coordinators can "
            "always download every certificate."
        ),
        error_messages={"required": "Choose whether certificates wait for the questionnaire."},
    )


@partnership_view(Action.MANAGE_EVALUATION)
def settings_page(request: PartnershipRequest) -> HttpResponse:
    """Whether a learner's certificate waits for their end-of-course questionnaire."""
    partnership = request.access.partnership
    current = evaluation_settings(partnership)
    initial = "yes" if current.certificate_after_end_questionnaire else "no"
    form = SettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"certificate_after_end_questionnaire": initial},
    )
    if request.method == "POST" and form.is_valid():
        change_evaluation_settings(
            partnership=partnership,
            certificate_after_end_questionnaire=(
                form.cleaned_data["certificate_after_end_questionnaire"] == "yes"
            ),
            changed_by=request.user,
        )
        messages.success(request, "Evaluation settings saved.")
        return redirect("evaluation:settings", code=partnership.code)
    return render(request, "evaluation/manage/settings.html", {"form": form})
