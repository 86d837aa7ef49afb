"""Agencies, their services, people and headcounts, for a partnership's own systems.

The same rules as the pages: anyone who may see people reads the agencies and
services; only coordinators add agencies and services; people are listed
through ``visibility.visible_people`` (coordinators everyone, agency leads
their agencies, line managers their team, learners themselves), so a person
the caller may not see answers 404, exactly like one that does not exist.
Coordinators and the leads of a person's agency change people; every change
goes through ``services/``, which validates and audits it.

Staff-list imports follow the import pages: coordinators import for any
agency, agency leads for the agencies they lead; another agency's import
answers 404. Upload (multipart) reads and previews the file in one step,
``apply`` writes it (now, or queued for the worker when large), and the
import is polled for its progress and counts; its rejected rows come as JSON
or as the same CSV the pages offer.

Lists cost the same queries whatever their length.
"""

import datetime
import json
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthorizationError, HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from interagency.catalogue.selectors import roles_of
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action, Role
from interagency.core.validation import Id, OneLine
from interagency.people import selectors
from interagency.people.access import (
    PersonAct,
    may_staff,
    people_import_for,
    people_seen_by,
    person_for,
)
from interagency.people.api_schemas import PostOut
from interagency.people.importing import checking, mapping, reading, rejecting
from interagency.people.models import (
    Agency,
    EmploymentType,
    PeopleImport,
    Person,
    Post,
    Sector,
    Service,
)
from interagency.people.services.agencies import add_service, create_agency
from interagency.people.services.imports import (
    apply_people_import,
    as_polled,
    people_import_rejected_rows,
    upload_people_import,
)
from interagency.people.services.people import create_person, mark_person_left, update_person
from interagency.people.visibility import can_add_people, visible_people
from interagency.tenancy.access import FORBIDDEN, PartnershipAccess, access_for

router = Router(tags=["people"])


# Schemas: what a client reads and sends.


class ServiceOut(Schema):
    id: int
    agency_id: int
    name: str


class AgencyOut(Schema):
    id: int
    name: str
    sector: Sector
    is_statutory_partner: bool
    parent_id: int | None
    contact_name: str
    contact_email: str
    lead_id: int | None = Field(description="The account of the agency's lead, if any.")
    current_people: int = Field(description="Named people currently in the agency.")


class AgencyDetailOut(AgencyOut):
    services: list[ServiceOut]

    @staticmethod
    def resolve_services(obj: Agency) -> list[Service]:
        return list(obj.services.all())


class AgencyIn(Schema):
    name: OneLine = Field(max_length=200)
    sector: Sector
    is_statutory_partner: bool = False
    parent: Id | None = Field(None, description="Id of a parent agency of this partnership.")
    contact_name: OneLine = Field("", max_length=150)
    contact_email: OneLine = Field("", max_length=254)
    lead: Id | None = Field(None, description="Id of a member holding the agency lead role.")


class ServiceIn(Schema):
    name: OneLine = Field(max_length=200)


class RoleRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    full_name: str
    work_email: str
    job_title: str
    agency_id: int
    service_id: int | None
    role: RoleRef | None
    line_manager_id: int | None
    employment_type: EmploymentType
    started_on: datetime.date | None
    left_on: datetime.date | None
    external_id: str
    registration_number: str
    has_account: bool = Field(description="Whether the person signs in to Interagency.")

    @staticmethod
    def resolve_has_account(obj: Person) -> bool:
        return obj.user_id is not None


class PersonDetailOut(PersonOut):
    posts: list[PostOut] = Field(
        description="Further posts, current first; the person's own fields are the main post."
    )

    @staticmethod
    def resolve_posts(obj: Any) -> list[Post]:  # a Person with its further_posts
        return obj.further_posts


