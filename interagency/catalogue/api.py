"""A partnership's catalogue: frameworks, tiers, courses, roles and their pathways.

Everyone in the partnership may read it; coordinators tailor framework courses
and add local ones. Courses read as the partnership shows them: its local
title and duration in place of the framework's, hidden ones left out, its own
local courses included. Another partnership's local course or framework
answers 404, exactly like one that does not exist.

Lists cost the same queries whatever their length: courses prefetch their
topics and prerequisites for the whole page at once.
"""

from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from interagency.catalogue import selectors, services
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    DeliveryMode,
    Pathway,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.core.validation import CourseHours, FreeText, Id, OneLine
from interagency.tenancy.access import access_for

router = Router(tags=["catalogue"])


# Schemas: what a client reads.


class FrameworkRef(Schema):
    id: int
    slug: str
    name: str
    version: str


class TierRef(Schema):
    id: int
    code: str
    name: str


class TopicOut(Schema):
    slug: str
    name: str


class FrameworkOut(FrameworkRef):
    owner: CompetenceFramework.Owner
    source: str
    period_months: int | None = Field(
        description="Refresher period of an hour-based framework, in months."
    )


class TierOut(TierRef):
    framework_id: int
    order: int
    audience: str
    outcomes: list[str]
    example_roles: list[str]
    hours_per_period: float | None
    hours_per_period_max: float | None
    note: str


class FrameworkDetailOut(FrameworkOut):
    adopted: bool = Field(description="Whether the partnership runs its programme on it.")
    questions: list[dict[str, Any]] = Field(
        description='The framework\'s questions that place a person in a tier: {"text", "tier"}.'
    )
    tiers: list[TierOut]

    @staticmethod
    def resolve_tiers(obj: CompetenceFramework) -> list[Tier]:
        return list(obj.tiers.all())


class CourseOut(Schema):
    id: int
    title: str = Field(description="The partnership's local title, or the framework's.")
    framework: FrameworkRef
    tier: TierRef
    category: Course.Category
    level: int | None
    duration_hours: float = Field(
        description="The partnership's local duration, or the framework's."
    )
    duration_is_minimum: bool
    duration_text: str = Field(description="The duration as the framework writes it.")
    aims: str
    outcomes: list[str]
    topics: list[TopicOut]
    delivery_modes: list[str]
    prerequisites: list[int] = Field(description="Ids of the courses to complete first.")
    prerequisite_note: str
    refresh_months: int | None
    local: bool = Field(description="Added by this partnership, not part of the framework.")
    hidden: bool = Field(description="Tailored away by the partnership (never in lists).")

    @staticmethod
    def resolve_title(obj: Any) -> str:  # a catalogue course, with its shown_ fields
        return obj.shown_title

    @staticmethod
    def resolve_duration_hours(obj: Any) -> Decimal:
        return obj.shown_hours

    @staticmethod
    def resolve_topics(obj: Course) -> list[Topic]:
        return list(obj.topics.all())

    @staticmethod
    def resolve_prerequisites(obj: Course) -> list[int]:
        return [course.pk for course in obj.prerequisites.all()]

    @staticmethod
    def resolve_local(obj: Course) -> bool:
        return obj.local_to_id is not None

    @staticmethod
    def resolve_hidden(obj: Any) -> bool:
        return bool(obj.is_hidden)


class RoleOut(Schema):
    id: int
    name: str
    description: str
    framework: FrameworkRef
    tier: TierRef
    local: bool = Field(description="Added by this partnership, not part of the framework.")

    @staticmethod
    def resolve_local(obj: Role) -> bool:
        return obj.local_to_id is not None


class PathwayItemOut(Schema):
    course_id: int | None = Field(
        description="Null while the name the framework used matches no course."
    )
    named_as: str = Field(description="The name the framework used.")
    kind: PathwayItem.Kind
    repeat_every_months: int | None


class PathwayOut(Schema):
    window_months: int = Field(description="Months from starting the role to complete it.")
    hours_per_period: float | None
    period_months: int | None
    adjoining_tiers_allowed: bool
    notes: str
    items: list[PathwayItemOut]

    @staticmethod
    def resolve_items(obj: Pathway) -> list[PathwayItem]:
        return list(obj.items.all())


