"""Plan: every row checked into a plan, its counts and problems recorded, the plan kept.

The preview says what applying would do and writes nothing about people; the
plan it made is kept (``importing.keeping``) for the apply while a fingerprint
of what it was made from is unchanged.
"""

import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from interagency.core.errors import ServiceError
from interagency.people.importing import (
    checking,
    confirming,
    keeping,
    mapping,
    organisations,
    reading,
    rejecting,
)
from interagency.people.models import ColumnMapping, PeopleImport
from interagency.people.services.imports.check import (
    allowed_agency_ids,
    check_columns,
    creatable_tiers,
    required_of,
    valid_choices,
)
from interagency.people.services.imports.stall import settle_stalled

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

# What a preview records on the import.
PREVIEW_FIELDS = [
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


def kept_table(people_import: PeopleImport) -> reading.Table:
    """The import's kept file, read again."""
    return reading.read_table(bytes(people_import.content or b""), people_import.file_name)


def import_columns(people_import: PeopleImport) -> dict[str, str]:
    """The columns chosen: the import's own across agencies, else the agency's remembered."""
    from interagency.people.selectors import column_mapping_of

    if people_import.agency is None:
        return dict(people_import.columns or {})
    return column_mapping_of(people_import.agency)


def plan_people_import(
    people_import: PeopleImport,
    *,
    on_progress: Callable[[int], None] | None = None,
    table: reading.Table | None = None,
) -> tuple[reading.Table, checking.Plan]:
    """The import's table and plan with the agency's remembered columns (reads only)."""
    from interagency.catalogue.selectors import roles_of

    table = table or kept_table(people_import)
    if people_import.agency is None:
        plan = organisations.plan_by_organisation(
            partnership=people_import.partnership,
            table=table,
            columns=import_columns(people_import),
            roles=list(roles_of(people_import.partnership)),
            required=required_of(people_import),
            choices=confirming.Choices.from_dict(people_import.choices),
            allowed_agency_ids=allowed_agency_ids(people_import),
            on_progress=on_progress,
            tiers=creatable_tiers(people_import),
        )
        return table, plan
    plan = checking.plan_import(
        agency=people_import.agency,
        table=table,
        columns=import_columns(people_import),
        roles=list(roles_of(people_import.partnership)),
        full_staff_list=people_import.is_full_staff_list,
        on_progress=on_progress,
        required=required_of(people_import),
        choices=confirming.Choices.from_dict(people_import.choices),
        tiers=creatable_tiers(people_import),
    )
    return table, plan


def plan_fingerprint(people_import: PeopleImport, roles: list, columns: dict[str, str]) -> str:
    """What the plan was made from, in one digest; empty for a plan that is never kept."""
    if people_import.agency is None:
        return ""  # a plan across agencies is not kept: applying checks the rows again
    return keeping.plan_fingerprint(
        agency=people_import.agency,
        file_sha256=people_import.file_sha256,
        columns=columns,
        roles=roles,
        full_staff_list=people_import.is_full_staff_list,
        decisions=[
            sorted(required_of(people_import)),
            people_import.choices,
            [tier.pk for tier in creatable_tiers(people_import)],
        ],
    )


def kept_plan(people_import: PeopleImport, fingerprint: str) -> checking.Plan | None:
    """The preview's plan when nothing it was made from has changed since, else None."""
    if not people_import.plan or people_import.plan_fingerprint != fingerprint:
        return None
    try:
        return keeping.load_plan(bytes(people_import.plan))
    except (ValueError, KeyError, TypeError, IndexError, zlib.error):
        return None  # kept by another version, or damaged: check the rows again


def record_counts(
    people_import: PeopleImport, plan: checking.Plan, table: reading.Table | None = None
) -> None:
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


def preview(
    people_import: PeopleImport, table: reading.Table, columns: dict[str, str]
) -> checking.Plan:
    """Check every row with the kept columns and choices; record the counts and keep the plan."""
    from interagency.catalogue.selectors import roles_of

    # Taken before checking: a change made while checking makes the apply check again.
    fingerprint = plan_fingerprint(
        people_import, list(roles_of(people_import.partnership)), columns
    )
    _, plan = plan_people_import(people_import, table=table)
    record_counts(people_import, plan, table)
    people_import.status = PeopleImport.Status.PREVIEWED
    # A plan across agencies is not kept (see plan_fingerprint).
    people_import.plan = None if people_import.agency_id is None else keeping.dump_plan(plan)
    people_import.plan_fingerprint = fingerprint
    people_import.reading_notes = reading.reading_notes(table, columns)
    with transaction.atomic():
        people_import.save(update_fields=PREVIEW_FIELDS)
    return plan


def save_import_mapping(
    *,
    people_import: PeopleImport,
    columns: dict[str, str],
    changed_by: "_User",
    table: reading.Table | None = None,
) -> checking.Plan:
    """Remember the agency's columns and record the preview's counts and problems.

    Nothing about people is written: the preview says what applying would do.
    ``table`` is the import's file when the caller has read it already.
    """
    settle_stalled(people_import)
    if people_import.status not in PeopleImport.MAPPABLE:
        raise ServiceError("This import has already been applied or queued.")
    table = table or kept_table(people_import)
    for name in columns:
        if name not in mapping.FIELDS:
            raise TypeError(f"Unknown import field: {name}")
    agency = people_import.agency
    check_columns(table, columns, required=required_of(people_import), agency=agency)
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
    return preview(people_import, table, chosen)


def save_import_choices(
    *, people_import: PeopleImport, choices: dict, changed_by: "_User | None"
) -> checking.Plan:
    """Keep the importer's answers for contract words and unknown roles, and check again.

    ``choices`` is ``{"contract_words": {word: employment type}, "roles": {name: role id,
    "none" or "new:<tier id>"}}`` (a tier the importer may not add a role in holds its rows
    back with the reason); a value that is not a choice raises ServiceError naming it.
    """
    settle_stalled(people_import)
    if people_import.status not in PeopleImport.APPLICABLE:
        raise ServiceError("This import has already been applied or queued.")
    people_import.choices = valid_choices(people_import, choices)
    return preview(people_import, kept_table(people_import), import_columns(people_import))


def people_import_rejected_rows(people_import: PeopleImport) -> tuple[list[dict], bool]:
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
