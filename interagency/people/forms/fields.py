"""The choice fields and date inputs the people forms share."""

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.db.models import Q

from interagency.core.choice_search import SearchedChoiceField
from interagency.core.validation import SafeDateInputField


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.agency.name}: {obj.name}"


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.tier.name}, {obj.framework.name})"


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() if hasattr(obj, "get_full_name") else ""
        return f"{name} ({obj.email})" if name else obj.email


def date_field(label: str, *, required: bool = False, help_text: str = "") -> DateInputField:
    return SafeDateInputField(
        label=label,
        required=required,
        require_all_fields=False,
        help_text=help_text or "For example, 27 3 2024",
    )


# Searched choices: agencies, services and people are too many for a select box
# at county scale (1,250 agencies, 2,463 services, 100,000 people).


def agency_search_field(
    *, label: str = "Agency", none_label: str = "", **kwargs: Any
) -> SearchedChoiceField:
    """An agency found by its name (its sector tells namesakes apart)."""
    return SearchedChoiceField(
        label=label,
        search_label=kwargs.pop(
            "search_label", f"Find the {label.lower().removesuffix(' (optional)')}"
        ),
        search_help="Type part of the agency's name, then select Find.",
        none_label=none_label,
        label_of=lambda agency: agency.name,
        hint_of=lambda agency: agency.get_sector_display(),
        required=not none_label,
        **kwargs,
    )


def services_matching(services: Any, text: str) -> Any:
    """Services whose name, or whose agency's name, holds ``text``."""
    return services.filter(Q(name__icontains=text) | Q(agency__name__icontains=text)).order_by(
        "agency__name", "name", "pk"
    )


def service_search_field(
    *, label: str = "Service (optional)", none_label: str = "No service", **kwargs: Any
) -> SearchedChoiceField:
    """A service found by its name or its agency's name (the agency is its hint)."""
    return SearchedChoiceField(
        label=label,
        search_label=kwargs.pop("search_label", "Find the service"),
        search_help="Type part of the service's or the agency's name, then select Find.",
        none_label=none_label,
        find=services_matching,
        label_of=lambda service: service.name,
        hint_of=lambda service: service.agency.name,
        required=False,
        **kwargs,
    )
