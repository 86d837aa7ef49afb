import datetime

from django import forms

from interagency.finance.rules import financial_year_of
from interagency.finance.selectors import year_label

# Financial years offered: this one and the five before it.
YEARS_BACK = 5


def years_offered(today: datetime.date) -> list[int]:
    current = financial_year_of(today)
    return list(range(current, current - YEARS_BACK - 1, -1))


def default_year(today: datetime.date) -> int:
    """The last financial year that has ended: its figures are complete."""
    return financial_year_of(today) - 1


class YearForm(forms.Form):
    """The financial year the benchmarks compare."""

    year = forms.TypedChoiceField(coerce=int, label="Financial year", required=False)

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["year"]
        field.choices = [(year, year_label(year)) for year in years_offered(today)]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "Choose a financial year from the list."

    def chosen(self) -> int:
        """The year asked for, else the last one that has ended."""
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return default_year(self.today)


class SharingForm(forms.Form):
    shares_with_region = forms.TypedChoiceField(
        label="Share this partnership's figures with its region?",
        choices=[("yes", "Yes, share them"), ("no", "No, do not share them")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to share the partnership's figures."},
    )
