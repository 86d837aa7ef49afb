"""Forms for the agencies and people pages (GOV.UK markup through crispy-forms-gds).

Choices are always the partnership's own rows, narrowed by what the member
may touch (an agency lead picks only the agencies they lead). Forms read what
was typed; the services decide whether it is allowed.
"""

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.db.models import QuerySet

from interagency.people.models import Agency, EmploymentType, Person, Sector, Service


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


def _date_field(label: str, *, required: bool = False, help_text: str = "") -> DateInputField:
    return DateInputField(
        label=label,
        required=required,
        require_all_fields=False,
        help_text=help_text or "For example, 27 3 2024",
    )


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, label="Agency name")
    sector = forms.ChoiceField(choices=Sector.choices, label="Sector")
    is_statutory_partner = forms.BooleanField(
        required=False, label="One of the statutory safeguarding partners"
    )
    parent = AgencyChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Part of another agency (optional)",
        empty_label="Not part of another agency",
    )
    contact_name = forms.CharField(max_length=150, required=False, label="Contact name")
    contact_email = forms.EmailField(required=False, label="Contact email address")
    lead = LeadChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Agency lead (optional)",
        help_text="A member with the agency lead role: they see and change this agency's people.",
        empty_label="No agency lead",
    )

    def __init__(
        self, *args, agencies: QuerySet[Agency], leads: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Service name",
        help_text="A team or department, such as Emergency department or Early help.",
    )


class PersonForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    work_email = forms.EmailField(required=False, label="Work email address")
    job_title = forms.CharField(max_length=150, required=False, label="Job title")
    agency = AgencyChoiceField(queryset=Agency.objects.none(), label="Agency")
    service = ServiceChoiceField(
        queryset=Service.objects.none(),
        required=False,
        label="Service (optional)",
        empty_label="No service",
    )
    role = RoleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Role (optional)",
        help_text="The role gives the person's training pathway.",
        empty_label="Not known yet",
    )
    line_manager = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Line manager (optional)",
        empty_label="No line manager",
    )
    employment_type = forms.ChoiceField(
        choices=EmploymentType.choices, label="Employment", initial=EmploymentType.PERMANENT
    )
    started_on = _date_field("Start date (optional)")
    external_id = forms.CharField(
        max_length=64, required=False, label="The agency's own id, such as an HR number (optional)"
    )
    registration_number = forms.CharField(
        max_length=64,
        required=False,
        label="Professional registration number (optional)",
        help_text="GMC, NMC, Social Work England or similar.",
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        services: QuerySet[Service],
        roles: QuerySet[Any],
        managers: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["line_manager"].queryset = managers  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "full_name": person.full_name,
            "work_email": person.work_email,
            "job_title": person.job_title,
            "agency": person.agency_id,
            "service": person.service_id,
            "role": person.role_id,
            "line_manager": person.line_manager_id,
            "employment_type": person.employment_type,
            "started_on": person.started_on,
            "external_id": person.external_id,
            "registration_number": person.registration_number,
        }


class LeavingForm(forms.Form):
    left_on = _date_field("Leaving date", required=True, help_text="For example, 31 3 2025")


STATUS_CHOICES = [("current", "Current"), ("left", "Left"), ("all", "Current and left")]


class PeopleFilterForm(forms.Form):
    """The people list's filters, read from the address (GET) so results can be shared."""

    q = forms.CharField(required=False, max_length=100, label="Name or email address")
    agency = AgencyChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="All agencies"
    )
    service = ServiceChoiceField(
        queryset=Service.objects.none(), required=False, empty_label="All services"
    )
    role = RoleChoiceField(queryset=Agency.objects.none(), required=False, empty_label="All roles")
    employment_type = forms.ChoiceField(
        choices=[("", "All kinds of employment"), *EmploymentType.choices],
        required=False,
        label="Employment",
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Current or left")

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency],
        services: QuerySet[Service],
        roles: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
