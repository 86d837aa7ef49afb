"""The training status page's filters, read from the address (GET) so a list can be shared."""

from typing import Any

from django import forms

from interagency.core.validation import CleanTextForm
from interagency.people.models import Agency, Service
from interagency.records import selectors


class StatusFilterForm(CleanTextForm):
    """Name, agency (coordinators only: others see one agency or a team), service, status."""

    q = forms.CharField(required=False, max_length=100, label="Name")
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="All agencies"
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="All services"
    )
    status = forms.ChoiceField(
        choices=[("", "Any (overdue and due soon first)")]
        + [(state.value, state.label) for state in selectors.STATUS_ORDER],
        required=False,
        label="Status",
    )

    def __init__(self, *args: Any, agencies: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
