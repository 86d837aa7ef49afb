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

from interagency.people.importing import checking, keeping, mapping, reading
from interagency.people.models import Agency
from interagency.tenancy.models import Partnership


def start_people_import(
    *,
    partnership: Partnership,
    agency: Agency,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    table=None,
):
    """Read an uploaded staff list and keep it for mapping; ImportFileError if unreadable.

    ``table`` is the file already read by the caller (``reading.read_table``).
    """
    import hashlib

    from interagency.people.models import PeopleImport

    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": "Choose an agency of this partnership."})
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


def _import_table(people_import):

    return reading.read_table(bytes(people_import.content or b""), people_import.file_name)


def _import_columns(people_import) -> dict[str, str]:
    from interagency.people.selectors import column_mapping_of

    return column_mapping_of(people_import.agency)


def plan_people_import(
    people_import, *, on_progress: Callable[[int], None] | None = None, table=None
):
    """The import's table and plan with the agency's remembered columns (reads only)."""
    from interagency.catalogue.selectors import roles_of

    table = table or _import_table(people_import)
    plan = checking.plan_import(
        agency=people_import.agency,
        table=table,
        columns=_import_columns(people_import),
        roles=list(roles_of(people_import.partnership)),
        full_staff_list=people_import.is_full_staff_list,
        on_progress=on_progress,
    )
    return table, plan


def _plan_fingerprint(people_import, roles: list, columns: dict[str, str]) -> str:

    return keeping.plan_fingerprint(
        agency=people_import.agency,
        file_sha256=people_import.file_sha256,
        columns=columns,
        roles=roles,
        full_staff_list=people_import.is_full_staff_list,
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


def _record_counts(people_import, plan) -> None:

    for name, value in plan.counts.items():
        setattr(people_import, name, value)
    people_import.rows_total = plan.rows_total
    people_import.problems = [
        problem.as_dict() for problem in plan.problems[: checking.MAX_PROBLEMS_SHOWN]
    ]


def _check_columns(table, columns: dict[str, str], *, prefix: str = "") -> None:
    """ValidationError naming each field whose column is missing from the file or chosen twice."""

    errors: dict[str, str] = {}
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
    for name in mapping.REQUIRED_FIELDS:
        if not columns.get(name):
            errors[prefix + name] = (
                f"Choose the column that holds the {mapping.FIELDS[name].lower()}."
            )
    if errors:
        raise ValidationError(errors)


def upload_people_import(
    *,
    partnership: Partnership,
    agency: Agency,
    uploaded_by,
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    columns: dict[str, str] | None = None,
):
    """Read a staff list and preview it in one step (the API's upload); nothing about people
    is written.

    The columns are those given, else the ones remembered for the agency. The
    file and the columns are checked before anything is stored, so a refused
    upload leaves no import behind: ImportFileError for the file, ValidationError
    naming ``columns.<field>`` for the columns.
    """
    from interagency.people.selectors import column_mapping_of

    if agency.partnership_id != partnership.pk:
        raise ValidationError({"agency": "Choose an agency of this partnership."})
    table = reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    if columns is None:
        # Remembered columns missing from this file are left out; the name must still be there.
        remembered = column_mapping_of(agency)
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
    _check_columns(table, columns, prefix="columns.")
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=uploaded_by,
        file_name=file_name,
        content=content,
        is_full_staff_list=is_full_staff_list,
        table=table,
    )
    save_import_mapping(
        people_import=people_import, columns=columns, changed_by=uploaded_by, table=table
    )
    return people_import


def people_import_rejected_rows(people_import) -> tuple[list[dict], bool]:
    """The import's rejected rows as ``{row, column, value, reason}``, and whether all are listed.

    While the file is kept (until applied) every rejected row is checked again
    and listed; afterwards only the problems recorded at the preview remain
    (the first :data:`checking.MAX_PROBLEMS_SHOWN`).
    """
    problems: list[dict]
    if people_import.content:
        _, plan = plan_people_import(people_import)
        problems = [p.as_dict() for p in plan.problems if p.level == "error"]
        complete = True
    else:
        problems = [p for p in people_import.problems or [] if p.get("level") == "error"]
        complete = len({p["row"] for p in problems}) >= people_import.rejected
    rows = [
        {"row": p["row"], "column": p["column"], "value": p["value"], "reason": p["message"]}
        for p in problems
    ]
    return rows, complete


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
    _check_columns(table, columns)
    chosen = {name: header for name, header in columns.items() if header}
    with transaction.atomic():
        ColumnMapping.objects.for_partnership(people_import.partnership_id).update_or_create(
            agency=people_import.agency,
            defaults={"partnership_id": people_import.partnership_id, "columns": chosen},
        )
    from interagency.catalogue.selectors import roles_of

    # Taken before checking: a change made while checking makes the apply check again.
    fingerprint = _plan_fingerprint(
        people_import, list(roles_of(people_import.partnership)), chosen
    )
    _, plan = plan_people_import(people_import, table=table)
    _record_counts(people_import, plan)
    people_import.status = PeopleImport.Status.PREVIEWED
    people_import.plan = keeping.dump_plan(plan)
    people_import.plan_fingerprint = fingerprint
    with transaction.atomic():
        people_import.save(
            update_fields=[
                "plan",
                "plan_fingerprint",
                "status",
                "rows_total",
                "created",
                "updated",
                "unchanged",
                "marked_left",
                "rejected",
                "problems",
            ]
        )
    return plan
