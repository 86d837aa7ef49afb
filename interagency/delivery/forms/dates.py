"""London days and times as the session forms read and show them.

Dates are GOV.UK date inputs and times plain text inputs, both read as
Europe/London wall-clock times and turned into aware datetimes, so a part
entered as 09:30 on the day the clocks change stays 09:30.
"""

import datetime
import re

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from interagency.core.validation import YEAR

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


def time_input() -> forms.TextInput:
    return forms.TextInput(
        attrs={"class": "govuk-input--width-5", "inputmode": "numeric", "autocomplete": "off"}
    )


def number_input(width: int = 4) -> forms.TextInput:
    return forms.TextInput(attrs={"class": f"govuk-input--width-{width}", "inputmode": "numeric"})
