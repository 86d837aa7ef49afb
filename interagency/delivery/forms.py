"""Forms for the coordinator's session pages (GOV.UK markup through crispy-forms-gds).

Dates are GOV.UK date inputs and times plain text inputs, both read as
Europe/London wall-clock times and turned into aware datetimes here, so a part
entered as 09:30 on the day the clocks change stays 09:30. The forms check
what was typed; the services decide what is allowed, and their problems are
put back on the fields they name (:meth:`SessionForms.show_problems`).

A session's parts and sector holds are repeated sub-forms (``part-0-…``,
``hold-0-…``) whose number travels in a hidden field, so "Add another part"
works without JavaScript: the page comes back with one more empty row.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from interagency.core.local_time import (
    REPEATED_FIRST,
    REPEATED_SECOND,
    LocalTimeError,
    is_repeated,
    local_datetime,
)
from interagency.core.validation import CAPACITY, MONEY, PERCENT, PLACES, YEAR, CleanTextForm
from interagency.delivery.models import SessionFormat, Venue
from interagency.delivery.services.sessions import MAX_PARTS, SectorHoldEntry, TrainerEntry
from interagency.people.models import Sector

MAX_HOLDS = len(Sector.choices)
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.]?(\d{2})\s*$")


def london() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def start_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight at the start of ``day`` in London."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), tzinfo=london())


def end_of_day(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight at the end of ``day`` in London (the start of the next day)."""
    if day is None:
        return None
    return start_of_day(day + datetime.timedelta(days=1))


def day_of_start(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.astimezone(london()).date() if moment else None


def day_of_end(moment: datetime.datetime | None) -> datetime.date | None:
    """The day that ``end_of_day`` turned into ``moment``."""
    if moment is None:
        return None
    return (moment.astimezone(london()) - datetime.timedelta(microseconds=1)).date()


class LondonDateField(DateInputField):
    """A GOV.UK date input whose every message names the date it is about."""

    def __init__(self, *, label: str, what: str, required: bool = False, help_text: str = ""):
        super().__init__(
            label=label,
            required=required,
            require_all_fields=False,
            help_text=help_text or "For example, 27 3 2026",
        )
        self.what = what
        self.error_messages.update(
            {
                "required": f"Enter {what}.",
                "incomplete": f"Enter {what} as a day, month and year.",
            }
        )
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = f"Enter the {name} of {what}."
            part.validators = []

    def compress(self, data_list):
        day, month, year = data_list
        if not (day or month or year):
            return None
        try:
            date = datetime.date(int(year), int(month), int(day))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(f"{self.what.capitalize()} must be a real date.") from None
        if not YEAR.minimum <= date.year <= YEAR.maximum:
            raise ValidationError(
                f"The year of {self.what} must be between {YEAR.minimum} and {YEAR.maximum}."
            )
        return date


def parse_time(text: str) -> datetime.time | None:
    match = TIME_PATTERN.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


def _time_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"}
    )


def number_input(width: int = 4) -> forms.TextInput:
    return forms.TextInput(attrs={"class": f"govuk-input--width-{width}", "inputmode": "numeric"})


