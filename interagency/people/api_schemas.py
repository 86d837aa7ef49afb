"""Schemas of a person's further posts in the people API (``api.py``, ``api_posts.py``)."""

import datetime

from ninja import Field, Schema

from interagency.core.validation import Id, OneLine
from interagency.people.models import EmploymentType, Post


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