class PersonIn(Schema):
    full_name: OneLine = Field(max_length=150)
    agency: Id = Field(description="Id of an agency of this partnership.")
    work_email: OneLine = Field("", max_length=254)
    job_title: OneLine = Field("", max_length=150)
    service: Id | None = None
    role: Id | None = Field(None, description="Id of a role of the partnership's catalogue.")
    line_manager: Id | None = Field(None, description="Id of a person of this partnership.")
    employment_type: EmploymentType = EmploymentType.PERMANENT
    started_on: datetime.date | None = None
    external_id: OneLine = Field("", max_length=64)
    registration_number: OneLine = Field("", max_length=64)


class PersonPatch(Schema):
    """Only the fields sent change; the others keep their current value."""

    full_name: OneLine | None = Field(None, max_length=150)
    agency: Id | None = None
    work_email: OneLine | None = Field(None, max_length=254)
    job_title: OneLine | None = Field(None, max_length=150)
    service: Id | None = None
    role: Id | None = None
    line_manager: Id | None = None
    employment_type: EmploymentType | None = None
    started_on: datetime.date | None = None
    external_id: OneLine | None = Field(None, max_length=64)
    registration_number: OneLine | None = Field(None, max_length=64)


class LeaveIn(Schema):
    left_on: datetime.date = Field(description="The day the person left (on or after starting).")


class PeopleFilters(Schema):
    agency: Id | None = Field(None, description="Only people of this agency.")
    service: Id | None = Field(None, description="Only people of this service.")
    role: Id | None = Field(None, description="Only people with this role.")
    current: bool | None = Field(
        True, description="True: people still there (the default); false: leavers; null: both."
    )
    q: OneLine = Field("", max_length=200, description="Words to find in names and work emails.")


class HeadcountOut(Schema):
    id: int
    agency_id: int
    service_id: int | None
    role_id: int | None
    tier_id: int | None
    count: int
    as_of: datetime.date
    source: str


# Helpers: the rows a request may name, else the same 404 as a missing one.


def references(access: PartnershipAccess, fields: dict[str, Any]) -> dict[str, Any]:
    """Ids in ``fields`` turned into the partnership's rows; an unknown id is a field error."""
    partnership = access.partnership
    lookups = {
        "agency": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "service": lambda pk: selectors.services_of(partnership).filter(pk=pk).first(),
        "role": lambda pk: roles_of(partnership).filter(pk=pk).first(),
        "line_manager": lambda pk: (
            visible_people(partnership, None, [Role.COORDINATOR]).filter(pk=pk).first()
        ),
        "parent": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "lead": lambda pk: selectors.agency_lead_candidates(partnership).filter(pk=pk).first(),
    }
    resolved = dict(fields)
    unknown = {}
    for name, lookup in lookups.items():
        if name in fields and fields[name] is not None:
            row = lookup(fields[name])
            if row is None:
                unknown[name] = f"There is no {name.replace('_', ' ')} with that id here."
            resolved[name] = row
    if unknown:
        raise DjangoValidationError(unknown)
    return resolved


def check_agency(access: PartnershipAccess, agency: Agency) -> None:
    """Agency leads add and move people only within the agencies they lead."""
    if not may_staff(access, agency):
        raise DjangoValidationError({"agency": "Choose an agency you lead."})


# Agencies and services.


@router.get(
    "/{code}/agencies",
    response={200: list[AgencyOut], **error_responses(400, 401, 403, 404)},
    url_name="agency-list",
    summary="Agencies",
)
@paginate(PageNumberPagination)
def agency_list(request: HttpRequest, code: str) -> QuerySet:
    """The partnership's agencies by name, with how many current people each has."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership)


@router.post(
    "/{code}/agencies",
    response={201: AgencyDetailOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="agency-list",
    summary="Add an agency",
)
def agency_create(request: HttpRequest, code: str, payload: AgencyIn) -> Any:
    """Coordinators add an agency; its contact details are audited."""
    access = access_for(request.user, code, Action.MANAGE_AGENCIES)
    fields = references(access, payload.model_dump())
    agency = create_agency(partnership=access.partnership, created_by=access.user, **fields)
    return Status(201, selectors.agencies_of(access.partnership).get(pk=agency.pk))


@router.get(
    "/{code}/agencies/{agency_id}",
    response={200: AgencyDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="agency-detail",
    summary="One agency with its services",
)
def agency_detail(request: HttpRequest, code: str, agency_id: int) -> Any:
    """An agency of the partnership; another partnership's answers 404."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    return selectors.agencies_of(access.partnership).prefetch_related("services").get(pk=agency_id)


