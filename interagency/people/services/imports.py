"""People imports: upload a staff list, map its columns, preview what applying would do.

An import goes: uploaded (file read and kept) → mapped and previewed (counts
and problems recorded, the checked plan kept, nothing else written) → applied
(``import_runs``). Reading, checking and writing the rows is
``people.importing``; these services keep the ``PeopleImport`` and the
agency's remembered columns.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from interagency.people.importing import (
    checking,
    confirming,
    keeping,
    mapping,
    organisations,
    reading,
    rejecting,
)
from interagency.people.models import Agency
from interagency.tenancy.models import Partnership


def start_people_import(
    *,
    partnership: Partnership,
    agency: Agency | None,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    table=None,
):
    """Read an uploaded staff list and keep it for mapping; ImportFileError if unreadable.

    ``agency`` None takes each row's agency from the file's organisation column.
    ``table`` is the file already read by the caller (``reading.read_table``).
    """
    import hashlib

    from interagency.people.models import PeopleImport

    _check_agency(partnership, agency, is_full_staff_list)
    table = table or reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    with transaction.atomic():
        return PeopleImport.objects.create(
            partnership=partnership,
            agency=agency,
            uploaded_by=uploaded_by if uploaded_by and uploaded_by.is_authenticated else None,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            is_full_staff_list=is_full_staff_list,
            rows_total=sum(1 for row in table.rows if row),
        )


def _check_agency(partnership: Partnership, agency: Agency | None, full_staff_list: bool) -> None:
    if agency is not None and agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": "Choose an agency of this partnership."})
    if agency is None and full_staff_list:
        raise ValidationError(
            {
                "is_full_staff_list": "A full staff list is one agency's: choose its agency, "
                "or import the file without marking anyone as left."
            }
        )


def _import_table(people_import):

    return reading.read_table(bytes(people_import.content or b""), people_import.file_name)


def _import_columns(people_import) -> dict[str, str]:
    from interagency.people.selectors import column_mapping_of

    if people_import.agency_id is None:
        return dict(people_import.columns or {})
    return column_mapping_of(people_import.agency)


def plan_people_import(
    people_import, *, on_progress: Callable[[int], None] | None = None, table=None
):
    """The import's table and plan with the agency's remembered columns (reads only)."""
    from interagency.catalogue.selectors import roles_of

    table = table or _import_table(people_import)
    if people_import.agency_id is None:
        plan = organisations.plan_by_organisation(
            partnership=people_import.partnership,
            table=table,
            columns=_import_columns(people_import),
            roles=list(roles_of(people_import.partnership)),
            required=_required_of(people_import),
            choices=confirming.Choices.from_dict(people_import.choices),
            allowed_agency_ids=_allowed_agency_ids(people_import),
            on_progress=on_progress,
            tiers=creatable_tiers(people_import),
        )
        return table, plan
    plan = checking.plan_import(
        agency=people_import.agency,
        table=table,
        columns=_import_columns(people_import),
        roles=list(roles_of(people_import.partnership)),
        full_staff_list=people_import.is_full_staff_list,
        on_progress=on_progress,
        required=_required_of(people_import),
        choices=confirming.Choices.from_dict(people_import.choices),
        tiers=creatable_tiers(people_import),
    )
    return table, plan


def creatable_tiers(people_import) -> list:
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


def _required_of(people_import) -> frozenset[str]:
    """What every row must have, read once per import object (every check and fingerprint)."""
    from interagency.people.selectors import import_required_fields

    if getattr(people_import, "_required_fields", None) is None:
        people_import._required_fields = import_required_fields(people_import.partnership)
    return people_import._required_fields


def _allowed_agency_ids(people_import) -> set[int] | None:
    """The agencies the importer may import into: None for a coordinator (every agency)."""
    from interagency.core.permissions import Role
    from interagency.people.selectors import import_agencies
    from interagency.tenancy.selectors import roles_in

    user = people_import.uploaded_by
    roles = roles_in(user, people_import.partnership) if user is not None else frozenset()
    if Role.COORDINATOR in roles:
        return None
    return set(import_agencies(people_import.partnership, user, roles).values_list("pk", flat=True))


def _plan_fingerprint(people_import, roles: list, columns: dict[str, str]) -> str:
    if people_import.agency_id is None:
        return ""  # a plan across agencies is not kept: applying checks the rows again
    return keeping.plan_fingerprint(
        agency=people_import.agency,
        file_sha256=people_import.file_sha256,
        columns=columns,
        roles=roles,
        full_staff_list=people_import.is_full_staff_list,
        decisions=[
            sorted(_required_of(people_import)),
            people_import.choices,
            [tier.pk for tier in creatable_tiers(people_import)],
        ],
    )


def _kept_plan(people_import, fingerprint: str):
    """The preview's plan when nothing it was made from has changed since, else None."""
    import zlib

    if not people_import.plan or people_import.plan_fingerprint != fingerprint:
        return None
    try:
        return keeping.load_plan(bytes(people_import.plan))
    except (ValueError, KeyError, TypeError, IndexError, zlib.error):
        return None  # kept by another version, or damaged: check the rows again


