"""Forms for an agency and its services."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from interagency.core.choice_search import SEARCH_LENGTH, ChoiceSearchMixin, SearchedChoiceField
from interagency.core.validation import CleanTextForm
from interagency.people.forms.fields import agency_search_field
from interagency.people.models import Agency, Sector


def members_matching(members: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Members whose email, first or last name holds ``text``."""
    return members.filter(
        Q(email__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
    )


def lead_label(user: Any) -> str:
    """A member by name and email, or by email alone when they gave no name."""
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class AgencySearchForm(forms.Form):
    """The agencies list's search, read from the address so results can be shared."""

    q = forms.CharField(required=False, max_length=SEARCH_LENGTH, label="Agency name")

    def clean_q(self) -> str:
        # Longer text is cut rather than refused: a search always answers.
        return self.cleaned_data["q"][:SEARCH_LENGTH]


class AgencyForm(ChoiceSearchMixin, CleanTextForm):
    name = forms.CharField(max_length=200, label="Agency name")
    code = forms.CharField(
        max_length=30,
        required=False,
        label="Code (optional)",
        help_text="A short code staff lists may use for this agency, like an ODS code or URN.",
    )
    sector = forms.ChoiceField(choices=Sector.choices, label="Sector")
    is_statutory_partner = forms.BooleanField(
        required=False, label="One of the statutory safeguarding partners"
    )
    parent = agency_search_field(
        label="Part of another agency (optional)",
        search_label="Find the agency it is part of (optional)",
        none_label="Not part of another agency",
    )
    contact_name = forms.CharField(max_length=150, required=False, label="Contact name")
    contact_email = forms.EmailField(required=False, label="Contact email address")
    lead = SearchedChoiceField(
        label="Agency lead (optional)",
        search_label="Find the agency lead (optional)",
        search_help=(
            "A member with the agency lead role: they see and change this agency's people. "
            "Type part of their name or email address, then select Find."
        ),
        none_label="No agency lead",
        find=members_matching,
        label_of=lead_label,
        required=False,
    )

    def __init__(
        self, *args, agencies: QuerySet[Agency], leads: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].rows = agencies  # type: ignore[attr-defined]
        self.fields["lead"].rows = leads  # type: ignore[attr-defined]


class ServiceForm(CleanTextForm):
    name = forms.CharField(
        max_length=200,
        label="Service name",
        help_text="A team or department, such as Emergency department or Early help.",
    )