class RoleDetailOut(RoleOut):
    pathway: PathwayOut | None

    @staticmethod
    def resolve_pathway(obj: Role) -> Pathway | None:
        # A role whose framework sets no pathway has none.
        return getattr(obj, "pathway", None)


class CourseFilters(Schema):
    tier: str = Field("", description="A tier's code, such as A.")
    category: Course.Category | None = None
    topic: str = Field("", description="A topic's slug.")
    q: str = Field("", max_length=200, description="Words to find in titles, aims and topics.")
    role: Id | None = Field(None, description="Only courses on this role's pathway.")
    max_hours: Decimal | None = Field(
        None, gt=0, max_digits=5, decimal_places=1, allow_inf_nan=False
    )


class TailoringIn(Schema):
    """Only the fields sent change; the others keep their current value."""

    hidden: bool | None = Field(
        None, description="True: the partnership does not run the course. Null: unchanged."
    )
    local_title: OneLine | None = Field(
        None,
        max_length=200,
        description="The partnership's title; empty or null for the framework's.",
    )
    local_duration_hours: CourseHours | None = Field(
        None,
        description="The partnership's duration in hours, 0.5 to 1,000; null for the framework's.",
    )


class LocalCourseIn(Schema):
    framework: Id = Field(description="Id of an adopted framework.")
    tier: Id = Field(description="Id of a tier of that framework.")
    title: OneLine = Field(max_length=200)
    category: Course.Category
    level: Course.Level | None = None
    duration_text: OneLine = Field(
        max_length=60, description="As a framework writes it: '3 hours', '1 day or 6 hours'."
    )
    aims: FreeText = Field("", max_length=10_000)
    outcomes: list[Annotated[OneLine, Field(max_length=500)]] = Field([], max_length=100)
    topics: list[Annotated[OneLine, Field(max_length=80)]] = Field(
        [], max_length=50, description="Topic names; new ones are created."
    )
    delivery_modes: list[DeliveryMode] = []
    prerequisites: list[Id] = Field(
        [], max_length=100, description="Ids of courses of this catalogue."
    )
    prerequisite_note: OneLine = Field("", max_length=200)


# Reads.


