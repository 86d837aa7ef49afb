"""The training status page's filters, read from the address (GET) so a list can be shared."""

from typing import Any

from django import forms

from interagency.core.choice_search import ChoiceSearchMixin
from interagency.core.validation import CleanTextForm
from interagency.people.forms.fields import agency_search_field, service_search_field
from interagency.records import selectors


class StatusFilterForm(ChoiceSearchMixin, CleanTextForm):
    """Name, agency (coordinators only: others see one agency or a team), service, status.

    The agency and service are found by a search step (``core/choice_search.py``): a
    county's 2,463 services in a select box made a page of about 1 MB.
    """

    must_choose = False

    q = forms.CharField(required=False, max_length=100, label="Name")
    agency = agency_search_field(none_label="All agencies")
    service = service_search_field(label="Service", none_label="All services")
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
            del self.fields["agency_search"]
        else:
            self.fields["agency"].rows = agencies  # type: ignore[attr-defined]
        self.fields["service"].rows = services.select_related("agency")  # type: ignore[attr-defined]
