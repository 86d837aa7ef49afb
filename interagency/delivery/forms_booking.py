"""Forms of the learner's pages: the sessions filter, booking people, cancelling, refusing.

Choices are always the partnership's own rows (or the people the member may
book for); the booking services decide whether a booking is allowed.
"""

import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from interagency.core.validation import CleanTextForm, SafeDateInputField
from interagency.delivery.models import SessionFormat
from interagency.delivery.selectors.sessions import SessionFilters
from interagency.people.models import Person

REASON_MAX = 300


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return getattr(obj, "shown_title", None) or obj.title


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.framework.name})"


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def _date_field(label: str) -> DateInputField:
    return SafeDateInputField(
        label=label, required=False, require_all_fields=False, help_text="For example, 27 3 2026"
    )


class SessionFilterForm(forms.Form):
    """The sessions list's filters, read from the address (GET) so a filtered list can be shared."""

    date_from = _date_field("From")
    date_to = _date_field("To")
    course = CourseChoiceField(queryset=None, required=False, empty_label="All courses")
    tier = TierChoiceField(queryset=None, required=False, empty_label="All tiers")
    venue = VenueChoiceField(queryset=None, required=False, empty_label="All venues", label="Place")
    format = forms.ChoiceField(
        choices=[("", "In person and online"), *SessionFormat.choices],
        required=False,
        label="Format",
    )

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Any],
        tiers: QuerySet[Any],
        venues: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]
        self.fields["venue"].queryset = venues  # type: ignore[attr-defined]
        for name, what in (("course", "course"), ("tier", "tier"), ("venue", "place")):
            self.fields[name].error_messages["invalid_choice"] = f"Choose a {what} from the list."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘To’ date must be the same as or after the ‘From’ date.")
        return data

    def filters(self) -> SessionFilters:
        """The valid filters; an invalid form filters nothing (its errors are shown)."""
        if not self.is_valid():
            return SessionFilters()
        data = self.cleaned_data
        return SessionFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            course_id=data["course"].pk if data.get("course") else None,
            tier_id=data["tier"].pk if data.get("tier") else None,
            venue_id=data["venue"].pk if data.get("venue") else None,
            format=data.get("format") or "",
        )


def parse_month(text: str | None, *, today: datetime.date) -> tuple[datetime.date, str | None]:
    """The first day of the month ``YYYY-MM`` names, or this month and an error message."""
    if not text:
        return today.replace(day=1), None
    try:
        year, month = (int(part) for part in text.split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1), (
            f"“{text[:20]}” is not a month: use the year and month, for example 2026-12."
        )
    if not 2000 <= first.year <= 2100:
        return today.replace(day=1), "Choose a month between the years 2000 and 2100."
    return first, None


class BookPeopleForm(forms.Form):
    """The people ticked on the "book people from your team" page."""

    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label="People to book",
        error_messages={
            "required": "Select at least one person to book.",
            "invalid_choice": "You may book only the people listed for you; "
            "one of those selected is not among them.",
            "invalid_pk_value": "Select people from the list.",
        },
    )

    def __init__(self, *args: Any, bookable: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = bookable  # type: ignore[attr-defined]


class CancelForm(CleanTextForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        required=False,
        label="Why are you cancelling? (optional)",
        help_text="Plain words only. Do not include anything about a child or family.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseForm(CleanTextForm):
    reason = forms.CharField(
        max_length=REASON_MAX,
        label="Why are you not approving this booking?",
        help_text="The person is told this reason. Do not include anything about a child.",
        error_messages={"required": "Enter the reason for not approving the booking."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter the reason for not approving the booking.")
        return reason