class PartForm(CleanTextForm):
    """One dated part of a session: a date, a start time and an end time (London)."""

    def __init__(self, data=None, *, number: int, **kwargs) -> None:
        super().__init__(data, prefix=f"part-{number - 1}", **kwargs)
        self.number = number
        what = f"the date of part {number}"
        self.fields["day"] = LondonDateField(label=f"Date of part {number}", what=what)
        self.fields["starts"] = forms.CharField(
            required=False,
            max_length=5,
            label="Start time",
            help_text="24-hour clock, for example 09:30",
            widget=_time_input(),
        )
        self.fields["ends"] = forms.CharField(
            required=False,
            max_length=5,
            label="End time",
            help_text="For example, 16:30",
            widget=_time_input(),
        )
        # Shown only for a time the clocks repeat (the night they go back).
        self.fields["repeated"] = forms.ChoiceField(
            required=False,
            widget=forms.RadioSelect,
            label=f"Part {number} is at a time that happens twice: which one do you mean?",
            choices=[
                (REPEATED_FIRST, "The first, in British Summer Time (before the clocks go back)"),
                (REPEATED_SECOND, "The second, in Greenwich Mean Time (after the clocks go back)"),
            ],
        )
        self.asks_repeated = False

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        names = [f"{self.prefix}-day_{i}" for i in range(3)]
        names += [f"{self.prefix}-starts", f"{self.prefix}-ends"]
        return not any((self.data.get(name) or "").strip() for name in names)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = self.number
        day = data.get("day")
        if day is None and "day" not in self.errors:
            self.add_error("day", f"Enter the date of part {number}.")
        times = {}
        for name, words in (("starts", "start time"), ("ends", "end time")):
            text = (data.get(name) or "").strip()
            if not text:
                self.add_error(name, f"Enter the {words} of part {number}.")
                continue
            parsed = parse_time(text)
            if parsed is None:
                self.add_error(
                    name,
                    f"Enter the {words} of part {number} in the 24-hour clock, like 09:30.",
                )
                continue
            times[name] = parsed
            if day is not None:
                repeated = data.get("repeated") or ""
                try:
                    data[f"{name}_at"] = local_datetime(day, parsed, repeated=repeated)
                except LocalTimeError as problem:  # the hour the clocks skip or repeat
                    if is_repeated(day, parsed):
                        self.asks_repeated = True
                        problem = LocalTimeError(f"{problem} Or say which one you mean below.")
                    self.add_error(name, f"{words.capitalize()} of part {number}: {problem}")
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends", f"The end time of part {number} must be after its start time.")
        return data

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        return self.cleaned_data["starts_at"], self.cleaned_data["ends_at"]

    @staticmethod
    def initial_for(part) -> dict[str, Any]:
        starts = part.starts_at.astimezone(london())
        ends = part.ends_at.astimezone(london())
        initial = {"day": starts.date(), "starts": f"{starts:%H:%M}", "ends": f"{ends:%H:%M}"}
        for moment in (starts, ends):
            if is_repeated(moment.date(), moment.time()):
                initial["repeated"] = REPEATED_SECOND if moment.fold else REPEATED_FIRST
        return initial


class HoldForm(CleanTextForm):
    """Places held for one sector until the end of a day."""

    def __init__(self, data=None, *, number: int, **kwargs) -> None:
        super().__init__(data, prefix=f"hold-{number - 1}", **kwargs)
        self.number = number
        self.fields["sector"] = forms.ChoiceField(
            required=False,
            choices=[("", "Choose a sector"), *Sector.choices],
            label=f"Sector {number}",
        )
        self.fields["places"] = forms.IntegerField(
            required=False,
            min_value=CAPACITY.minimum,
            max_value=CAPACITY.maximum,
            label="Places held",
            widget=number_input(3),
            error_messages={
                "invalid": f"Enter the places held for sector {number} as a whole number.",
                "min_value": f"Hold at least 1 place for sector {number}.",
                "max_value": f"Hold at most {CAPACITY.maximum:,} places for sector {number}.",
            },
        )
        self.fields["until"] = LondonDateField(
            label="Held until the end of", what=f"the day the places for sector {number} are held"
        )

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        names = [f"{self.prefix}-until_{i}" for i in range(3)]
        names += [f"{self.prefix}-sector", f"{self.prefix}-places"]
        return not any((self.data.get(name) or "").strip() for name in names)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = self.number
        if not data.get("sector") and "sector" not in self.errors:
            self.add_error("sector", f"Choose the sector of hold {number}.")
        if data.get("places") is None and "places" not in self.errors:
            self.add_error("places", f"Enter the places held for sector {number}.")
        if data.get("until") is None and "until" not in self.errors:
            self.add_error("until", f"Enter the day the places for sector {number} are held until.")
        return data

    def entry(self) -> SectorHoldEntry:
        data = self.cleaned_data
        until = end_of_day(data["until"])
        assert until is not None
        return SectorHoldEntry(sector=data["sector"], places=data["places"], until=until)

    @staticmethod
    def initial_for(hold) -> dict[str, Any]:
        return {"sector": hold.sector, "places": hold.places, "until": day_of_end(hold.until)}


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


# Where a service's problem goes on the page.
PROBLEM_FIELDS = {
    "booking_opens_at": "booking_opens_on",
    "booking_closes_at": "booking_closes_on",
    "cancellation_cutoff": "cancellation_cutoff_on",
}


