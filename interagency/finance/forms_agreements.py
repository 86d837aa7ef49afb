"""Forms of partner agreements, delegate charging terms and closing a financial year."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from interagency.core.choice_search import ChoiceSearchMixin, SearchedChoiceField
from interagency.core.validation import CleanTextForm
from interagency.finance.forms import day_count, pounds
from interagency.finance.models import PLACES_PER_DAY, Exemption, FreePlaces
from interagency.finance.rules import REASON_MAX_LENGTH
from interagency.people.forms.fields import agency_search_field
from interagency.people.models import Agency, Sector


def _agency_field(label: str) -> SearchedChoiceField:
    """An agency of the partnership, found by a search step (1,250 at county scale)."""
    return agency_search_field(
        label=label,
        error_messages={
            "required": "Choose an agency.",
            "invalid_choice": "Choose an agency from the list of matches.",
        },
    )


class AgreementForm(ChoiceSearchMixin, CleanTextForm):
    agency = _agency_field("Partner agency")
    amount = pounds("Contribution in money, in £", required=False)
    trainer_days = day_count("Trainer days given")
    venue_days = day_count("Venue days given")
    earns = forms.ChoiceField(
        label="What the contribution earns",
        choices=FreePlaces.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the contribution earns."},
    )
    places_per_day = forms.IntegerField(
        label="Free places for each day given",
        required=False,
        help_text="For free places for each trainer day or venue day.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        **PLACES_PER_DAY.form_field_options("Free places for each day given"),
    )
    pounds_per_place = pounds("Money that earns one free place, in £", required=False)
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]


class DelegateRateForm(forms.Form):
    sector = forms.ChoiceField(
        label="Sector",
        choices=[("", "Choose a sector"), *Sector.choices],
        error_messages={
            "required": "Choose a sector.",
            "invalid_choice": "Choose a sector from the list.",
        },
    )
    year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Financial year"
    )
    full_day = pounds("Full day (over 4 hours) in £")
    half_day = pounds("Half day in £")

    def __init__(self, *args: Any, years: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [("", "Current rates (any year without its own)"), *years]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "Choose a financial year from the list."


class ExemptionForm(ChoiceSearchMixin, CleanTextForm):
    agency = _agency_field("Agency")
    basis = forms.ChoiceField(
        label="Why it is exempt",
        choices=Exemption.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the agency is exempt."},
    )
    note = forms.CharField(max_length=300, required=False, label="Note (optional)")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]


class ReopenYearForm(CleanTextForm):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label="Why is the year reopened?",
        help_text="For example, the auditor found a missing invoice. It goes in the audit trail.",
        error_messages={
            "required": "Enter why the year is reopened.",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
