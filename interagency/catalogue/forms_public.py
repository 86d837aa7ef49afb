"""Forms of the public catalogue pages: the course filters and "which training do I need?".

All of them are GET forms: their answers are in the address, so a search or a
result can be bookmarked, shared and reached without JavaScript.
"""

from collections.abc import Iterable
from decimal import Decimal
from itertools import groupby
from typing import Any

from django import forms

from interagency.catalogue.models import CompetenceFramework, Course, Role, Tier, Topic


def _grouped_by_framework(rows: Iterable[Any], label) -> list:
    """Select choices grouped by framework (``<optgroup>``), rows already in framework order."""
    return [
        (framework.name, [(str(row.pk), label(row)) for row in group])
        for framework, group in groupby(rows, key=lambda row: row.framework)
    ]


class _ChoicesMixin:
    fields: dict[str, forms.Field]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


def tier_choices(tiers: Iterable[Tier]) -> list:
    return [("", "Any tier"), *_grouped_by_framework(tiers, lambda tier: tier.name)]


def role_choices(roles: Iterable[Role], empty: str) -> list:
    return [("", empty), *_grouped_by_framework(roles, lambda role: f"{role.name} ({role.tier})")]


class CourseFilterForm(_ChoicesMixin, forms.Form):
    """Narrow the catalogue: words, tier, category, topic, longest duration, role."""

    q = forms.CharField(
        label="Search courses",
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"class": "govuk-input", "spellcheck": "false"}),
    )
    tier = forms.TypedChoiceField(label="Tier", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "Any category"), *Course.Category.choices],
    )
    topic = forms.ChoiceField(label="Topic", required=False)
    max_hours = forms.DecimalField(
        label="Longest duration, in hours",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(999),
        decimal_places=1,
        error_messages={
            "invalid": "Enter the longest duration as a number of hours, like 3 or 6",
            "min_value": "The longest duration must be at least half an hour",
            "max_value": "The longest duration must be 999 hours or fewer",
            "max_decimal_places": "Enter the longest duration to the nearest half hour",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-4", "inputmode": "decimal", "spellcheck": "false"}
        ),
    )
    role = forms.TypedChoiceField(label="Role", required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        data: Any,
        *,
        tiers: Iterable[Tier],
        topics: Iterable[Topic],
        roles: Iterable[Role],
    ) -> None:
        super().__init__(data)
        self._choice_field("tier").choices = tier_choices(tiers)
        self._choice_field("topic").choices = [
            ("", "Any topic"),
            *((topic.slug, topic.name) for topic in topics),
        ]
        self.roles = {role.pk: role for role in roles}
        self._choice_field("role").choices = role_choices(self.roles.values(), "Any role")
        for name in ("tier", "category", "topic", "role"):
            # Long role and tier names must not push the select out of its column.
            self.fields[name].widget.attrs["class"] = "govuk-!-width-full"
            label = str(self.fields[name].label).lower()
            self.fields[name].error_messages["invalid_choice"] = f"Choose a {label} from the list"

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.search_courses`` from the valid answers only.

        An invalid answer (a mistyped duration) is reported and left out, so the
        page still lists courses under the other filters.
        """
        self.is_valid()
        data = self.cleaned_data
        role_id = data.get("role")
        return {
            "text": data.get("q") or "",
            "tier_id": data.get("tier"),
            "category": data.get("category") or "",
            "topic": data.get("topic") or "",
            "max_hours": data.get("max_hours"),
            "role": self.roles.get(role_id) if role_id else None,
        }


class PickRoleForm(_ChoicesMixin, forms.Form):
    """Route (a) of "which training do I need?": go straight to a role's pathway."""

    role = forms.TypedChoiceField(
        label="Your role",
        coerce=int,
        error_messages={"required": "Select your role", "invalid_choice": "Select your role"},
    )

    def __init__(self, data: Any, *, roles: Iterable[Role]) -> None:
        super().__init__(data)
        self._choice_field("role").choices = role_choices(roles, "Choose your role")


class ChooseFrameworkForm(_ChoicesMixin, forms.Form):
    """Which framework's questions to answer, when the partnership adopted several."""

    framework = forms.TypedChoiceField(
        label="Which framework do you train under?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the framework you train under",
            "invalid_choice": "Select the framework you train under",
        },
    )

    def __init__(self, data: Any, *, frameworks: Iterable[CompetenceFramework]) -> None:
        super().__init__(data)
        self._choice_field("framework").choices = [(f.pk, f.name) for f in frameworks]


YES_NO = [("yes", "Yes"), ("no", "No")]


def question_text(question: dict) -> str:
    return str(question.get("text", "")).strip()


def question_tier(question: dict) -> str:
    """The tier code a "yes" places the person in (the data says ``tier_if_yes``)."""
    return str(question.get("tier_if_yes") or question.get("tier") or "")


class TierQuestionsForm(forms.Form):
    """Route (b): the framework's own yes/no questions, one required answer each."""

    def __init__(self, data: Any, *, questions: list[dict]) -> None:
        super().__init__(data)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            text = question_text(question)
            self.fields[f"question_{number}"] = forms.ChoiceField(
                label=text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Answer question {number}: {text}",
                    "invalid_choice": f"Answer question {number}: {text}",
                },
            )

    def tier_codes_answered_yes(self) -> list[str]:
        return [
            question_tier(question)
            for number, question in enumerate(self.questions, start=1)
            if self.cleaned_data.get(f"question_{number}") == "yes"
        ]

    def question_fields(self) -> list:
        return [self[name] for name in self.fields]
