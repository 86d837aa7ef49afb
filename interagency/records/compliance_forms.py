"""The partnership compliance page's filters, read from the address (GET) like its exports."""

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import SafeString, mark_safe

from interagency.core.validation import CleanTextForm
from interagency.people.models import Agency, Sector
from interagency.records.selectors.partnership import NO_TIER, Scope


class Select(forms.Select):
    """A select whose options are written here rather than by a template each: a county's
    1,250 agencies took a fifth of the page's time through the option template. Named
    ``Select`` because the GOV.UK form layout picks its markup by the widget's class name."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(str(option["value"]))}"'
            f"{' selected' if option['selected'] else ''}>{escape(str(option['label']))}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        # flatatt escapes the attributes; the options' texts are escaped above.
        opening = f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>'
        return mark_safe(f"{opening}{options}</select>")  # noqa: S308


class ScopeForm(CleanTextForm):
    """Sector, agency and tier (of the main role; "No role" for people without one)."""

    sector = forms.ChoiceField(
        choices=[("", "All sectors"), *Sector.choices], required=False, label="Sector"
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        empty_label="All agencies",
        label="Agency",
        widget=Select,
    )
    tier = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Tier")

    def __init__(self, *args: Any, agencies: Any, tiers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["tier"].choices = [  # type: ignore[attr-defined]
            ("", "All tiers"),
            *[(tier.pk, f"{tier.framework.name}: {tier.name}") for tier in tiers],
            (NO_TIER, "No role"),
        ]

    def scope(self) -> Scope:
        """What the valid form asks for (everything, when it is not valid)."""
        if not self.is_valid():
            return Scope()
        data = self.cleaned_data
        agency = data.get("agency")
        return Scope(
            sector=data.get("sector") or "",
            agency_id=agency.pk if agency is not None else None,
            tier_id=data.get("tier"),
        )
