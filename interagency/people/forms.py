"""Forms for the agencies and people pages (GOV.UK markup through crispy-forms-gds).

Choices are always the partnership's own rows, narrowed by what the member
may touch (an agency lead picks only the agencies they lead). Forms read what
was typed; the services decide whether it is allowed.
"""

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils import timezone

from interagency.core.validation import CleanTextForm, SafeDateInputField
from interagency.people import selectors
from interagency.people.models import (
    Agency,
    EmploymentType,
    ImportSettings,
    Person,
    Sector,
    Service,
    current_on,
)

MANAGER_MATCHES = 20
NO_LINE_MANAGER = "none"


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
    return SafeDateInputField(
        label=label,
        required=required,
        require_all_fields=False,
        help_text=help_text or "For example, 27 3 2024",
    )


class AgencyForm(CleanTextForm):
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


class ServiceForm(CleanTextForm):
    name = forms.CharField(
        max_length=200,
        label="Service name",
        help_text="A team or department, such as Emergency department or Early help.",
    )


class PersonForm(CleanTextForm):
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
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["service"].queryset = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.managers = managers
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
                f"{manager.full_name} left on {manager.left_on.day} {manager.left_on:%B %Y}: "
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


class PostForm(CleanTextForm):
    """A further post of a person: its agency, service, role, job title and dates."""

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
        help_text="The role's pathway adds to the training the person needs.",
        empty_label="Not known yet",
    )
    employment_type = forms.ChoiceField(
        choices=EmploymentType.choices, label="Employment", initial=EmploymentType.PERMANENT
    )
    started_on = _date_field("Start date (optional)")
    line_manager_email = forms.EmailField(
        max_length=254,
        required=False,
        label="Line manager's work email (optional)",
        help_text="Who manages them in this post, if not their main line manager.",
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
        self.managers = managers

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

    @staticmethod
    def initial_for(post: Any) -> dict[str, Any]:
        return {
            "job_title": post.job_title,
            "agency": post.agency_id,
            "service": post.service_id,
            "role": post.role_id,
            "employment_type": post.employment_type,
            "started_on": post.started_on,
            "line_manager_email": post.line_manager.work_email if post.line_manager else "",
        }


class LeavingForm(CleanTextForm):
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


def _rows_label(entry: dict) -> str:
    rows = entry["rows"]
    sample = ", ".join(str(number) for number in entry["sample"])
    more = f" and {rows - len(entry['sample'])} more" if rows > len(entry["sample"]) else ""
    plural = "s" if rows != 1 else ""
    return f"{rows} row{plural}: '{entry['text']}' (row{plural} {sample}{more})"


class ImportChoicesForm(forms.Form):
    """The preview's confirmation tables: what each contract word of the file means, and what
    to do with each role the catalogue does not have. Suggestions are prefilled."""

    def __init__(
        self,
        *args: Any,
        review: dict,
        chosen: dict,
        roles: Any,
        agencies: Any = (),
        tiers: Any = (),
        **kwargs: Any,
    ) -> None:
        """``tiers``: those the importer may create an unknown role in (coordinators only)."""
        super().__init__(*args, **kwargs)
        tiers = list(tiers)
        self.words: list[tuple[str, str]] = []  # (field name, the word's key)
        self.unknown_roles: list[tuple[str, str]] = []
        self.unknown_organisations: list[tuple[str, str]] = []
        self._add_organisations(review, chosen, agencies)
        words = sorted(
            (review.get("contract_words") or {}).items(), key=lambda item: -item[1]["rows"]
        )
        for number, (key, entry) in enumerate(words):
            name = f"contract-{number}"
            self.words.append((name, key))
            self.fields[name] = forms.ChoiceField(
                label=_rows_label(entry),
                choices=[("", "Choose what this means"), *EmploymentType.choices],
                required=False,
                initial=(chosen.get("contract_words") or {}).get(key) or entry.get("suggested"),
            )
        role_choices = [
            ("", "Choose a role, or to import without one"),
            ("none", "Import without a role"),
            *((str(role.pk), role.name) for role in roles),
        ]
        unknown = sorted(
            (review.get("unknown_roles") or {}).items(), key=lambda item: -item[1]["rows"]
        )
        for number, (key, entry) in enumerate(unknown):
            name = f"role-{number}"
            self.unknown_roles.append((name, key))
            close = ", ".join(entry.get("close") or [])
            self.fields[name] = forms.ChoiceField(
                label=_rows_label(entry),
                help_text=f"Close to: {close}" if close else "",
                choices=[
                    *role_choices[:2],
                    *(
                        (
                            f"new:{tier.pk}",
                            f"Create the role '{entry['text']}' in "
                            + (
                                f"{tier.name} ({tier.framework.name})"
                                if len({t.framework_id for t in tiers}) > 1
                                else tier.name
                            ),
                        )
                        for tier in tiers
                    ),
                    *role_choices[2:],
                ],
                required=False,
                initial=(chosen.get("roles") or {}).get(key, ""),
            )

    @property
    def has_choices(self) -> bool:
        return bool(self.fields)

    def _add_organisations(self, review: dict, chosen: dict, agencies: Any) -> None:
        """A choice of agency (or to reject the rows) for each organisation no agency matched."""
        agency_choices = [
            ("", "Choose the agency, or to reject these rows"),
            ("reject", "Reject these rows"),
            *((str(agency.pk), agency.name) for agency in agencies),
        ]
        unknown = sorted(
            (review.get("organisations") or {}).items(), key=lambda item: -item[1]["rows"]
        )
        for number, (key, entry) in enumerate(unknown):
            name = f"organisation-{number}"
            self.unknown_organisations.append((name, key))
            self.fields[name] = forms.ChoiceField(
                label=_rows_label(entry),
                choices=agency_choices,
                required=False,
                initial=(chosen.get("organisations") or {}).get(key, ""),
            )

    def organisation_fields(self) -> list[Any]:
        return [self[name] for name, _ in self.unknown_organisations]

    def word_fields(self) -> list[Any]:
        return [self[name] for name, _ in self.words]

    def role_fields(self) -> list[Any]:
        return [self[name] for name, _ in self.unknown_roles]

    def choices(self) -> dict:
        """The answers given, keyed as ``PeopleImport.choices`` keeps them; blanks left out."""
        data = self.cleaned_data
        return {
            "contract_words": {key: data[name] for name, key in self.words if data.get(name)},
            "roles": {key: data[name] for name, key in self.unknown_roles if data.get(name)},
            "organisations": {
                key: data[name] for name, key in self.unknown_organisations if data.get(name)
            },
        }


class ImportSettingsForm(forms.Form):
    """What every row of the partnership's staff lists must have."""

    required_fields = forms.MultipleChoiceField(
        label="Every imported person must have",
        help_text="A row missing one of these is rejected, with its row, column and reason. "
        "The name is always needed.",
        choices=ImportSettings.Required.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
