"""Forms of the coordinator's other session pages: venues, booking settings, cancelling, filters.

The session form itself, with its parts and sector holds, is in the ``forms`` package.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms

from interagency.core.dates import govuk_datetime
from interagency.core.validation import MONEY, CleanTextForm
from interagency.delivery.forms import number_input
from interagency.delivery.models import DeliverySettings, Session, Venue, WaitingListMode

# Venues and delivery settings -------------------------------------------------------------


class VenueForm(CleanTextForm):
    name = forms.CharField(
        max_length=200, label="Name", error_messages={"required": "Enter the venue's name."}
    )
    address = forms.CharField(
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Address",
        error_messages={"required": "Enter the venue's address."},
    )
    postcode = forms.CharField(
        required=False,
        max_length=10,
        label="Postcode (optional)",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "off"}),
    )
    access_information = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Access information (optional)",
        help_text="Step-free access, hearing loop, accessible toilets, quiet room.",
    )
    parking = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Parking (optional)"
    )
    refreshments = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Refreshments (optional)"
    )

    FIELDS = ("name", "address", "postcode", "access_information", "parking", "refreshments")

    @classmethod
    def initial_for(cls, venue: Venue) -> dict[str, Any]:
        return {name: getattr(venue, name) for name in cls.FIELDS}


class DeliverySettingsForm(CleanTextForm):
    requires_manager_approval = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Does a manager approve each booking a learner makes?",
        help_text="The learner's line manager or agency lead approves before the place is taken.",
        error_messages={"required": "Choose whether bookings need a manager's approval."},
    )
    waiting_list_mode = forms.ChoiceField(
        choices=WaitingListMode.choices,
        widget=forms.RadioSelect,
        label="When a place frees up",
        error_messages={"required": "Choose how the waiting list moves."},
    )
    offer_hours = forms.IntegerField(
        min_value=1,
        max_value=24 * 14,
        label="Hours an offer stays open",
        widget=number_input(3),
        error_messages={
            "required": "Enter how many hours an offer stays open.",
            "invalid": "Enter the hours an offer stays open as a whole number.",
            "min_value": "An offer must stay open between 1 hour and 14 days (336 hours).",
            "max_value": "An offer must stay open between 1 hour and 14 days (336 hours).",
        },
    )
    reminder_days = forms.IntegerField(
        min_value=0,
        max_value=60,
        label="Days before a session to send reminders",
        widget=number_input(2),
        error_messages={
            "required": "Enter how many days before a session reminders go.",
            "invalid": "Enter the reminder days as a whole number.",
            "min_value": "Send reminders between 0 and 60 days before.",
            "max_value": "Send reminders between 0 and 60 days before.",
        },
    )
    default_no_show_charge = forms.DecimalField(
        min_value=MONEY.minimum,
        max_value=MONEY.maximum,
        max_digits=8,
        decimal_places=2,
        label="Default no-show charge in £",
        help_text="New sessions start with this charge; 0 for none.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "required": "Enter the default no-show charge (0 for none).",
            "invalid": "Enter the default no-show charge in pounds, like 50 or 42.50.",
            "min_value": "The no-show charge cannot be negative.",
            "max_value": f"The no-show charge must be at most £{MONEY.maximum:,}.",
        },
    )

    @staticmethod
    def initial_for(settings: DeliverySettings) -> dict[str, Any]:
        return {
            "requires_manager_approval": "yes" if settings.requires_manager_approval else "no",
            "waiting_list_mode": settings.waiting_list_mode,
            "offer_hours": settings.offer_hours,
            "reminder_days": settings.reminder_days,
            "default_no_show_charge": settings.default_no_show_charge,
        }


class CancelSessionForm(CleanTextForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the session cancelled?",
        help_text="Everyone booked gets this in their email.",
        error_messages={"required": "Enter the reason for cancelling the session."},
    )
    alternatives = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Offer these sessions of the same course instead (optional)",
    )

    def __init__(self, *args, alternatives: Sequence[Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = {str(session.pk): session for session in alternatives}
        self.fields["alternatives"].choices = [  # type: ignore[attr-defined]
            (key, _describe(session)) for key, session in self.sessions.items()
        ]

    def chosen(self) -> list[Any]:
        return [self.sessions[key] for key in self.cleaned_data["alternatives"]]


def _describe(session) -> str:
    place = session.venue.name if session.venue_id else "Online"
    if session.starts_at is None:
        return place
    return f"{govuk_datetime(session.starts_at, weekday=True)} – {place}"


class SessionFilterForm(CleanTextForm):
    """The coordinator's filters on the sessions table; bad values are ignored with a message."""

    course = forms.TypedChoiceField(coerce=int, required=False, label="Course", empty_value=None)
    tier = forms.TypedChoiceField(coerce=int, required=False, label="Tier", empty_value=None)
    status = forms.ChoiceField(required=False, label="Status")
    starts_from = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={"invalid": "Enter the ‘from’ date as a real date."},
    )
    starts_to = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={"invalid": "Enter the ‘to’ date as a real date."},
    )

    def __init__(self, *args, courses: Iterable[Any], tiers: Iterable[Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [  # type: ignore[attr-defined]
            ("", "All courses"),
            *[(c.pk, getattr(c, "shown_title", c.title)) for c in courses],
        ]
        self.fields["tier"].choices = [  # type: ignore[attr-defined]
            ("", "All tiers"),
            *[(t.pk, f"{t.framework.name}: {t.name}") for t in tiers],
        ]
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", "Upcoming"),
            *Session.Status.choices,
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = (
                f"Choose a {str(field.label).lower()} from the list."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_from"), data.get("starts_to")
        if start and end and end < start:
            self.add_error("starts_to", "The ‘to’ date must be on or after the ‘from’ date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters that are valid; a bad one is shown as an error and left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "course_id": data.get("course"),
            "tier_id": data.get("tier"),
            "status": data.get("status") or "",
            "starts_from": data.get("starts_from"),
            "starts_to": data.get("starts_to"),
        }