def _record_counts(people_import, plan, table=None) -> None:
    """The plan's counts and problems; with the file (``table``), what to review and the
    rejected rows too (a kept plan has neither: the preview recorded them)."""
    if table is not None:
        people_import.review = plan.review
        people_import.rejected_rows = rejecting.keep_rejected(table.headers, plan)
    for name, value in plan.counts.items():
        setattr(people_import, name, value)
    people_import.rows_total = plan.rows_total
    people_import.problems = [
        problem.as_dict() for problem in plan.problems[: checking.MAX_PROBLEMS_SHOWN]
    ]


def _check_columns(
    table, columns: dict[str, str], *, required, agency: Agency | None, prefix: str = ""
) -> None:
    """ValidationError naming each field whose column is missing from the file or chosen twice,
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
        raise ValidationError(errors)


def upload_people_import(
    *,
    partnership: Partnership,
    agency: Agency | None,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    columns: dict[str, str] | None = None,
    choices: dict | None = None,
):
    """Read a staff list and preview it in one step (the API's upload); nothing about people
    is written. ``choices`` are the answers for contract words and unknown roles
    (``{"contract_words": {word: type}, "roles": {name: role id or "none"}}``).

    The columns are those given, else the ones remembered for the agency. The
    file and the columns are checked before anything is stored, so a refused
    upload leaves no import behind: ImportFileError for the file, ValidationError
    naming ``columns.<field>`` for the columns.
    """
    from interagency.people.selectors import column_mapping_of

    _check_agency(partnership, agency, is_full_staff_list)
    table = reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    if columns is None and agency is None:
        raise ValidationError(
            {"columns": "Send the columns: an import across agencies remembers none."}
        )
    if columns is None:
        # Remembered columns missing from this file are left out; the name must still be there.
        remembered = column_mapping_of(agency) if agency is not None else {}
        columns = {name: header for name, header in remembered.items() if header in table.headers}
        if not remembered:
            suggested = mapping.suggest_mapping(table.headers)
            raise ValidationError(
                {
                    "columns": "No columns are remembered for this agency yet: send columns "
                    'as {"field": "column header"}, for example '
                    + ", ".join(f"{k}={v!r}" for k, v in suggested.items())
                    + "."
                }
            )
    unknown = sorted(set(columns) - set(mapping.FIELDS))
    if unknown:
        raise ValidationError(
            {
                f"columns.{name}": "Not a field of a person: use one of "
                + ", ".join(mapping.FIELDS)
                for name in unknown
            }
        )
    from interagency.people.selectors import import_required_fields

    required = import_required_fields(partnership)
    _check_columns(table, columns, required=required, agency=agency, prefix="columns.")
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=uploaded_by,
        file_name=file_name,
        content=content,
        is_full_staff_list=is_full_staff_list,
        table=table,
    )
    people_import._required_fields = required
    if choices:
        people_import.choices = _valid_choices(people_import, choices, prefix="choices.")
        with transaction.atomic():
            people_import.save(update_fields=["choices"])
    save_import_mapping(
        people_import=people_import, columns=columns, changed_by=uploaded_by, table=table
    )
    return people_import


def people_import_rejected_rows(people_import) -> tuple[list[dict], bool]:
    """The import's rejected rows as ``{row, column, value, reason}``, and whether all are listed.

    Read from what the check kept (never by checking the file again). Imports
    previewed before the rejected rows were kept list the problems recorded at
    the preview (the first :data:`checking.MAX_PROBLEMS_SHOWN`).
    """
    if people_import.rejected_rows:
        return rejecting.rejected_problems(people_import.rejected_rows), True
    problems = [p for p in people_import.problems or [] if p.get("level") == "error"]
    rows = [
        {"row": p["row"], "column": p["column"], "value": p["value"], "reason": p["message"]}
        for p in problems
    ]
    return rows, len({p["row"] for p in problems}) >= people_import.rejected


def save_import_mapping(*, people_import, columns: dict[str, str], changed_by, table=None):
    """Remember the agency's columns and record the preview's counts and problems.

    Nothing about people is written: the preview says what applying would do.
    ``table`` is the import's file when the caller has read it already.
    """
    from interagency.people.models import ColumnMapping, PeopleImport

    if people_import.status not in (
        PeopleImport.Status.UPLOADED,
        PeopleImport.Status.PREVIEWED,
        PeopleImport.Status.FAILED,
    ):
        raise ValidationError("This import has already been applied or queued.")
    table = table or _import_table(people_import)
    for name in columns:
        if name not in mapping.FIELDS:
            raise TypeError(f"Unknown import field: {name}")
    agency = people_import.agency
    _check_columns(table, columns, required=_required_of(people_import), agency=agency)
    chosen = {name: header for name, header in columns.items() if header}
    with transaction.atomic():
        if agency is None:  # across agencies: the columns are this import's own
            people_import.columns = chosen
            people_import.save(update_fields=["columns"])
        else:
            ColumnMapping.objects.for_partnership(people_import.partnership_id).update_or_create(
                agency=agency,
                defaults={"partnership_id": people_import.partnership_id, "columns": chosen},
            )
    return _preview(people_import, table, chosen)


def save_import_choices(*, people_import, choices: dict, changed_by):
    """Keep the importer's answers for contract words and unknown roles, and check again.

    ``choices`` is ``{"contract_words": {word: employment type}, "roles": {name: role id,
    "none" or "new:<tier id>"}}`` (a tier the importer may not add a role in holds its rows
    back with the reason); a value that is not a choice raises ValidationError naming it.
    """
    from interagency.people.models import PeopleImport

    if people_import.status not in (PeopleImport.Status.PREVIEWED, PeopleImport.Status.FAILED):
        raise ValidationError("This import has already been applied or queued.")
    people_import.choices = _valid_choices(people_import, choices)
    return _preview(people_import, _import_table(people_import), _import_columns(people_import))


def _valid_choices(people_import, choices: dict, *, prefix: str = "") -> dict:
    """``choices`` checked: employment types from the list, roles of the partnership or none,
    agencies the importer may import into, or to reject the organisation's rows."""
    from interagency.catalogue.selectors import roles_of
    from interagency.people.models import EmploymentType

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
    errors.update(_organisation_choice_errors(people_import, kept.organisations, prefix))
    if errors:
        raise ValidationError(errors)
    return {
        "contract_words": {mapping.contract_key(k): v for k, v in kept.contract_words.items()},
        "roles": {confirming.role_key(k): str(v) for k, v in kept.roles.items()},
        "organisations": {
            organisations.organisation_key(k): str(v) for k, v in kept.organisations.items()
        },
    }


def _organisation_choice_errors(people_import, chosen: dict, prefix: str) -> dict[str, str]:
    from interagency.core.permissions import Role
    from interagency.people.selectors import import_agencies

    if not chosen:
        return {}
    allowed = _allowed_agency_ids(people_import)
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


def _preview(people_import, table, columns: dict[str, str]):
    """Check every row with the kept columns and choices; record the counts and keep the plan."""
    from interagency.catalogue.selectors import roles_of
    from interagency.people.models import PeopleImport

    # Taken before checking: a change made while checking makes the apply check again.
    fingerprint = _plan_fingerprint(
        people_import, list(roles_of(people_import.partnership)), columns
    )
    _, plan = plan_people_import(people_import, table=table)
    _record_counts(people_import, plan, table)
    people_import.status = PeopleImport.Status.PREVIEWED
    # A plan across agencies is not kept (see _plan_fingerprint).
    people_import.plan = None if people_import.agency_id is None else keeping.dump_plan(plan)
    people_import.plan_fingerprint = fingerprint
    people_import.reading_notes = reading.reading_notes(table, columns)
    with transaction.atomic():
        people_import.save(
            update_fields=[
                "plan",
                "plan_fingerprint",
                "reading_notes",
                "status",
                "rows_total",
                "created",
                "updated",
                "unchanged",
                "marked_left",
                "rejected",
                "posts_created",
                "posts_updated",
                "posts_ended",
                "problems",
                "review",
                "choices",
                "rejected_rows",
            ]
        )
    return plan


def save_import_settings(*, partnership: Partnership, required_fields, changed_by):
    """Choose what every row of the partnership's imports must have; audited."""
    from interagency.audit.models import AuditEvent
    from interagency.audit.services import record_event
    from interagency.people.models import ImportSettings

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
