"""The repeated rows of the session form: its dated parts and its sector holds.

Each row is a sub-form (``part-0-…``, ``hold-0-…``); an empty row is left out.
"""

import datetime
from typing import Any

from django import forms

from interagency.core.local_time import (
    REPEATED_FIRST,
    REPEATED_SECOND,
    LocalTimeError,
    is_repeated,
    local_datetime,
)
from interagency.core.validation import CAPACITY, CleanTextForm
from interagency.delivery.forms.dates import (
    LondonDateField,
    day_of_end,
    end_of_day,
    london,
    number_input,
    parse_time,
    time_input,
)
from interagency.delivery.services.session_rules import SectorHoldEntry
from interagency.people.models import Sector

MAX_HOLDS = len(Sector.choices)


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
            widget=time_input(),
        )
        self.fields["ends"] = forms.CharField(
            required=False,
            max_length=5,
            label="End time",
            help_text="For example, 16:30",
            widget=time_input(),
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
