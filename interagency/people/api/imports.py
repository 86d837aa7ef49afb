"""Staff-list imports, as the import pages do them.

Coordinators import for any agency, agency leads for the agencies they lead;
another agency's import answers 404. Upload (multipart) reads and previews the
file in one step, ``apply`` writes it (now, or queued for the worker when
large), and the import is polled for its progress and counts; its rejected
rows come as JSON or as the same CSV the pages offer.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.people import selectors
from interagency.people.access import people_import_for
from interagency.people.api_schemas import PeopleImportOut, PeopleImportPreviewOut, RejectedRowsOut
from interagency.people.importing import mapping, reading, rejecting
from interagency.people.models import Agency, PeopleImport
from interagency.people.services.imports import (
    apply_people_import,
    as_polled,
    people_import_rejected_rows,
    upload_people_import,
)
from interagency.tenancy.access import PartnershipAccess, access_for

router = Router()


# The upload's form fields; "choices" and "columns" are JSON within the multipart form.
UPLOAD_AGENCY = Form(
    None,
    description="Id of the agency whose staff list this is; leave it out, and map the "
    "organisation column, to take each row's agency from the file.",
)
UPLOAD_FILE = File(None, description="A CSV or Excel (.xlsx) file, 20 MB at most.")
UPLOAD_FULL_LIST = Form(
    False, description="People of the agency missing from the file will be marked as left."
)
UPLOAD_COLUMNS = Form(
    None,
    description='JSON {"field": "column header"}, e.g. {"full_name": "Name", "work_email": '
    '"Email"}; without it, the columns remembered for the agency. Fields: '
    + ", ".join(mapping.FIELDS)
    + ".",
)
UPLOAD_CHOICES = Form(
    None,
    description='JSON {"contract_words": {"Fixed term": "temporary"}, "roles": {"Snr SW": '
    '12 or "none"}, "organisations": {"Camden Hlth": 3 or "reject"}}: what the file\'s '
    "contract words mean, what to do with roles the catalogue does not have, and which "
    "agency an unknown organisation is. Rows whose word, role or organisation has no "
    "choice are rejected; the preview's review lists them.",
)


def _import_agency(
    access: PartnershipAccess, agency: int | None
) -> tuple[Agency | None, dict[str, str]]:
    """The agency named, if one is: among those the caller imports for, else a field error."""
    if agency is None:
        return None, {}
    agencies = selectors.import_agencies(access.partnership, access.user, access.roles)
    target = agencies.filter(pk=agency).first()
    if target is None:
        return None, {"agency": "There is no agency with that id among those you import for."}
    return target, {}


def _file_problems(file: UploadedFile | None) -> dict[str, str]:
    if file is None:
        return {"file": "Select a CSV or XLSX file and send it as the form field 'file'."}
    if file.size is not None and file.size > reading.MAX_UPLOAD_BYTES:
        limit = reading.MAX_UPLOAD_BYTES // 2**20
        return {"file": f"The selected file must be smaller than {limit} MB."}
    return {}


def _json_columns(columns: str | None) -> tuple[Any, dict[str, str]]:
    """The columns chosen, as read (a wrong shape too), and the problem with them if any."""
    if not columns:
        return None, {}
    try:
        chosen = json.loads(columns)
    except json.JSONDecodeError as error:
        return None, {"columns": f'Columns must be JSON, like {{"full_name": "Name"}}: {error}.'}
    if not isinstance(chosen, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in chosen.items()
    ):
        return chosen, {"columns": 'Columns must be a JSON object of texts: {"field": "header"}.'}
    return chosen, {}


def _json_choices(choices: str | None) -> tuple[Any, dict[str, str]]:
    if not choices:
        return None, {}
    try:
        answers = json.loads(choices)
    except json.JSONDecodeError as error:
        return None, {
            "choices": f'Choices must be JSON, like {{"roles": {{"Snr SW": 1}}}}: {error}.'
        }
    if not isinstance(answers, dict):
        return answers, {"choices": 'Choices must be a JSON object: {"contract_words": {...}}.'}
    return answers, {}


@router.get(
    "/{code}/imports",
    response={200: list[PeopleImportOut], **error_responses(400, 401, 403, 404)},
    url_name="import-list",
    summary="Imports",
)
@paginate(PageNumberPagination)
def import_list(request: HttpRequest, code: str, agency: int | None = None) -> QuerySet:
    """Staff-list imports of the agencies the caller imports for, newest first."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    imports = selectors.people_imports(access.partnership, access.user, access.roles)
    if agency is not None:
        imports = imports.filter(agency_id=agency)
    return imports


