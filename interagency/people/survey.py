"""The mapping survey's private links, and the forms for headcounts and survey replies.

A survey link carries a random token: whoever holds the link may fill in the
agency's return, so the token is the credential (like a password-reset link).
Only its SHA-256 is stored, so a copy of the database reveals no working link.

The reply form is a grid: a row per service, a column per training tier of the
partnership's adopted frameworks. It works without JavaScript: a fixed number
of blank rows, and an "add more rows" button that posts the form back with
more. Every problem names its row and column ("Service 3: enter a whole number
of staff for Group B") so the GOV.UK error summary reads on its own.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms

from interagency.catalogue.models import Role, Tier
from interagency.core.choice_search import ChoiceSearchMixin
from interagency.core.validation import CleanTextForm
from interagency.people.forms.fields import agency_search_field, service_search_field
from interagency.people.models import Headcount

# How many service rows a blank reply offers, how many "add more rows" adds,
# and the most a reply may have (a bound on the work one POST can ask for).
BLANK_ROWS = 10
MORE_ROWS = 5
MAX_ROWS = 200
MAX_COUNT = 100_000


def new_token() -> str:
    """A fresh link token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # 256 random bits leave nothing to brute-force, so a fast hash is enough.
    return hashlib.sha256(token.encode()).hexdigest()


# Headcounts -------------------------------------------------------------------------


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Tier) -> str:
        return f"{obj.framework.name}: {obj.name}"


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return f"{obj.name} ({obj.tier.name})"


class FigureDateField(DateInputField):
    """The GOV.UK date input; each missing part is named, an impossible date is refused."""

    def __init__(self, **kwargs) -> None:
        super().__init__(require_all_fields=False, **kwargs)

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        # A year too large for a date overflows rather than failing validation.
        except (forms.ValidationError, OverflowError):
            raise forms.ValidationError("The date must be a real date, like 1 4 2025") from None


