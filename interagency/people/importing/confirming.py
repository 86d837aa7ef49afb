"""What the importer confirms on the preview: the file's contract words and its unknown roles.

A staff list writes contracts in its own words ("Fixed term", "Bank", "Student
nurse") and names roles the catalogue may not have ("Snr Social Worker").
Checking collects each distinct word and unknown role with how many rows use
it (:class:`Review`); the preview shows them as tables with a choice each, and
the plan is made again with the choices (``PeopleImport.choices``). A row
whose word or role has no choice yet is held back (rejected) with a reason
saying where to choose.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from interagency.people.importing import mapping
from interagency.people.models import EmploymentType

# Rows listed for each word or role on the preview ("rows 3, 9, 14 and 9 more").
SAMPLE_ROWS = 5
# What the importer may choose for an unknown role besides one of the catalogue's roles.
NO_ROLE = "none"
# ... or to create the role in a tier of an adopted framework: "new:<tier id>" (coordinators).
NEW_ROLE = "new:"


def new_role_marker(key: str) -> str:
    """What a checked row holds as its role id while its role waits to be created."""
    return NEW_ROLE + key


def is_new_role(role_id: object) -> bool:
    return isinstance(role_id, str) and role_id.startswith(NEW_ROLE)


def role_key(text: str) -> str:
    return " ".join(text.split()).lower()


@dataclass
class Review:
    """The distinct contract words and unknown roles of a file, with their rows."""

    contract_words: dict[str, dict] = field(default_factory=dict)
    unknown_roles: dict[str, dict] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"contract_words": self.contract_words, "unknown_roles": self.unknown_roles}

    @staticmethod
    def _count(entries: dict[str, dict], key: str, text: str, row: int, **extra) -> None:
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = {"text": text, "rows": 0, "sample": [], **extra}
        entry["rows"] += 1
        if len(entry["sample"]) < SAMPLE_ROWS:
            entry["sample"].append(row)


@dataclass
class Choices:
    """The importer's answers: contract word → employment type, unknown role → role id, none
    or "new:<tier id>" (create it there), unknown organisation → agency id or "reject"
    (``organisations``)."""

    contract_words: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict | None) -> Choices:
        data = data or {}
        return cls(
            contract_words=dict(data.get("contract_words") or {}),
            roles=dict(data.get("roles") or {}),
            organisations=dict(data.get("organisations") or {}),
        )

    def as_dict(self) -> dict:
        return {
            "contract_words": self.contract_words,
            "roles": self.roles,
            "organisations": self.organisations,
        }


class Confirmer:
    """Reads a row's contract word and role with the choices, noting each for the review."""

    def __init__(self, roles, choices: Choices, tiers=None) -> None:
        self.review = Review()
        self.choices = choices
        # The tiers the importer may create a role in, by id (none unless a coordinator).
        self.tiers = {tier.pk: tier for tier in tiers or ()}
        # The roles to create when applying: role key → {"tier": tier id, "name": the text}.
        self.new_roles: dict[str, dict] = {}
        self.roles_by_name = {role.name.lower(): role for role in roles}
        self.roles_by_pk = {role.pk: role for role in roles}
        self.role_names = [role.name for role in self.roles_by_name.values()]
        self.employment_types = set(EmploymentType.values)

    def employment_type(self, text: str, row: int) -> tuple[str, str]:
        """``(employment type, "")`` for a contract word, or ``("", reason)`` to reject the row."""
        key = mapping.contract_key(text)
        suggested = mapping.suggest_employment_type(text)
        Review._count(self.review.contract_words, key, text, row, suggested=suggested)
        chosen = self.choices.contract_words.get(key) or suggested
        if chosen in self.employment_types:
            return chosen, ""
        return "", (
            f"Choose what the contract '{text}' means in the table of contract types "
            "on the preview: the row waits until you do."
        )

    def role(self, text: str, row: int) -> tuple[int | str | None, str]:
        """``(role id, "")`` for a role's name; ``(NO_ROLE, "")`` when chosen to import without
        one; ``(new_role_marker(key), "")`` when chosen to create it (its role is pending until
        applied); ``(None, reason)`` to reject the row while no choice is made."""
        role = self.roles_by_name.get(text.lower())
        if role is not None:
            return role.pk, ""
        key = role_key(text)
        close = difflib.get_close_matches(text, self.role_names, n=3, cutoff=0.5)
        Review._count(self.review.unknown_roles, key, text, row, close=close)
        chosen = self.choices.roles.get(key, "")
        if chosen == NO_ROLE:
            return NO_ROLE, ""
        if chosen.isdigit() and int(chosen) in self.roles_by_pk:
            return int(chosen), ""
        if chosen.startswith(NEW_ROLE):
            tier_id = chosen.removeprefix(NEW_ROLE)
            tier = self.tiers.get(int(tier_id)) if tier_id.isdigit() else None
            if tier is None:
                return None, (
                    f"The role '{text}' cannot be created in the tier chosen: choose a tier of a "
                    "framework the partnership has adopted (only coordinators add roles), or "
                    "another choice in the table of unknown roles on the preview."
                )
            name = self.review.unknown_roles[key]["text"]
            self.new_roles.setdefault(key, {"tier": tier.pk, "name": " ".join(name.split())})
            return new_role_marker(key), ""
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        return None, (
            f"No role called '{text}' in the partnership's catalogue: choose a role for it, or "
            f"to import without one, in the table of unknown roles on the preview.{hint}"
        )
