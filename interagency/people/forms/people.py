"""Forms for a person, their further posts, their leaving, and the people list's filters.

A person's own post fields are their main post; a further post has the same
fields (:class:`PostFieldsForm`), with its line manager given by work email.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone

from interagency.core.dates import govuk_date
from interagency.core.validation import CleanTextForm
from interagency.people import selectors
from interagency.people.forms.fields import (
    AgencyChoiceField,
    RoleChoiceField,
    ServiceChoiceField,
    date_field,
)
from interagency.people.models import Agency, EmploymentType, Person, Service, current_on

MANAGER_MATCHES = 20
NO_LINE_MANAGER = "none"


class PostFieldsForm(CleanTextForm):
    """The fields of a post, main or further: job title, agency, service, role, employment, start.

    Choices are the partnership's rows the member may use; ``managers`` are the
    people the member may see, among whom a line manager is chosen.
    """

    # What the role's help text says: the main role gives the pathway, a further one adds to it.
    role_help_text = ""

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
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["role"].help_text = self.role_help_text
        self.managers = managers

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
        "manager_search",
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
    manager_search = forms.CharField(
        max_length=100,
        required=False,
        label="Find the line manager (optional)",
        help_text="Type their name or work email address, or the first letters, then select Find.",
    )
    line_manager = forms.CharField(max_length=20, required=False, label="Line manager")
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
        person: Person | None = None,
        finding_manager: bool = False,
        **kwargs: Any,
    ) -> None:
        """``managers``: the people the member may see (left ones too, to name the refusal).

        ``finding_manager``: the form was sent only to search for a line manager
        (the Find button, or htmx as the member types): nothing is validated, so
        no error shows for fields not filled in yet.
        """
        super().__init__(*args, **kwargs)
        self.person = person
        self.finding_manager = finding_manager
        self._managers_by_pk: dict[int, Person | None] = {}

    def full_clean(self) -> None:
        if self.finding_manager:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    # The line manager search -------------------------------------------------------

    def _raw(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), "") or "").strip()
        value = self.initial.get(name)
        return "" if value is None else str(value)

    @property
    def current_manager_id(self) -> int | None:
        """The line manager the person has now (``None`` when adding a person)."""
        return self.person.line_manager_id if self.person is not None else None

    def _manager(self, pk: int) -> Person | None:
        """The person ``pk`` among ``managers`` (one query, remembered), else ``None``."""
        if pk not in self._managers_by_pk:
            self._managers_by_pk[pk] = self.managers.select_related("agency").filter(pk=pk).first()
        return self._managers_by_pk[pk]

    def manager_options(self) -> dict[str, Any]:
        """What the line manager radios offer: the chosen one, then up to 20 matches.

        Two queries at most, whatever the number of people: the chosen manager,
        and the first matches (one more than shown, to say there are more).
        """
        raw = self._raw("line_manager")
        search = self._raw("manager_search")[:100]
        chosen: Person | None = None
        if raw.isdigit():
            pk = int(raw)
            if self.person is not None and pk == self.current_manager_id:
                chosen = self.person.line_manager
            else:
                chosen = self._manager(pk)
        matches: list[Person] = []
        if search:
            found = selectors.search_people(self.managers, status="current", search=search)
            if self.person is not None:
                found = found.exclude(pk=self.person.pk)
            if chosen is not None:
                found = found.exclude(pk=chosen.pk)
            matches = list(found[: MANAGER_MATCHES + 1])
        return {
            "search": search,
            "chosen": chosen,
            "none_chosen": raw == NO_LINE_MANAGER,
            "matches": matches[:MANAGER_MATCHES],
            "more": len(matches) > MANAGER_MATCHES,
            "shown": bool(search or chosen or raw or self.errors.get("line_manager")),
        }

    def clean_line_manager(self) -> Person | None:
        """The chosen line manager: someone the member sees, still in post, not the person.

        The person's current line manager may be kept as it is even if the
        member could not choose them now (they have left since, or work in an
        agency the member does not lead): only a change is checked.
        """
        raw = self.cleaned_data.get("line_manager", "").strip()
        if raw in ("", NO_LINE_MANAGER):
            return None
        if not raw.isdigit():
            raise ValidationError("Choose the line manager from the list of matches.")
        pk = int(raw)
        if self.person is not None and pk == self.current_manager_id:
            return self.person.line_manager
        if self.person is not None and pk == self.person.pk:
            raise ValidationError("A person cannot be their own line manager: choose someone else.")
        manager = self._manager(pk)
        if manager is None:
            raise ValidationError(
                "The line manager chosen is not someone you can see in this partnership: "
                "search again and choose from the matches."
            )
        # A leaving date still to come: they manage until then.
        if manager.left_on is not None and not manager.is_current():
            raise ValidationError(
                f"{manager.full_name} left on {govuk_date(manager.left_on)}: "
                "choose a line manager who is still in post."
            )
        return manager

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = cleaned.pop("manager_search", "")
        if typed and not self._raw("line_manager") and "line_manager" not in self.errors:
            self.add_error(
                "manager_search",
                "Select Find and choose the line manager from the matches, "
                "or clear the search box.",
            )
        return cleaned

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