def _count(data, name: str, default: int, limit: int) -> int:
    try:
        count = int(data.get(name, default))
    except (TypeError, ValueError):
        count = default
    return max(1, min(count, limit))


class SessionForms:
    """The session form with its part and sector-hold rows, bound or not, as one unit."""

    def __init__(
        self,
        data=None,
        *,
        courses,
        venues,
        trainers: Sequence[Any],
        session=None,
        default_charge: Decimal = Decimal("0.00"),
    ) -> None:
        self.adding = ""
        # The form edits one named trainer or provider; any more (added through
        # the API) are kept as they are, never dropped by saving the form.
        named = [t for t in session.trainers.all() if t.user_id is None] if session else []
        self.kept_trainers = [
            TrainerEntry(name=t.name, provider_name=t.provider_name) for t in named[1:]
        ]
        if data is not None:
            part_count = _count(data, "parts", 1, MAX_PARTS)
            hold_count = _count(data, "holds", 1, MAX_HOLDS)
            if "add_part" in data and part_count < MAX_PARTS:
                part_count += 1
                self.adding = "part"
            if "add_hold" in data and hold_count < MAX_HOLDS:
                hold_count += 1
                self.adding = "hold"
            self.form = SessionForm(data, courses=courses, venues=venues, trainers=trainers)
            self.parts = [PartForm(data, number=n) for n in range(1, part_count + 1)]
            self.holds = [HoldForm(data, number=n) for n in range(1, hold_count + 1)]
            for form in self.all_forms():
                # Another row asked for: show what was typed, judge nothing yet.
                # Empty rows are left out, so they show no errors either.
                if self.adding or (form is not self.form and form.is_blank()):  # type: ignore[attr-defined]
                    _quiet(form)
        else:
            initial = (
                SessionForm.initial_for(session) if session else {"no_show_charge": default_charge}
            )
            self.form = SessionForm(
                initial=initial, courses=courses, venues=venues, trainers=trainers
            )
            parts = list(session.parts.all()) if session else []
            holds = list(session.sector_holds.all()) if session else []
            self.parts = [
                PartForm(number=n, initial=PartForm.initial_for(part))
                for n, part in enumerate(parts, start=1)
            ] or [PartForm(number=1)]
            self.holds = [
                HoldForm(number=n, initial=HoldForm.initial_for(hold))
                for n, hold in enumerate(holds, start=1)
            ] or [HoldForm(number=1)]

    def all_forms(self) -> list[forms.Form]:
        return [self.form, *self.parts, *self.holds]

    def _filled(self, rows: Iterable[Any]) -> list[Any]:
        return [row for row in rows if not row.is_blank()]

    def is_valid(self) -> bool:
        if self.adding:
            return False
        valid = self.form.is_valid()
        parts = self._filled(self.parts)
        if not parts:
            self.parts[0].add_error("day", "Enter the date of part 1.")
            valid = False
        for row in [*parts, *self._filled(self.holds)]:
            valid = row.is_valid() and valid
        return valid

    def service_arguments(self) -> dict[str, Any]:
        return {
            "course": self.form.cleaned_data["course"],
            "parts": [row.period() for row in self._filled(self.parts)],
            "trainers": [*self.form.trainer_entries(), *self.kept_trainers],
            "sector_holds": [row.entry() for row in self._filled(self.holds)],
            **self.form.service_fields(),
        }

    def show_problems(self, problems: Iterable[tuple[str | None, str]]) -> None:
        """Put a service's problems on the fields they name, or on the whole form."""
        for field, message in problems:
            name = PROBLEM_FIELDS.get(field or "", field)
            self.form.add_error(name if name in self.form.fields else None, message)

    def errors(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order."""
        found: list[tuple[str, str]] = []
        for form in self.all_forms():
            for error in form.non_field_errors():
                found.append(("session-form", str(error)))
            for bound in form:
                for error in bound.errors:
                    found.append((anchor_of(bound), str(error)))
        return found


def _quiet(form: forms.Form) -> None:
    """Treat ``form`` as checked and without errors (errors may still be added)."""
    form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
    form.cleaned_data = {}


def anchor_of(bound) -> str:
    """The id of the first input of a field: a date input's day box, a radio's first item."""
    if isinstance(bound.field, forms.MultiValueField):
        return f"{bound.auto_id}_0"
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_1"  # crispy-forms-gds numbers choices from 1
    return bound.auto_id
