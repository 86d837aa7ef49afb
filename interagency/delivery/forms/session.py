"""The session form: everything about a session but its parts and sector holds."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms

from interagency.core.validation import CAPACITY, MONEY, PERCENT, PLACES, CleanTextForm
from interagency.delivery.forms.dates import (
    LondonDateField,
    day_of_end,
    day_of_start,
    end_of_day,
    number_input,
    start_of_day,
)
from interagency.delivery.models import SessionFormat, Venue
from interagency.delivery.services.session_rules import TrainerEntry


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        title = getattr(obj, "shown_title", obj.title)
        return f"{title} ({obj.tier.name})"


class SessionForm(CleanTextForm):
    """Everything about a session but its parts and sector holds."""

    course = CourseChoiceField(
        queryset=None,
        label="Course",
        empty_label="Choose a course",
        error_messages={"required": "Choose the course this session runs."},
    )
    format = forms.ChoiceField(
        choices=SessionFormat.choices,
        widget=forms.RadioSelect,
        label="How is it delivered?",
        initial=SessionFormat.IN_PERSON,
        error_messages={"required": "Choose in person or online."},
    )
    venue = forms.ModelChoiceField(
        queryset=Venue.objects.none(),
        required=False,
        label="Venue (in person)",
        empty_label="Choose a venue",
    )
    joining_link = forms.URLField(
        required=False,
        max_length=200,
        label="Joining link (online)",
        help_text="Shown to confirmed attendees only.",
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the joining link as a web address, like https://…"},
    )
    joining_instructions = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Joining instructions (online, optional)",
    )
    capacity = forms.IntegerField(
        min_value=CAPACITY.minimum,
        max_value=CAPACITY.maximum,
        label="Capacity",
        help_text="The most people who can attend.",
        widget=number_input(),
        error_messages={
            "required": "Enter the capacity.",
            "invalid": "Enter the capacity as a whole number.",
            "min_value": "Enter a capacity of at least 1 place.",
            "max_value": f"Enter a capacity of at most {CAPACITY.maximum:,} places.",
        },
    )
    minimum_numbers = forms.IntegerField(
        required=False,
        label="Minimum numbers (optional)",
        help_text="Fewer bookings than this a week before puts the session at risk.",
        widget=number_input(),
        **PLACES.form_field_options("Minimum numbers"),
    )
    trainers = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Trainers of the partnership",
        help_text="Members with the trainer role. They can take the register.",
    )
    # Only for finding more trainers to list (the "Find trainers" button); never saved.
    trainer_search = forms.CharField(
        required=False, max_length=100, label="Find a trainer by name or email"
    )
    trainer_name = forms.CharField(
        required=False, max_length=150, label="Other trainer's name (optional)"
    )
    provider_name = forms.CharField(
        required=False,
        max_length=200,
        label="Commissioned provider (optional)",
        help_text="The organisation delivering the session, if not the partnership.",
    )
    booking_opens_on = LondonDateField(
        label="Booking opens (optional)",
        what="the day booking opens",
        help_text="From the start of this day. Leave blank to open now. For example, 1 3 2026",
    )
    booking_closes_on = LondonDateField(
        label="Booking closes (optional)",
        what="the day booking closes",
        help_text="At the end of this day. Leave blank to take bookings until the start.",
    )
    cancellation_cutoff_on = LondonDateField(
        label="Late cancellation after (optional)",
        what="the last day to cancel without it counting as late",
        help_text="Cancelling after the end of this day is a late cancellation.",
    )
    max_agency_share = forms.IntegerField(
        required=False,
        min_value=max(1, PERCENT.minimum),
        max_value=PERCENT.maximum,
        label="Largest share for one agency, in % (optional)",
        help_text="For example, 30 keeps any agency to 30% of the places.",
        widget=number_input(3),
        error_messages={
            "invalid": "Enter the largest agency share as a whole number of per cent.",
            "min_value": "The largest agency share must be between 1% and 100%.",
            "max_value": "The largest agency share must be between 1% and 100%.",
        },
    )
    regional_places = forms.IntegerField(
        required=False,
        label="Places open to other partnerships of the region (optional)",
        widget=number_input(),
        **PLACES.form_field_options("Places for the region"),
    )
    no_show_charge = forms.DecimalField(
        required=False,
        min_value=MONEY.minimum,
        max_value=MONEY.maximum,
        max_digits=8,
        decimal_places=2,
        label="No-show charge in £ (optional)",
        help_text="Charged to the agency of someone who does not come without notice.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the no-show charge in pounds, like 50 or 42.50.",
            "min_value": "The no-show charge cannot be negative.",
            "max_value": f"The no-show charge must be at most £{MONEY.maximum:,}.",
        },
    )
    notes = forms.CharField(
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Notes for attendees (optional)",
    )

    def __init__(self, *args, courses, venues, trainers: Sequence[Any], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]
        self.fields["venue"].queryset = venues  # type: ignore[attr-defined]
        self.trainer_users = {str(user.pk): user for user in trainers}
        self.fields["trainers"].choices = [  # type: ignore[attr-defined]
            (key, user.full_name or user.email) for key, user in self.trainer_users.items()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("booking_opens_on"), data.get("booking_closes_on")
        if opens and closes and closes < opens:
            self.add_error("booking_closes_on", "Booking must close on or after the day it opens.")
        capacity, minimum = data.get("capacity"), data.get("minimum_numbers")
        if capacity and minimum and minimum > capacity:
            self.add_error("minimum_numbers", "Minimum numbers must not be more than the capacity.")
        if data.get("format") == SessionFormat.ONLINE:
            if not data.get("joining_link") and "joining_link" not in self.errors:
                self.add_error("joining_link", "Enter the joining link for an online session.")
        elif (
            data.get("format") == SessionFormat.IN_PERSON
            and not data.get("venue")
            and "venue" not in self.errors
        ):
            self.add_error("venue", "Choose a venue for an in-person session.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "format": data["format"],
            "venue": data["venue"] if data["format"] == SessionFormat.IN_PERSON else None,
            "joining_link": data["joining_link"],
            "joining_instructions": data["joining_instructions"],
            "capacity": data["capacity"],
            "minimum_numbers": data["minimum_numbers"] or 0,
            "booking_opens_at": start_of_day(data["booking_opens_on"]),
            "booking_closes_at": end_of_day(data["booking_closes_on"]),
            "cancellation_cutoff": end_of_day(data["cancellation_cutoff_on"]),
            "max_agency_share": data["max_agency_share"],
            "regional_places": data["regional_places"] or 0,
            "no_show_charge": data["no_show_charge"] or Decimal("0.00"),
            "notes": data["notes"],
        }

    def trainer_entries(self) -> list[TrainerEntry]:
        data = self.cleaned_data
        entries = [TrainerEntry(user=self.trainer_users[key]) for key in data["trainers"]]
        if data["trainer_name"].strip() or data["provider_name"].strip():
            entries.append(
                TrainerEntry(
                    name=data["trainer_name"].strip(), provider_name=data["provider_name"].strip()
                )
            )
        return entries

    @staticmethod
    def initial_for(session) -> dict[str, Any]:
        trainers = list(session.trainers.all())
        named = next((t for t in trainers if t.user_id is None), None)
        return {
            "course": session.course_id,
            "format": session.format,
            "venue": session.venue_id,
            "joining_link": session.joining_link,
            "joining_instructions": session.joining_instructions,
            "capacity": session.capacity,
            "minimum_numbers": session.minimum_numbers,
            "trainers": [str(t.user_id) for t in trainers if t.user_id],
            "trainer_name": named.name if named and named.name != named.provider_name else "",
            "provider_name": named.provider_name if named else "",
            "booking_opens_on": day_of_start(session.booking_opens_at),
            "booking_closes_on": day_of_end(session.booking_closes_at),
            "cancellation_cutoff_on": day_of_end(session.cancellation_cutoff),
            "max_agency_share": session.max_agency_share,
            "regional_places": session.regional_places,
            "no_show_charge": session.no_show_charge,
            "notes": session.notes,
        }
