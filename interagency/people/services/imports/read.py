"""Read: a staff list uploaded, read and kept for mapping, or read and previewed in one step.

The file is read (``importing.reading``) before anything is stored, so an
unreadable file leaves no import behind.
"""

import hashlib
from typing import TYPE_CHECKING

from django.db import transaction

from interagency.core.errors import ServiceError
from interagency.people.importing import mapping, reading
from interagency.people.models import Agency, PeopleImport
from interagency.people.services.imports.check import (
    check_columns,
    remember_required,
    valid_choices,
)
from interagency.people.services.imports.plan import save_import_mapping
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def check_agency(partnership: Partnership, agency: Agency | None, full_staff_list: bool) -> None:
    """ServiceError for another partnership's agency, or a full staff list of no one agency."""
    if agency is not None and agency.partnership_id != partnership.pk:
        raise ServiceError(field_errors={"agency": "Choose an agency of this partnership."})
    if agency is None and full_staff_list:
        raise ServiceError(
            field_errors={
                "is_full_staff_list": "A full staff list is one agency's: choose its agency, "
                "or import the file without marking anyone as left."
            }
        )


def start_people_import(
    *,
    partnership: Partnership,
    agency: Agency | None,
    uploaded_by: "_User",
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    table: reading.Table | None = None,
) -> PeopleImport:
    """Read an uploaded staff list and keep it for mapping; ImportFileError if unreadable.

    ``agency`` None takes each row's agency from the file's organisation column.
    ``table`` is the file already read by the caller (``reading.read_table``).
    """
    check_agency(partnership, agency, is_full_staff_list)
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


def upload_columns(
    table: reading.Table, agency: Agency | None, columns: dict[str, str] | None
) -> dict[str, str]:
    """The columns an upload sends, else those remembered for the agency that the file has;
    ServiceError naming ``columns`` (or ``columns.<field>``) when they cannot be used."""
    from interagency.people.selectors import column_mapping_of

    if columns is None and agency is None:
        raise ServiceError(
            field_errors={"columns": "Send the columns: an import across agencies remembers none."}
        )
    if columns is None:
        # Remembered columns missing from this file are left out; the name must still be there.
        remembered = column_mapping_of(agency) if agency is not None else {}
        columns = {name: header for name, header in remembered.items() if header in table.headers}
        if not remembered:
            suggested = mapping.suggest_mapping(table.headers)
            raise ServiceError(
                field_errors={
                    "columns": "No columns are remembered for this agency yet: send columns "
                    'as {"field": "column header"}, for example '
                    + ", ".join(f"{k}={v!r}" for k, v in suggested.items())
                    + "."
                }
            )
    unknown = sorted(set(columns) - set(mapping.FIELDS))
    if unknown:
        raise ServiceError(
            field_errors={
                f"columns.{name}": "Not a field of a person: use one of "
                + ", ".join(mapping.FIELDS)
                for name in unknown
            }
        )
    return columns


def upload_people_import(
    *,
    partnership: Partnership,
    agency: Agency | None,
    uploaded_by: "_User",
    file_name: str,
    content: bytes,
    is_full_staff_list: bool,
    columns: dict[str, str] | None = None,
    choices: dict | None = None,
) -> PeopleImport:
    """Read a staff list and preview it in one step (the API's upload); nothing about people
    is written. ``choices`` are the answers for contract words and unknown roles
    (``{"contract_words": {word: type}, "roles": {name: role id or "none"}}``).

    The columns are those given, else the ones remembered for the agency. The
    file and the columns are checked before anything is stored, so a refused
    upload leaves no import behind: ImportFileError for the file, ServiceError
    naming ``columns.<field>`` for the columns.
    """
    from interagency.people.selectors import import_required_fields

    check_agency(partnership, agency, is_full_staff_list)
    table = reading.read_table(content, file_name)
    if not any(table.rows):
        raise reading.ImportFileError("The selected file has a header row but no people.")
    columns = upload_columns(table, agency, columns)
    required = import_required_fields(partnership)
    check_columns(table, columns, required=required, agency=agency, prefix="columns.")
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=uploaded_by,
        file_name=file_name,
        content=content,
        is_full_staff_list=is_full_staff_list,
        table=table,
    )
    remember_required(people_import, required)
    if choices:
        people_import.choices = valid_choices(people_import, choices, prefix="choices.")
        with transaction.atomic():
            people_import.save(update_fields=["choices"])
    save_import_mapping(
        people_import=people_import, columns=columns, changed_by=uploaded_by, table=table
    )
    return people_import
