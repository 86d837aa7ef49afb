"""Forms of the coordinator's charges pages: the filters and the waiver."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from interagency.core.choice_search import ChoiceSearchMixin
from interagency.core.validation import CleanTextForm
from interagency.delivery.models import ChargeKind
from interagency.delivery.services.charges import REASON_MAX_LENGTH
from interagency.people.forms.fields import agency_search_field
from interagency.people.models import Agency


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class ChargeFilterForm(ChoiceSearchMixin, forms.Form):
    """Kind, agency and session dates; without dates, the current financial year.

    The agency is found by a search step (hundreds are charged at county scale).
    """

    must_choose = False

    kind = forms.ChoiceField(
        required=False,
        label="Kind of charge",
        choices=[("", "Every kind"), *ChargeKind.choices],
        error_messages={"invalid_choice": "Choose a kind of charge from the list."},
    )
    agency = agency_search_field(
        none_label="All agencies",
        error_messages={"invalid_choice": "Choose an agency from the list of matches."},
    )
    session_from = forms.DateField(
        required=False,
        label="Sessions from",
        widget=_date_input(),
        error_messages={"invalid": "Enter the ‘from’ date as a real date."},
    )
    session_to = forms.DateField(
        required=False,
        label="Sessions to",
        widget=_date_input(),
        error_messages={"invalid": "Enter the ‘to’ date as a real date."},
    )

    def __init__(
        self,
        *args,
        agencies: QuerySet[Agency],
        default_range: tuple[datetime.date, datetime.date],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_range = default_range
        self.initial = {"session_from": default_range[0], "session_to": default_range[1]}
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("session_from"), data.get("session_to")
        if start and end and end < start:
            self.add_error("session_to", "The ‘to’ date must be on or after the ‘from’ date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters; a bad one is shown as an error and left out.

        Neither date given means the current financial year; one date alone is open-ended.
        """
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # a field in error is left out of cleaned_data
            data = self.cleaned_data
        start, end = data.get("session_from"), data.get("session_to")
        if start is None and end is None:
            start, end = self.default_range
        return {
            "agency_id": agency.pk if (agency := data.get("agency")) else None,
            "session_from": start,
            "session_to": end,
            "kind": data.get("kind") or None,
        }


class WaiveChargeForm(CleanTextForm):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        label="Why is the charge waived?",
        help_text=(
            "For example, absent with notice the trainer did not record. It goes on the "
            "export for the agency's invoice and in the audit trail."
        ),
        error_messages={
            "required": "Enter why the charge is waived.",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer.",
        },
    )