@router.post(
    "/{code}/imports",
    response={201: PeopleImportPreviewOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="import-list",
    summary="Upload a staff list and preview it",
)
def import_upload(
    request: HttpRequest,
    code: str,
    agency: int | None = UPLOAD_AGENCY,
    file: UploadedFile | None = UPLOAD_FILE,
    is_full_staff_list: bool = UPLOAD_FULL_LIST,
    columns: str | None = UPLOAD_COLUMNS,
    choices: str | None = UPLOAD_CHOICES,
) -> Any:
    """Send ``multipart/form-data``. The file is read and every row checked; nothing about
    people is written until ``apply``. A file that cannot be read answers 400 naming why."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    target, errors = _import_agency(access, agency)
    errors.update(_file_problems(file))
    chosen, problems = _json_columns(columns)
    errors.update(problems)
    answers, problems = _json_choices(choices)
    errors.update(problems)
    if agency is None and not (isinstance(chosen, dict) and chosen.get("organisation")):
        errors["agency"] = (
            "Send the id of the agency whose staff list this is, or columns with an "
            "organisation column to take each row's agency from the file."
        )
    if errors:
        raise DjangoValidationError(errors)
    assert file is not None
    content = file.read(reading.MAX_UPLOAD_BYTES + 1)
    try:
        people_import = upload_people_import(
            partnership=access.partnership,
            agency=target,
            uploaded_by=access.user,
            file_name=file.name or "upload",
            content=content,
            is_full_staff_list=is_full_staff_list,
            columns=chosen,
            choices=answers,
        )
    except reading.ImportFileError as error:
        raise DjangoValidationError({"file": str(error)}) from error
    return Status(201, people_import_for(access, people_import.pk))


@router.get(
    "/{code}/imports/{import_id}",
    response={200: PeopleImportPreviewOut, **error_responses(400, 401, 403, 404)},
    url_name="import-detail",
    summary="One import: status, progress, counts and problems",
)
def import_detail(request: HttpRequest, code: str, import_id: int) -> Any:
    """Poll this while an import is queued or running: ``rows_done`` of ``rows_total``.

    An import whose worker stopped answers ``failed``, with the error saying so;
    nothing was applied, and ``apply`` runs it again."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    return as_polled(people_import_for(access, import_id))


@router.post(
    "/{code}/imports/{import_id}/apply",
    response={200: PeopleImportOut, 202: PeopleImportOut, **error_responses(400, 401, 403, 404)},
    url_name="import-apply",
    summary="Apply a previewed import",
)
def import_apply(request: HttpRequest, code: str, import_id: int) -> Any:
    """Write the previewed import: at once (200) for small files, else queued for the
    background worker (202; poll the import). All rows or none; applying twice does nothing."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    people_import = people_import_for(access, import_id, with_content=True)
    status = apply_people_import(people_import=people_import, applied_by=access.user)
    done = status in (PeopleImport.Status.APPLIED, PeopleImport.Status.FAILED)
    return Status(200 if done else 202, people_import_for(access, import_id))


@router.get(
    "/{code}/imports/{import_id}/rejected-rows",
    response={200: RejectedRowsOut, **error_responses(400, 401, 403, 404)},
    url_name="import-rejected-rows",
    summary="The import's rejected rows, with row, column and reason",
)
def import_rejected_rows(request: HttpRequest, code: str, import_id: int) -> Any:
    """Every rejected row while the file is kept; after applying, those the preview recorded."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    people_import = people_import_for(access, import_id, with_content=True)
    rows, complete = people_import_rejected_rows(people_import)
    return {
        "import_id": people_import.pk,
        "rejected": people_import.rejected,
        "complete": complete,
        "rows": rows,
    }


@router.get(
    "/{code}/imports/{import_id}/rejected-rows.csv",
    response={200: None, **error_responses(400, 401, 403, 404, 410)},
    url_name="import-rejected-rows-csv",
    summary="The rejected rows as a CSV file",
)
def import_rejected_rows_csv(request: HttpRequest, code: str, import_id: int) -> HttpResponse:
    """The rejected rows as they were in the file, with a Row and a Problems column, to fix
    and upload again (the Row and Problems columns are then left unmapped). Read from what
    the check found, also after applying. Cells that could run as formulas are neutralised.
    410 for an import previewed before rejected rows were kept."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    people_import = people_import_for(access, import_id, with_content=True)
    if not people_import.rejected_rows:
        raise HttpError(410, "This import kept no rejected rows: use rejected-rows.")
    response = HttpResponse(
        rejecting.rejected_rows_csv(people_import.rejected_rows),
        content_type="text/csv; charset=utf-8",
    )
    name = rejecting.rejected_rows_file_name(people_import.file_name)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