class HeadcountForm(ChoiceSearchMixin, CleanTextForm):
    """One figure: how many staff of an agency (or one of its services) hold a role or tier.

    The agency and service are found by a search step (a county has thousands).
    """

    agency = agency_search_field(
        error_messages={"required": "Choose the agency", "invalid_choice": "Choose the agency"},
    )
    service = service_search_field(
        none_label="The whole agency",
        search_label="Find the service (optional)",
        error_messages={"invalid_choice": "Choose a service of this agency"},
    )
    role = RoleChoiceField(
        queryset=Role.objects.none(),
        required=False,
        empty_label="No role",
        label="Role",
        error_messages={"invalid_choice": "Choose a role from the list"},
    )
    tier = TierChoiceField(
        queryset=Tier.objects.none(),
        required=False,
        empty_label="No training level",
        label="Training level",
        help_text="Count by role or by training level: choose one of the two.",
        error_messages={"invalid_choice": "Choose a training level from the list"},
    )
    count = forms.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        label="Number of staff and volunteers",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of staff and volunteers",
            "invalid": "Enter the number of staff and volunteers as a whole number, like 12",
            "min_value": "The number of staff and volunteers must be 0 or more",
            "max_value": f"The number of staff and volunteers must be {MAX_COUNT:,} or fewer",
        },
    )
    as_of = FigureDateField(
        label="Date the figure describes",
        help_text="For example, 1 4 2025",
    )
    source = forms.CharField(
        max_length=200,
        label="Source",
        help_text="Where the figure came from, for example “HR return, April 2025”.",
        error_messages={
            "required": "Enter where the figure came from",
            "max_length": "The source must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, agencies, services, roles, tiers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].rows = agencies  # type: ignore[attr-defined]
        self.fields["service"].rows = services  # type: ignore[attr-defined]
        self.fields["role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]
        self.fields["as_of"].error_messages.update(
            {
                "required": "Enter the date the figure describes",
                "incomplete": "Enter the date the figure describes as a day, month and year",
            }
        )

    @classmethod
    def initial_for(cls, headcount: Headcount) -> dict[str, Any]:
        return {
            "agency": headcount.agency_id,
            "service": headcount.service_id,
            "role": headcount.role_id,
            "tier": headcount.tier_id,
            "count": headcount.count,
            "as_of": headcount.as_of,
            "source": headcount.source,
        }

    def exclude_from_matches(self, name: str, rows: Any) -> Any:
        """Once an agency is chosen, only its services are offered."""
        agency = self.raw("agency")
        if name == "service" and agency.isdigit():
            return rows.filter(agency_id=int(agency))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if "role" in data and "tier" in data:
            if data["role"] is None and data["tier"] is None:
                self.add_error("role", "Choose a role or a training level")
            elif data["role"] is not None and data["tier"] is not None:
                self.add_error("tier", "Choose a role or a training level, not both")
        agency, service = data.get("agency"), data.get("service")
        if agency is not None and service is not None and service.agency_id != agency.pk:
            self.add_error("service", "Choose a service of this agency")
        return data


# The survey reply -------------------------------------------------------------------


@dataclass(frozen=True)
class TierColumn:
    """One column of the reply grid: a tier, labelled so two frameworks' tiers differ."""

    tier: Tier
    label: str


def tier_columns(tiers: Sequence[Tier]) -> list[TierColumn]:
    """Label each tier by name, adding its framework's name when the names collide."""
    frameworks = {tier.framework_id for tier in tiers}
    return [
        TierColumn(
            tier, f"{tier.framework.name}: {tier.name}" if len(frameworks) > 1 else tier.name
        )
        for tier in tiers
    ]


@dataclass
class ReplyRow:
    """One service row of the form, its bound fields ready for the template."""

    number: int
    name: forms.BoundField
    counts: list[tuple[TierColumn, forms.BoundField]]

    @property
    def errors(self) -> list[str]:
        return [str(e) for e in self.name.errors] + [
            str(e) for _, field in self.counts for e in field.errors
        ]


def _row_count(data: Any, initial_rows: int) -> int:
    """The number of rows: as posted (bounded), else enough for ``initial_rows`` and spares."""
    if data is not None:
        try:
            rows = int(data.get("rows", BLANK_ROWS))
        except (TypeError, ValueError):
            rows = BLANK_ROWS
        if "add_rows" in data:
            rows += MORE_ROWS
        return max(1, min(rows, MAX_ROWS))
    return min(max(BLANK_ROWS, initial_rows + MORE_ROWS), MAX_ROWS)


class SurveyReplyForm(CleanTextForm):
    """The agency lead's name and their services with staff numbers per training tier.

    ``cleaned_reply`` is the list stored on ``SurveyRequest.reply``:
    ``[{"service": "A&E", "role_id": None, "tier_id": 3, "count": 12}, ...]``.
    """

    respondent_name = forms.CharField(
        max_length=150,
        label="Your full name",
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 150 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        data=None,
        *,
        tiers: Sequence[Tier],
        reply: list[dict] | None = None,
        respondent_name: str = "",
        carried: Any = None,
        **kwargs,
    ) -> None:
        """``reply`` prefills a stored return; ``carried`` (a POST asking for more
        rows) prefills what was typed, unchecked, with the extra blank rows."""
        self.columns = tier_columns(tiers)
        services = _services_of(reply or [])
        self.row_count = _row_count(data if data is not None else carried, len(services))
        initial: dict[str, Any] = {"respondent_name": respondent_name}
        for index, (service, counts) in enumerate(services.items(), start=1):
            initial[f"service_{index}_name"] = service
            for tier_id, count in counts.items():
                initial[f"service_{index}_tier_{tier_id}"] = count
        if carried is not None:
            initial = {key: carried.get(key) for key in carried if key != "csrfmiddlewaretoken"}
        initial["rows"] = self.row_count
        if data is not None:
            data = data.copy()
            data["rows"] = str(self.row_count)
        super().__init__(data, initial=initial, **kwargs)
        for number in range(1, self.row_count + 1):
            self.fields[f"service_{number}_name"] = forms.CharField(
                required=False, max_length=200, label=f"Service {number}: name"
            )
            for column in self.columns:
                self.fields[f"service_{number}_tier_{column.tier.pk}"] = forms.CharField(
                    required=False,
                    max_length=20,
                    label=f"Service {number}: {column.label}",
                )

    @property
    def adding_rows(self) -> bool:
        """True when the lead asked for more rows rather than sending the reply."""
        return self.is_bound and "add_rows" in self.data

    def reply_rows(self) -> list[ReplyRow]:
        return [
            ReplyRow(
                number,
                self[f"service_{number}_name"],
                [
                    (column, self[f"service_{number}_tier_{column.tier.pk}"])
                    for column in self.columns
                ],
            )
            for number in range(1, self.row_count + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        reply: list[dict] = []
        seen: dict[str, int] = {}
        for number in range(1, self.row_count + 1):
            name_field = f"service_{number}_name"
            name = " ".join((data.get(name_field) or "").split())
            counts: list[tuple[int, int]] = []
            any_entered = False
            for column in self.columns:
                field = f"service_{number}_tier_{column.tier.pk}"
                text = (data.get(field) or "").strip().replace(",", "")
                if not text:
                    continue
                any_entered = True
                if not text.isdigit():
                    self.add_error(
                        field,
                        f"Service {number}: enter a whole number of staff for {column.label}",
                    )
                elif int(text) > MAX_COUNT:
                    self.add_error(
                        field,
                        f"Service {number}: the number of staff for {column.label} "
                        f"must be {MAX_COUNT:,} or fewer",
                    )
                else:
                    counts.append((column.tier.pk, int(text)))
            if not name:
                if any_entered:
                    self.add_error(name_field, f"Service {number}: enter the service's name")
                continue
            if name.lower() in seen:
                self.add_error(
                    name_field,
                    f"Service {number}: {name} is already service {seen[name.lower()]}; "
                    "give each service once",
                )
                continue
            seen[name.lower()] = number
            if not any_entered:
                self.add_error(
                    f"service_{number}_tier_{self.columns[0].tier.pk}"
                    if self.columns
                    else name_field,
                    f"Service {number}: enter the number of staff for at least one level",
                )
                continue
            reply += [
                {"service": name, "role_id": None, "tier_id": tier_id, "count": count}
                for tier_id, count in counts
            ]
        if not seen and not any(key.startswith("service_") for key in self.errors):
            self.add_error("service_1_name", "Service 1: enter the name of at least one service")
        self.cleaned_reply = reply
        return data


def _services_of(reply: list[dict]) -> dict[str, dict[int, int]]:
    """A stored reply regrouped as {service name: {tier id: count}}, in reply order."""
    services: dict[str, dict[int, int]] = {}
    for entry in reply:
        counts = services.setdefault(entry.get("service", ""), {})
        if entry.get("tier_id") is not None:
            counts[entry["tier_id"]] = entry.get("count", 0)
    return services
