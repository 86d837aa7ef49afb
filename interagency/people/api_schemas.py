"""What a client of the people API reads and sends (``api/``, ``api_posts.py``).

Agencies and their services, people and their further posts, headcounts, and
staff-list imports with their problems and rejected rows.
"""

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema

from interagency.core.validation import Id, OneLine
from interagency.people.importing import checking
from interagency.people.models import (
    Agency,
    EmploymentType,
    PeopleImport,
    Person,
    Post,
    Sector,
    Service,
)


class PostOut(Schema):
    """A further post: the person's own fields are their main post, these are the others."""

    id: int
    agency_id: int
    service_id: int | None
    role_id: int | None
    role_name: str = Field(description="The post's catalogue role, or empty.")
    job_title: str
    line_manager_id: int | None
    employment_type: EmploymentType
    started_on: datetime.date | None
    left_on: datetime.date | None

    @staticmethod
    def resolve_role_name(obj: Post) -> str:
        return obj.role.name if obj.role is not None else ""


class PostIn(Schema):
    agency: Id | None = Field(None, description="Id of an agency; the person's own by default.")
    service: Id | None = Field(None, description="Id of a service of the post's agency.")
    role: Id | None = Field(None, description="Id of a role of the partnership's catalogue.")
    job_title: OneLine = Field("", max_length=150)
    line_manager: Id | None = Field(None, description="Id of a person of this partnership.")
    employment_type: EmploymentType = EmploymentType.PERMANENT
    started_on: datetime.date | None = None
    left_on: datetime.date | None = Field(None, description="The day the post ends, if known.")


class PostPatch(Schema):
    """Only the fields sent change; send ``left_on`` to end the post."""

    agency: Id | None = None
    service: Id | None = None
    role: Id | None = None
    job_title: OneLine | None = Field(None, max_length=150)
    line_manager: Id | None = None
    employment_type: EmploymentType | None = None
    started_on: datetime.date | None = None
    left_on: datetime.date | None = None


# Agencies and their services.


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


# People.


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


# Headcounts.


class HeadcountOut(Schema):
    id: int
    agency_id: int
    service_id: int | None
    role_id: int | None
    tier_id: int | None
    count: int
    as_of: datetime.date
    source: str


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