@router.get(
    "/{code}/agencies/{agency_id}/services",
    response={200: list[ServiceOut], **error_responses(400, 401, 403, 404)},
    url_name="service-list",
    summary="An agency's services",
)
@paginate(PageNumberPagination)
def service_list(request: HttpRequest, code: str, agency_id: int) -> QuerySet:
    """The agency's teams and departments, by name."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    agency = selectors.agency_in(access.partnership, agency_id)
    return selectors.services_of(access.partnership).filter(agency=agency).order_by("name")


@router.post(
    "/{code}/agencies/{agency_id}/services",
    response={201: ServiceOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="service-list",
    summary="Add a service to an agency",
)
def service_create(request: HttpRequest, code: str, agency_id: int, payload: ServiceIn) -> Any:
    """Coordinators add a team or department; names are unique within the agency."""
    access = access_for(request.user, code, Action.MANAGE_AGENCIES)
    agency = selectors.agency_in(access.partnership, agency_id)
    return Status(201, add_service(agency=agency, name=payload.name))


# People.


@router.get(
    "/{code}/people",
    response={200: list[PersonOut], **error_responses(400, 401, 403, 404)},
    url_name="person-list",
    summary="People",
)
@paginate(PageNumberPagination)
def person_list(request: HttpRequest, code: str, filters: Query[PeopleFilters]) -> QuerySet:
    """The people the caller may see, by name; merged records are never listed.

    An agency, service or role id the caller cannot use gives an empty list.
    """
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    people = people_seen_by(access)
    if filters.agency is not None:
        people = people.filter(agency_id=filters.agency)
    if filters.service is not None:
        people = people.filter(service_id=filters.service)
    if filters.role is not None:
        people = people.filter(role_id=filters.role)
    status = {True: "current", False: "left", None: "all"}[filters.current]
    return selectors.search_people(people, status=status, search=filters.q)


@router.post(
    "/{code}/people",
    response={201: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-list",
    summary="Add a person",
)
def person_create(request: HttpRequest, code: str, payload: PersonIn) -> Any:
    """Coordinators add people to any agency; agency leads to the agencies they lead."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    user = access.user
    if not can_add_people(access.partnership, user, access.roles):
        raise AuthorizationError(message=FORBIDDEN)
    fields = references(access, payload.model_dump())
    check_agency(access, fields["agency"])
    person = create_person(partnership=access.partnership, changed_by=user, **fields)
    return Status(201, selectors.person_detail(people_seen_by(access), person.pk))


@router.get(
    "/{code}/people/{person_id}",
    response={200: PersonDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="person-detail",
    summary="One person",
)
def person_detail(request: HttpRequest, code: str, person_id: int) -> Any:
    """A person the caller may see, with their further posts; anyone else answers 404."""
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.VIEW)
    person.further_posts = list(selectors.posts_of(access.partnership, person))  # type: ignore[attr-defined]
    return person


CLEARABLE_TEXT = ("work_email", "job_title", "external_id", "registration_number")


