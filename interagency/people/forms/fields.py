"""The choice fields and date inputs the people forms share."""

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms

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
