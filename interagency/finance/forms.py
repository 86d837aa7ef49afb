"""The finance pages' forms: GOV.UK fields, amounts in pounds within ``MONEY``."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from interagency.core.choice_search import ChoiceSearchMixin
from interagency.core.validation import (
    MONEY,
    MONEY_DIGITS,
    MONEY_PLACES,
    Bound,
    CleanTextForm,
    SafeDateInputField,
)
from interagency.finance.models import COST_PARTS, DAYS, BudgetCategory
from interagency.finance.selectors import year_label
from interagency.people.forms.fields import agency_search_field
from interagency.people.models import Agency


def bounded_decimal_field(
    label: str,
    *,
    bound: Bound,
    max_digits: int,
    decimal_places: int,
    unit: str,
    example: str,
    required: bool,
    width: int,
) -> forms.DecimalField:
    """A GOV.UK decimal field within ``bound``, each error naming the field."""
    low, high = f"{unit}{bound.minimum:,}", f"{unit}{bound.maximum:,}"
    message = f"{label} must be between {low} and {high}."
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=bound.minimum,
        max_value=bound.maximum,
        max_digits=max_digits,
        decimal_places=decimal_places,
        widget=forms.TextInput(
            attrs={"class": f"govuk-input--width-{width}", "inputmode": "decimal"}
        ),
        error_messages={
            "min_value": message,
            "max_value": message,
            "max_digits": message,
            "invalid": f"{label} must be {example}.",
            "max_decimal_places": f"{label} must be {example}.",
            "required": f"Enter {label[0].lower()}{label[1:]}.",
        },
    )


def pounds(label: str, *, required: bool = True) -> forms.DecimalField:
    """An amount in pounds and pence within ``MONEY``."""
    return bounded_decimal_field(
        label,
        bound=MONEY,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        unit="£",
        example="an amount in pounds, like 150 or 150.50",
        required=required,
        width=10,
    )


def day_count(label: str, *, required: bool = False) -> forms.DecimalField:
    """A number of days, whole or half."""
    return bounded_decimal_field(
        label,
        bound=DAYS,
        max_digits=5,
        decimal_places=1,
        unit="",
        example="a number of days, like 2 or 1.5",
        required=required,
        width=5,
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Financial year", required=False)

    def __init__(self, *args: Any, years: list[int], default: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [(year, year_label(year)) for year in years]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "Choose a financial year from the list."
        self.default = default

    def chosen(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return self.default


class BudgetLineForm(ChoiceSearchMixin, CleanTextForm):
    category = forms.ChoiceField(
        label="Kind of income or spending",
        choices=[("", "Choose one"), *BudgetCategory.choices],
        error_messages={"required": "Choose the kind of income or spending."},
    )
    description = forms.CharField(
        max_length=200,
        label="Description",
        error_messages={"required": "Enter a description, like Police contribution."},
    )
    agency = agency_search_field(
        label="Partner agency (optional)",
        none_label="No partner agency",
        search_label="Find the partner agency (optional)",
        error_messages={"invalid_choice": "Choose an agency from the list of matches."},
    )
    planned = pounds("Planned amount in £")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        """``agencies``: the partnership's, the only ones offered (the agency whose
        contribution this is: found by a search step, never a select of them all)."""
        super().__init__(*args, **kwargs)
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]


class EntryForm(CleanTextForm):
    on = SafeDateInputField(label="Date", help_text="For example, 27 3 2026")
    amount = pounds("Amount in £", required=False)
    days = day_count("Days given")
    description = forms.CharField(max_length=200, required=False, label="Note (optional)")

    def __init__(self, *args: Any, in_kind: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An in-kind line takes days (valued at the partnership's rate); any other, money.
        del self.fields["amount" if in_kind else "days"]
        self.fields["on"].error_messages["required"] = "Enter the date."


class RatesForm(forms.Form):
    trainer_day_rate = pounds("A trainer's day in £")
    venue_day_rate = pounds("A venue's day in £")


class SessionCostForm(forms.Form):
    """Planned and actual money by part, blank for not known; days given in kind."""

    trainer_days_in_kind = day_count("Trainer days given in kind")
    venue_days_in_kind = day_count("Venue days given in kind")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in ("planned", "actual"):
            for part, label, _ in COST_PARTS:
                self.fields[f"{part}_{stage}"] = pounds(f"{label}, {stage}, in £", required=False)

    def cost_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each part's planned and actual fields, for the table of the form."""
        return [(self[f"{part}_planned"], self[f"{part}_actual"]) for part, _, _ in COST_PARTS]

    def costs(self) -> dict[str, Decimal | None]:
        return {
            f"{part}_{stage}": self.cleaned_data[f"{part}_{stage}"]
            for stage in ("planned", "actual")
            for part, _, _ in COST_PARTS
        }

    def days_in_kind(self) -> dict[str, Decimal]:
        return {
            name: self.cleaned_data[name] or Decimal("0.0")
            for name in ("trainer_days_in_kind", "venue_days_in_kind")
        }


class CostsFileForm(forms.Form):
    file = forms.FileField(
        label="Upload a file of session costs",
        help_text="CSV or Excel (.xlsx), one row a session.",
        error_messages={"required": "Select a CSV or Excel file of session costs."},
    )
