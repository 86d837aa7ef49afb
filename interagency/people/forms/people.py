"""Forms for a person, their further posts, their leaving, and the people list's filters.

A person's own post fields are their main post; a further post has the same
fields (:class:`PostFieldsForm`), with its line manager given by work email.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from interagency.core.choice_search import MATCHES_SHOWN, ChoiceSearchMixin, SearchedChoiceField
from interagency.core.dates import govuk_date
from interagency.core.validation import CleanTextForm
from interagency.people import selectors
from interagency.people.forms.fields import (
    RoleChoiceField,
    agency_search_field,
    date_field,
    service_search_field,
)
from interagency.people.models import Agency, EmploymentType, Person, Service, current_on

MANAGER_MATCHES = MATCHES_SHOWN
NO_LINE_MANAGER = "none"


def manager_hint(person: Person) -> str:
    """What tells a line manager from their namesakes: job title, agency, email, leaving."""
    hint = f"{person.job_title or 'No job title'}, {person.agency.name}"
    if person.work_email:
        hint += f" ({person.work_email})"
    if person.left_on:
        hint += f". Left on {govuk_date(person.left_on)}"
    return hint


def current_people_matching(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """People still in post whose name or work email has words beginning as ``text``'s."""
    return selectors.search_people(people, status="current", search=text)


class PostFieldsForm(ChoiceSearchMixin, CleanTextForm):
    """The fields of a post, main or further: job title, agency, service, role, employment, start.

    Agencies and services are found by a search step (a county has thousands);
    their rows are those the member may use. ``managers`` are the people the
    member may see, among whom a line manager is chosen.
    """

    # What the role's help text says: the main role gives the pathway, a further one adds to it.
    role_help_text = ""

    job_title = forms.CharField(max_length=150, required=False, label="Job title")
    agency = agency_search_field(
        error_messages={"required": "Find the agency and choose it from the matches"}
    )
    service = service_search_field()
    role = RoleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Role (optional)",
        empty_label="Not known yet",
    )
    employment_type = forms.ChoiceField(
        choices=EmploymentType.choices, label="Employment", initial=EmploymentType.PERMANENT
    )
    started_on = date_field("Start date (optional)")

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
        self.fields["agency"].rows = agencies.order_by("name", "pk")  # type: ignore[attr-defined]
        self.fields["service"].rows = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["role"].help_text = self.role_help_text
        self.managers = managers

    def exclude_from_matches(self, name: str, rows: QuerySet[Any]) -> QuerySet[Any]:
        """Once an agency is chosen, only its services are offered."""
        agency = self.raw("agency")
        if name == "service" and agency.isdigit():
            return rows.filter(agency_id=int(agency))
        return rows

    @staticmethod
    def post_initial(post: Any) -> dict[str, Any]:
        """The post fields' values of a person (their main post) or of a further post."""
        return {
            "job_title": post.job_title,
            "agency": post.agency_id,
            "service": post.service_id,
            "role": post.role_id,
            "employment_type": post.employment_type,
            "started_on": post.started_on,
        }


