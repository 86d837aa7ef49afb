"""The partnership compliance page's filters, read from the address (GET) like its exports."""

from typing import Any

from django import forms

from interagency.core.validation import CleanTextForm
from interagency.people.models import Agency, Sector
from interagency.records.selectors.partnership import NO_TIER, Scope


class ScopeForm(CleanTextForm):
    """Sector, agency and tier (of the main role; "No role" for people without one)."""

    sector = forms.ChoiceField(
        choices=[("", "All sectors"), *Sector.choices], required=False, label="Sector"
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="All agencies", label="Agency"
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
