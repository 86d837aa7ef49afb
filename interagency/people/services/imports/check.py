"""Check: what the importer chose is checked before the rows are (columns, answers, settings).

Who may do what is read here too: the agencies an importer may import into,
the tiers they may create a role in, what every row of the partnership must have.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from interagency.core.errors import ServiceError
from interagency.people.importing import confirming, mapping, organisations
from interagency.people.importing.reading import Table
from interagency.people.models import Agency, EmploymentType, ImportSettings, PeopleImport
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.catalogue.models import Tier


def required_of(people_import: Any) -> frozenset[str]:  # a PeopleImport, memoised on
    """What every row must have, read once per import object (every check and fingerprint)."""
    from interagency.people.selectors import import_required_fields

    if getattr(people_import, "_required_fields", None) is None:
        people_import._required_fields = import_required_fields(people_import.partnership)
    return people_import._required_fields


def remember_required(people_import: Any, required: frozenset[str]) -> None:
    """Keep on the import object what every row must have, read already (see required_of)."""
    people_import._required_fields = required


def allowed_agency_ids(people_import: PeopleImport) -> set[int] | None:
    """The agencies the importer may import into: None for a coordinator (every agency)."""
    from interagency.core.permissions import Role
    from interagency.people.selectors import import_agencies
    from interagency.tenancy.selectors import roles_in

    user = people_import.uploaded_by
    roles = roles_in(user, people_import.partnership) if user is not None else frozenset()
    if Role.COORDINATOR in roles:
        return None
    return set(import_agencies(people_import.partnership, user, roles).values_list("pk", flat=True))


def creatable_tiers(people_import: Any) -> list["Tier"]:  # a PeopleImport, memoised on
    """The tiers the importer may create an unknown role in: each tier of a framework the
    partnership has adopted, for one who may manage the catalogue (a coordinator); else none.
    Read only when a choice is to create a role."""
    from interagency.catalogue.selectors import tiers_of
    from interagency.core.permissions import Action, role_allows
    from interagency.tenancy.selectors import roles_in

    chosen = (people_import.choices or {}).get("roles") or {}
    if not any(str(value).startswith(confirming.NEW_ROLE) for value in chosen.values()):
        return []  # nothing to create: no query
    if getattr(people_import, "_creatable_tiers", None) is None:
        user = people_import.uploaded_by
        roles = roles_in(user, people_import.partnership) if user is not None else frozenset()
        people_import._creatable_tiers = (
            list(tiers_of(people_import.partnership))
            if role_allows(roles, Action.MANAGE_CATALOGUE)
            else []
        )
    return people_import._creatable_tiers


def check_columns(
    table: Table,
    columns: dict[str, str],
    *,
    required: frozenset[str],
    agency: Agency | None,
    prefix: str = "",
) -> None:
    """ServiceError naming each field whose column is missing from the file or chosen twice,
    and each the partnership requires of every row (``required``) that no column holds; an
    organisation column is for an import without one ``agency``, and needed by one."""

    errors: dict[str, str] = {}
    if agency is not None and columns.get("organisation"):
        errors[prefix + "organisation"] = (
            f"This import is for {agency.name}: leave the organisation column out, or start an "
            "import whose agency is taken from the file's organisation column."
        )
    used: dict[str, str] = {}
    for name, header in columns.items():
        if header and header not in table.headers:
            errors[prefix + name] = (
                f"Choose a column from the file: it has no column '{header}'."
                if prefix
                else "Choose a column from the file."
            )
        elif header and header in used:
            errors[prefix + name] = f"The column '{header}' is already chosen for another field."
        elif header:
            used[header] = name
    missing = mapping.missing_columns(columns, required, agency_from_file=agency is None)
    for name, message in missing.items():
        errors.setdefault(prefix + name, message)
    if errors:
        raise ServiceError(field_errors=errors)


def valid_choices(people_import: PeopleImport, choices: dict, *, prefix: str = "") -> dict:
    """``choices`` checked: employment types from the list, roles of the partnership or none,
    agencies the importer may import into, or to reject the organisation's rows."""
    from interagency.catalogue.selectors import roles_of

    kept = confirming.Choices.from_dict(choices)
    role_ids = {str(pk) for pk in roles_of(people_import.partnership).values_list("pk", flat=True)}
    errors: dict[str, str] = {}
    for word, kind in kept.contract_words.items():
        if kind not in EmploymentType.values:
            errors[f"{prefix}contract_words.{word}"] = (
                f"Choose one of {', '.join(EmploymentType.values)} for the contract '{word}'."
            )
    for name, role in kept.roles.items():
        new_tier = str(role).removeprefix(confirming.NEW_ROLE)
        creates = str(role).startswith(confirming.NEW_ROLE) and new_tier.isdigit()
        if str(role) not in role_ids and role != confirming.NO_ROLE and not creates:
            errors[f"{prefix}roles.{name}"] = (
                f"Choose a role of the partnership's catalogue for '{name}', "
                f"'{confirming.NO_ROLE}' to import without one, or "
                f"'{confirming.NEW_ROLE}<tier id>' to create it in a tier."
            )
    errors.update(organisation_choice_errors(people_import, kept.organisations, prefix))
    if errors:
        raise ServiceError(field_errors=errors)
    return {
        "contract_words": {mapping.contract_key(k): v for k, v in kept.contract_words.items()},
        "roles": {confirming.role_key(k): str(v) for k, v in kept.roles.items()},
        "organisations": {
            organisations.organisation_key(k): str(v) for k, v in kept.organisations.items()
        },
    }


def organisation_choice_errors(
    people_import: PeopleImport, chosen: dict, prefix: str
) -> dict[str, str]:
    """Errors for organisations given an agency the importer may not import into."""
    from interagency.core.permissions import Role
    from interagency.people.selectors import import_agencies

    if not chosen:
        return {}
    allowed = allowed_agency_ids(people_import)
    if allowed is None:  # a coordinator: every agency of the partnership
        every = import_agencies(people_import.partnership, None, {Role.COORDINATOR})
        allowed = set(every.values_list("pk", flat=True))
    return {
        f"{prefix}organisations.{name}": (
            f"Choose one of the agencies you import for for '{name}', or "
            f"'{organisations.REJECT}' to reject its rows."
        )
        for name, agency in chosen.items()
        if str(agency) != organisations.REJECT
        and not (str(agency).isdigit() and int(agency) in allowed)
    }


def save_import_settings(
    *, partnership: Partnership, required_fields: Iterable[str], changed_by: "_User"
) -> ImportSettings:
    """Choose what every row of the partnership's imports must have; audited."""
    from interagency.audit.models import AuditEvent
    from interagency.audit.services import record_event

    chosen = sorted(set(required_fields))
    settings = ImportSettings(partnership=partnership, required_fields=chosen)
    settings.clean()
    with transaction.atomic():
        settings, _ = ImportSettings.objects.for_partnership(partnership).update_or_create(
            partnership=partnership, defaults={"required_fields": chosen}
        )
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CHANGED,
            subject=settings,
            changes={"required_fields": chosen},
            partnership=partnership,
        )
    return settings
