"""The bounds of every number and the rules for every text a person can send.

One place for both, read by the models (validators and database CHECK
constraints), the forms, the API's schemas and the imports, so a value the
database would refuse (or could not hold: infinity, NaN, an integer wider than
64 bits) is refused at the door with a message naming the field, never
answered with a server error or stored to break every page that lists it.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import CheckConstraint, Q
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator, Field


@dataclass(frozen=True)
class Bound[N: (int, Decimal)]:
    """The smallest and largest value a kind of number may take, both allowed."""

    minimum: N
    maximum: N

    def validators(self) -> list:
        return [MinValueValidator(self.minimum), MaxValueValidator(self.maximum)]

    def constraint(self, field: str, name: str, *, nullable: bool = False) -> CheckConstraint:
        """The same bound in the database, so no other way in can store more."""
        within = Q(**{f"{field}__gte": self.minimum, f"{field}__lte": self.maximum})
        if nullable:
            within |= Q(**{f"{field}__isnull": True})
        return CheckConstraint(condition=within, name=name)

    def form_field_options(self, label: str) -> dict[str, Any]:
        """``min_value``, ``max_value`` and messages that name the field and its range."""
        message = f"{label} must be between {self.minimum:,} and {self.maximum:,}."
        return {
            "min_value": self.minimum,
            "max_value": self.maximum,
            "error_messages": {"min_value": message, "max_value": message},
        }


# Places on one session (capacity, minimum numbers, regional places, sector holds).
CAPACITY = Bound(1, 1_000)
PLACES = Bound(0, 1_000)
# Pounds and pence: no-show charges.
MONEY = Bound(Decimal("0.00"), Decimal("100000.00"))
MONEY_DIGITS = 8
MONEY_PLACES = 2
# Hours of learning (a course's duration, a certificate, a training record, a period).
HOURS = Bound(Decimal("0.0"), Decimal("1000.0"))
# A course lasts at least half an hour.
COURSE_HOURS = Bound(Decimal("0.5"), HOURS.maximum)
MONTHS = Bound(0, 120)
MINUTES = Bound(0, 1_440)
PERCENT = Bound(0, 100)
# People in an agency, places planned for a year.
PEOPLE = Bound(0, 1_000_000)
YEAR = Bound(2000, 2100)
ORDER = Bound(0, 1_000)
# A row's id: what a 64-bit signed key can hold (a larger one overflows the database driver).
ID = Bound(1, 2**63 - 1)


# Schema types for the API: out of range, NaN, infinity or too many digits is a 400
# naming the field.
def bounded_int(bound: Bound) -> Any:
    return Annotated[int, Field(ge=bound.minimum, le=bound.maximum)]


def bounded_decimal(bound: Bound, *, max_digits: int, decimal_places: int) -> Any:
    return Annotated[
        Decimal,
        Field(
            ge=bound.minimum,
            le=bound.maximum,
            max_digits=max_digits,
            decimal_places=decimal_places,
            allow_inf_nan=False,
        ),
    ]


Id = bounded_int(ID)
Money = bounded_decimal(MONEY, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES)
Hours = bounded_decimal(HOURS, max_digits=5, decimal_places=1)
CourseHours = bounded_decimal(COURSE_HOURS, max_digits=5, decimal_places=1)


# Text ---------------------------------------------------------------------------------

# C0 and C1 control characters and DEL; tab, line feed and carriage return are told apart
# below because free text may hold line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS_AND_TABS = frozenset("\t\n\r")


def control_character_problem(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` may not be stored, or None.

    NUL and the other control characters are never wanted: they come from a
    pasted binary or a broken export, and NUL breaks PostgreSQL outright.
    Tab and line breaks are fine in free text (``multiline``), not in a name.
    """
    for match in _CONTROL.finditer(text):
        character = match.group()
        if multiline and character in _LINE_BREAKS_AND_TABS:
            continue
        position = match.start() + 1
        if character in _LINE_BREAKS_AND_TABS:
            return f"must be on one line: remove the line break or tab at character {position}."
        return (
            f"contains a control character (U+{ord(character):04X}) at character {position}: "
            "remove it."
        )
    return None


@deconstructible
class NoControlCharacters:
    """A Django validator for ``control_character_problem``."""

    def __init__(self, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            problem = control_character_problem(value, multiline=self.multiline)
            if problem:
                raise ValidationError(f"This {problem}", code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


def _checked(multiline: bool):
    def check(value: str) -> str:
        problem = control_character_problem(value, multiline=multiline)
        if problem:
            raise ValueError(f"This {problem}")
        return value

    return check


# ``name: OneLine = Field(max_length=200)``; ``notes: FreeText = ""``.
OneLine = Annotated[str, AfterValidator(_checked(multiline=False))]
FreeText = Annotated[str, AfterValidator(_checked(multiline=True))]


class CleanTextForm(forms.Form):
    """A form whose every text field refuses control characters.

    Fields shown as a text area are free text (tabs and line breaks allowed);
    the others are one line. Put it first among a form's bases.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(NoControlCharacters(multiline=multiline))


class SafeDateInputField(DateInputField):
    """The GOV.UK date input, but a year too large for a date is "not a real date", not a 500."""

    def compress(self, data_list: Any) -> Any:
        try:
            return super().compress(data_list)
        except OverflowError:
            raise ValidationError("Enter a real date, like 27 3 2026.") from None
