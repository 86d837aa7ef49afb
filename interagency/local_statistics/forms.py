from django import forms

from interagency.local_statistics.selectors import financial_year_label


class YearForm(forms.Form):
    """The financial year to compare, among those with published figures."""

    year = forms.TypedChoiceField(coerce=int, label="Financial year", required=False)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        field.choices = [(year, financial_year_label(year)) for year in years]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "Choose a financial year from the list."
        self.years = years

    def chosen(self) -> int | None:
        """The year asked for, else the latest with figures (None when nothing is loaded)."""
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return self.years[0] if self.years else None


class AuthoritiesForm(forms.Form):
    """The partnership's local authorities, one per line by name or GSS code."""

    authorities = forms.CharField(
        label="Local authorities the partnership covers",
        help_text="One per line: the name as the ONS writes it (Camden) or its GSS code "
        "(E09000007). A county's partnership names the county.",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