class PersonForm(PostFieldsForm):
    role_help_text = "The role gives the person's training pathway."
    field_order = [
        "full_name",
        "work_email",
        "job_title",
        "agency",
        "service",
        "role",
        "line_manager",
        "employment_type",
        "started_on",
        "external_id",
        "registration_number",
    ]

    full_name = forms.CharField(max_length=150, label="Full name")
    work_email = forms.EmailField(required=False, label="Work email address")
    # The line manager is found by a search, never a list of everyone (a borough
    # has thousands of people): ``manager_search`` holds what was typed, and
    # ``line_manager`` the id of the match chosen ("none" for no line manager).
    line_manager = SearchedChoiceField(
        label="Line manager",
        search_label="Find the line manager (optional)",
        search_help=(
            "Type their name or work email address, or the first letters, then select Find."
        ),
        none_label="No line manager",
        find=current_people_matching,
        label_of=lambda person: person.full_name,
        hint_of=manager_hint,
        search_name="manager_search",
        find_name="find_manager",
        required=False,
        error_messages={
            "invalid_choice": "The line manager chosen is not someone you can see in this "
            "partnership: search again and choose from the matches."
        },
    )
    external_id = forms.CharField(
        max_length=64, required=False, label="The agency's own id, such as an HR number (optional)"
    )
    registration_number = forms.CharField(
        max_length=64,
        required=False,
        label="Professional registration number (optional)",
        help_text="GMC, NMC, Social Work England or similar.",
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        """``managers``: the people the member may see (left ones too, to name the refusal).

        The person's current line manager may be kept as it is even if the member
        could not choose them now (they have left since, or work in an agency the
        member does not lead): only a change is checked.
        """
        super().__init__(*args, **kwargs)
        self.person = person
        field = self.fields["line_manager"]
        field.rows = self.managers.select_related("agency")  # type: ignore[attr-defined]
        if person is not None and person.line_manager_id is not None:
            field.found[person.line_manager_id] = person.line_manager  # type: ignore[attr-defined]

    @property
    def finding_manager(self) -> bool:
        return self.finding

    def exclude_from_matches(self, name: str, rows: QuerySet[Any]) -> QuerySet[Any]:
        """The person is never offered as their own line manager."""
        if name == "line_manager" and self.person is not None:
            return rows.exclude(pk=self.person.pk)
        return super().exclude_from_matches(name, rows)

    def clean_line_manager(self) -> Person | None:
        """The chosen line manager: someone the member sees, still in post, not the person."""
        manager = self.cleaned_data.get("line_manager")
        if manager is None or self.person is None or manager.pk != self.person.line_manager_id:
            if manager is not None and self.person is not None and manager.pk == self.person.pk:
                raise ValidationError(
                    "A person cannot be their own line manager: choose someone else."
                )
            # A leaving date still to come: they manage until then.
            if manager is not None and manager.left_on is not None and not manager.is_current():
                raise ValidationError(
                    f"{manager.full_name} left on {govuk_date(manager.left_on)}: "
                    "choose a line manager who is still in post."
                )
        return manager

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "full_name": person.full_name,
            "work_email": person.work_email,
            **cls.post_initial(person),
            "line_manager": person.line_manager_id,
            "external_id": person.external_id,
            "registration_number": person.registration_number,
        }


class PostForm(PostFieldsForm):
    """A further post of a person: its agency, service, role, job title and dates."""

    role_help_text = "The role's pathway adds to the training the person needs."

    line_manager_email = forms.EmailField(
        max_length=254,
        required=False,
        label="Line manager's work email (optional)",
        help_text="Who manages them in this post, if not their main line manager.",
    )

    def clean_line_manager_email(self) -> Person | None:
        """The current person with this work email among those the member may see, or none."""
        email = self.cleaned_data["line_manager_email"]
        if not email:
            return None
        manager = (
            self.managers.filter(current_on(timezone.localdate()))
            .filter(merged_into__isnull=True, work_email__iexact=email)
            .order_by("pk")
            .first()
        )
        if manager is None:
            raise ValidationError(
                "No one in post that you can see has this work email. Check it, or leave it blank."
            )
        return manager

    def post_fields(self) -> dict[str, Any]:
        """The post's values for ``services.posts``: the line manager found by their email."""
        fields = dict(self.cleaned_data)
        fields["line_manager"] = fields.pop("line_manager_email")
        return fields

    @classmethod
    def initial_for(cls, post: Any) -> dict[str, Any]:
        return {
            **cls.post_initial(post),
            "line_manager_email": post.line_manager.work_email if post.line_manager else "",
        }


class LeavingForm(CleanTextForm):
    left_on = date_field("Leaving date", required=True, help_text="For example, 31 3 2025")


STATUS_CHOICES = [("current", "Current"), ("left", "Left"), ("all", "Current and left")]


class PeopleFilterForm(ChoiceSearchMixin, forms.Form):
    """The people list's filters, read from the address (GET) so results can be shared.

    The agency and service are found by a search step, as on the person form.
    """

    must_choose = False

    q = forms.CharField(required=False, max_length=100, label="Name or email address")
    agency = agency_search_field(none_label="All agencies")
    service = service_search_field(label="Service", none_label="All services")
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
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]
        self.fields["service"].rows = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