@router.get(
    "/{code}/frameworks",
    response={200: list[FrameworkOut], **error_responses(400, 401, 403, 404)},
    url_name="framework-list",
    summary="Frameworks the partnership adopted",
)
@paginate(PageNumberPagination)
def framework_list(request: HttpRequest, code: str) -> QuerySet:
    """The framework versions the partnership runs its programme on, by name."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    return selectors.adopted_frameworks(access.partnership)


@router.get(
    "/{code}/frameworks/{framework_id}",
    response={200: FrameworkDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="framework-detail",
    summary="One framework with its tiers",
)
def framework_detail(request: HttpRequest, code: str, framework_id: int) -> Any:
    """A framework the partnership adopted or may adopt (national, its region's or its own)."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    framework = selectors.framework_in(access.partnership, framework_id)
    adopted = selectors.adopted_frameworks(access.partnership).filter(pk=framework.pk).exists()
    framework.adopted = adopted  # type: ignore[attr-defined]
    return framework


@router.get(
    "/{code}/tiers",
    response={200: list[TierOut], **error_responses(400, 401, 403, 404)},
    url_name="tier-list",
    summary="Tiers",
)
@paginate(PageNumberPagination)
def tier_list(request: HttpRequest, code: str) -> QuerySet:
    """The tiers of every adopted framework, in each framework's order."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    return selectors.tiers_of(access.partnership)


@router.get(
    "/{code}/courses",
    response={200: list[CourseOut], **error_responses(400, 401, 403, 404)},
    url_name="course-list",
    summary="Courses",
)
@paginate(PageNumberPagination)
def course_list(request: HttpRequest, code: str, filters: Query[CourseFilters]) -> QuerySet:
    """The partnership's courses, narrowed by every filter given.

    ``q`` matches courses holding every word in the title, aims or topics;
    ``role`` keeps the courses on that role's pathway.
    """
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    role = None
    if filters.role is not None:
        role = selectors.roles_of(access.partnership).filter(pk=filters.role).first()
        if role is None:
            raise ValidationError(
                [
                    {
                        "loc": ("query", "role"),
                        "msg": "There is no role with that id in this partnership's catalogue.",
                        "type": "unknown_role",
                    }
                ]
            )
    courses = selectors.search_courses(
        access.partnership,
        tier=filters.tier,
        category=filters.category or "",
        topic=filters.topic,
        text=filters.q,
        max_hours=filters.max_hours,
        role=role,
    )
    return courses.prefetch_related("prerequisites")


@router.get(
    "/{code}/courses/{course_id}",
    response={200: CourseOut, **error_responses(400, 401, 403, 404)},
    url_name="course-detail",
    summary="One course",
)
def course_detail(request: HttpRequest, code: str, course_id: int) -> Any:
    """A course of the partnership's catalogue; hidden and other partnerships' answer 404."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    return selectors.course_in(access.partnership, course_id)


@router.get(
    "/{code}/roles",
    response={200: list[RoleOut], **error_responses(400, 401, 403, 404)},
    url_name="role-list",
    summary="Roles",
)
@paginate(PageNumberPagination)
def role_list(request: HttpRequest, code: str) -> QuerySet:
    """Roles of the adopted frameworks and the partnership's own, by tier."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    return selectors.roles_of(access.partnership)


@router.get(
    "/{code}/roles/{role_id}",
    response={200: RoleDetailOut, **error_responses(400, 401, 403, 404)},
    url_name="role-detail",
    summary="One role with its pathway",
)
def role_detail(request: HttpRequest, code: str, role_id: int) -> Any:
    """A role and what its pathway requires and recommends, and how often."""
    access = access_for(request.user, code, Action.VIEW_CATALOGUE)
    return selectors.role_in(access.partnership, role_id)


# Writes: coordinators change their own partnership's catalogue.


@router.post(
    "/{code}/courses/{course_id}/tailoring",
    response={200: CourseOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="course-tailoring",
    summary="Tailor a framework course",
)
def course_tailoring(request: HttpRequest, code: str, course_id: int, payload: TailoringIn) -> Any:
    """Hide, rename or re-time a framework course for this partnership only.

    Send only the fields to change. Answers the course as the partnership now
    shows it. A course a pathway requires cannot be hidden; a local course is
    changed as a course, not tailored.
    """
    access = access_for(request.user, code, Action.MANAGE_CATALOGUE)
    course = selectors.course_in(access.partnership, course_id, include_hidden=True)
    changes = payload.model_dump(exclude_unset=True)
    if changes.get("hidden", False) is None:
        del changes["hidden"]
    services.tailor_course(partnership=access.partnership, course=course, **changes)
    return selectors.course_in(access.partnership, course_id, include_hidden=True)


@router.post(
    "/{code}/local-courses",
    response={201: CourseOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="local-course-create",
    summary="Add a local course",
)
def local_course_create(request: HttpRequest, code: str, payload: LocalCourseIn) -> Any:
    """A course the partnership runs in one of its adopted frameworks.

    ``duration_text`` is read as the frameworks write durations; a Level 2
    course needs its Level 1 course (found by title), a prerequisite, or a
    ``prerequisite_note`` naming an equivalent.
    """
    access = access_for(request.user, code, Action.MANAGE_CATALOGUE)
    partnership = access.partnership
    framework = selectors.frameworks_available_to(partnership).filter(pk=payload.framework).first()
    tier = selectors.tiers_of(partnership).filter(pk=payload.tier).first()
    prerequisites = list(
        selectors.catalogue_courses(partnership, include_hidden=True).filter(
            pk__in=payload.prerequisites
        )
    )
    unknown: dict[str, str] = {}
    if framework is None:
        unknown["framework"] = "There is no framework with that id available to this partnership."
    if tier is None:
        unknown["tier"] = "There is no tier with that id in this partnership's frameworks."
    if len(prerequisites) != len(set(payload.prerequisites)):
        unknown["prerequisites"] = "Choose prerequisites from this partnership's catalogue."
    if unknown or framework is None or tier is None:
        raise DjangoValidationError(unknown)
    course = services.add_local_course(
        partnership=partnership,
        framework=framework,
        tier=tier,
        title=payload.title,
        category=payload.category,
        level=payload.level,
        duration_text=payload.duration_text,
        aims=payload.aims,
        outcomes=payload.outcomes,
        topics=payload.topics,
        delivery_modes=[str(mode) for mode in payload.delivery_modes],
        prerequisites=prerequisites,
        prerequisite_note=payload.prerequisite_note,
    )
    return Status(201, selectors.course_in(partnership, course.pk, include_hidden=True))