@router.patch(
    "/{code}/people/{person_id}",
    response={200: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-detail",
    summary="Change a person",
)
def person_update(request: HttpRequest, code: str, person_id: int, payload: PersonPatch) -> Any:
    """Send only the fields to change; the change is audited. Leaving has its own endpoint."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    fields = references(access, payload.model_dump(exclude_unset=True))
    if fields.get("agency") is not None:
        check_agency(access, fields["agency"])
    for name in CLEARABLE_TEXT:
        # null clears the text, as an emptied box on the page does.
        if name in fields and fields[name] is None:
            fields[name] = ""
    update_person(person=person, changed_by=access.user, **fields)
    return selectors.person_detail(people_seen_by(access), person_id)


@router.post(
    "/{code}/people/{person_id}/leave",
    response={200: PersonOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="person-leave",
    summary="Mark a person as left",
)
def person_leave(request: HttpRequest, code: str, person_id: int, payload: LeaveIn) -> Any:
    """Record the day the person left their agency (audited)."""
    access = access_for(request.user, code, Action.EDIT_PEOPLE)
    person = person_for(access, person_id, to=PersonAct.EDIT)
    mark_person_left(person=person, left_on=payload.left_on, changed_by=access.user)
    return selectors.person_detail(people_seen_by(access), person_id)


# Headcounts.


@router.get(
    "/{code}/headcounts",
    response={200: list[HeadcountOut], **error_responses(400, 401, 403, 404)},
    url_name="headcount-list",
    summary="Headcounts",
)
@paginate(PageNumberPagination)
def headcount_list(request: HttpRequest, code: str, agency: int | None = None) -> QuerySet:
    """The latest staff numbers for each agency, service and role or tier.

    Agencies that give numbers rather than names; ``agency`` narrows to one.
    """
    access = access_for(request.user, code, Action.VIEW_PEOPLE)
    headcounts = selectors.latest_headcounts(access.partnership)
    if agency is not None:
        headcounts = headcounts.filter(agency_id=agency)
    return headcounts


# Staff-list imports.


class ImportProblemOut(Schema):
    row: int = Field(description="The row's number in the file (the header is row 1).")
    column: str = Field(description="The file's column the problem is in.")
    value: str
    message: str
    level: str = Field(description="error: the row is rejected; warning: kept; info: a note.")


# Named for the document: a plain ``PeopleImport.Status`` would be called "Status" there,
# and the sessions' "Status" would replace it.
ImportStatus = Annotated[
    PeopleImport.Status,
    WithJsonSchema(
        {"title": "ImportStatus", "type": "string", "enum": list(PeopleImport.Status.values)}
    ),
]


class PeopleImportOut(Schema):
    id: int
    agency_id: int | None = Field(
        description="Null when each row's agency is taken from its organisation column."
    )
    file_name: str
    file_sha256: str
    uploaded_at: datetime.datetime
    uploaded_by_id: int | None
    is_full_staff_list: bool
    status: ImportStatus = Field(
        description="uploaded, previewed, queued, running, applied or failed."
    )
    rows_total: int
    rows_done: int = Field(description="Rows checked so far while running.")
    percent: int = Field(description="Progress from 0 to 100.")
    created: int
    updated: int
    unchanged: int
    marked_left: int
    rejected: int
    posts_created: int = Field(description="Further posts of people added.")
    posts_updated: int = Field(description="Further posts of people changed.")
    posts_ended: int = Field(
        description="Further posts ended: a full staff list no longer names them."
    )
    error: str = Field(description="Why a failed import stopped; nothing was changed.")
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_percent(obj: PeopleImport) -> int:
        if obj.status == PeopleImport.Status.APPLIED:
            return 100
        return obj.rows_done * 100 // obj.rows_total if obj.rows_total else 0


class PeopleImportPreviewOut(PeopleImportOut):
    problems: list[ImportProblemOut] = Field(
        description=f"Each row's problems, the first {checking.MAX_PROBLEMS_SHOWN}."
    )
    reading_notes: list[str] = Field(
        description='How the file was read: its text encoding ("Read as Windows-1252") and how '
        "each date column's values were read (date cells, day/month/year text, Excel serial "
        "numbers and which date system)."
    )
    review: dict = Field(
        description="The file's contract words and the roles the catalogue does not have, "
        'each with its rows: {"contract_words": {key: {"text", "rows", "sample", "suggested"}}, '
        '"unknown_roles": {key: {"text", "rows", "sample", "close"}}}; answer in choices.'
    )


class RejectedRowOut(Schema):
    row: int
    column: str
    value: str
    reason: str


class RejectedRowsOut(Schema):
    import_id: int
    rejected: int = Field(description="How many rows are rejected.")
    complete: bool = Field(
        description="False once the import is applied and its file no longer kept: only the "
        "problems recorded at the preview are listed."
    )
    rows: list[RejectedRowOut]


def _file_error(message: str) -> DjangoValidationError:
    return DjangoValidationError({"file": message})


UPLOAD_FILE = File(None, description="A CSV or Excel (.xlsx) file, 20 MB at most.")


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
    agency: int | None = Form(
        None,
        description="Id of the agency whose staff list this is; leave it out, and map the "
        "organisation column, to take each row's agency from the file.",
    ),
    file: UploadedFile | None = UPLOAD_FILE,
    is_full_staff_list: bool = Form(
        False, description="People of the agency missing from the file will be marked as left."
    ),
    columns: str | None = Form(
        None,
        description='JSON {"field": "column header"}, e.g. {"full_name": "Name", "work_email": '
        '"Email"}; without it, the columns remembered for the agency. Fields: '
        + ", ".join(mapping.FIELDS)
        + ".",
    ),
    choices: str | None = Form(
        None,
        description='JSON {"contract_words": {"Fixed term": "temporary"}, "roles": {"Snr SW": '
        '12 or "none"}, "organisations": {"Camden Hlth": 3 or "reject"}}: what the file\'s '
        "contract words mean, what to do with roles the catalogue does not have, and which "
        "agency an unknown organisation is. Rows whose word, role or organisation has no "
        "choice are rejected; the preview's review lists them.",
    ),
) -> Any:
    """Send ``multipart/form-data``. The file is read and every row checked; nothing about
    people is written until ``apply``. A file that cannot be read answers 400 naming why."""
    access = access_for(request.user, code, Action.IMPORT_PEOPLE)
    user = access.user
    errors: dict[str, str] = {}
    chosen = None
    target = None
    if agency is not None:
        target = (
            selectors.import_agencies(access.partnership, user, access.roles)
            .filter(pk=agency)
            .first()
        )
        if target is None:
            errors["agency"] = "There is no agency with that id among those you import for."
    if file is None:
        errors["file"] = "Select a CSV or XLSX file and send it as the form field 'file'."
    elif file.size is not None and file.size > reading.MAX_UPLOAD_BYTES:
        errors["file"] = (
            f"The selected file must be smaller than {reading.MAX_UPLOAD_BYTES // 2**20} MB."
        )
    if columns:
        try:
            chosen = json.loads(columns)
        except json.JSONDecodeError as error:
            errors["columns"] = f'Columns must be JSON, like {{"full_name": "Name"}}: {error}.'
        else:
            if not isinstance(chosen, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in chosen.items()
            ):
                errors["columns"] = 'Columns must be a JSON object of texts: {"field": "header"}.'
    answers = None
    if choices:
        try:
            answers = json.loads(choices)
        except json.JSONDecodeError as error:
            errors["choices"] = f'Choices must be JSON, like {{"roles": {{"Snr SW": 1}}}}: {error}.'
        else:
            if not isinstance(answers, dict):
                errors["choices"] = 'Choices must be a JSON object: {"contract_words": {...}}.'
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
            uploaded_by=user,
            file_name=file.name or "upload",
            content=content,
            is_full_staff_list=is_full_staff_list,
            columns=chosen,
            choices=answers,
        )
    except reading.ImportFileError as error:
        raise _file_error(str(error)) from error
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
