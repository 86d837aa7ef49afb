"""Forms of the staff-list import pages: the preview's choices and the import settings."""

from typing import Any

from django import forms

from interagency.people.models import EmploymentType, ImportSettings


def rows_label(entry: dict) -> str:
    """How many rows hold a word of the file, and which (the first few)."""
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
        self.words: list[tuple[str, str]] = []  # (field name, the word's key)
        self.unknown_roles: list[tuple[str, str]] = []
        self.unknown_organisations: list[tuple[str, str]] = []
        self._add_organisations(review, chosen, agencies)
        self._add_contract_words(review, chosen)
        self._add_unknown_roles(review, chosen, roles, list(tiers))

    def _add_contract_words(self, review: dict, chosen: dict) -> None:
        """What each contract word of the file means, the most used first; suggested if known."""
        words = sorted(
            (review.get("contract_words") or {}).items(), key=lambda item: -item[1]["rows"]
        )
        for number, (key, entry) in enumerate(words):
            name = f"contract-{number}"
            self.words.append((name, key))
            self.fields[name] = forms.ChoiceField(
                label=rows_label(entry),
                choices=[("", "Choose what this means"), *EmploymentType.choices],
                required=False,
                initial=(chosen.get("contract_words") or {}).get(key) or entry.get("suggested"),
            )

    def _add_unknown_roles(self, review: dict, chosen: dict, roles: Any, tiers: list) -> None:
        """For each role the catalogue does not have: one of its roles, none, or (coordinators)
        to create it in a tier."""
        role_choices = [
            ("", "Choose a role, or to import without one"),
            ("none", "Import without a role"),
            *((str(role.pk), role.name) for role in roles),
        ]
        several_frameworks = len({t.framework_id for t in tiers}) > 1
        unknown = sorted(
            (review.get("unknown_roles") or {}).items(), key=lambda item: -item[1]["rows"]
        )
        for number, (key, entry) in enumerate(unknown):
            name = f"role-{number}"
            self.unknown_roles.append((name, key))
            close = ", ".join(entry.get("close") or [])
            creating = [
                (
                    f"new:{tier.pk}",
                    f"Create the role '{entry['text']}' in "
                    + (f"{tier.name} ({tier.framework.name})" if several_frameworks else tier.name),
                )
                for tier in tiers
            ]
            self.fields[name] = forms.ChoiceField(
                label=rows_label(entry),
                help_text=f"Close to: {close}" if close else "",
                choices=[*role_choices[:2], *creating, *role_choices[2:]],
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
                label=rows_label(entry),
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
