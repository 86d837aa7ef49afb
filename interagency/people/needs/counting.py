"""Who needs training, read in a fixed handful of aggregate queries whatever their number.

The people who need training are the partnership's current named people with a
role (their role's pathway says which courses they must complete) plus the
staff numbers agencies gave instead of names (``Headcount``: the latest figure
for each agency, service and role or tier). A headcount by tier alone has no
pathway, so it is counted against the tier's core courses.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from interagency.catalogue.models import Course, PathwayItem
from interagency.catalogue.selectors import catalogue_courses, roles_of
from interagency.people.models import Headcount, Person, PlannedPlaces, Post, current_on
from interagency.people.needs.arithmetic import (
    DEFAULT_WINDOW_MONTHS,
    CourseNeed,
    Requirement,
    course_needs,
    latest_headcounts,
)
from interagency.tenancy.models import Partnership


@dataclass(frozen=True)
class NeedsFilter:
    """Which part of the partnership to analyse; empty values mean "all"."""

    year: int
    sector: str = ""
    agency_id: int | None = None
    service_id: int | None = None
    tier_id: int | None = None
    # Agency leads see only their agencies: the ids they may analyse, or None for all.
    agency_ids: frozenset[int] | None = None


def _person_scope(partnership: Partnership, filters: NeedsFilter, prefix: str = "") -> Q:
    scope = Q()
    if filters.agency_ids is not None:
        scope &= Q(**{f"{prefix}agency_id__in": filters.agency_ids})
    if filters.sector:
        scope &= Q(**{f"{prefix}agency__sector": filters.sector})
    if filters.agency_id:
        scope &= Q(**{f"{prefix}agency_id": filters.agency_id})
    if filters.service_id:
        scope &= Q(**{f"{prefix}service_id": filters.service_id})
    return scope


def _current_posts_with_a_role(partnership: Partnership, today: date) -> QuerySet[Post]:
    return Post.objects.for_partnership(partnership).filter(current_on(today), role__isnull=False)


def people_by_role(partnership: Partnership, filters: NeedsFilter) -> dict[int, int]:
    """Current, unmerged named people with a role, counted by role (one query).

    People with a current further post that has a role are counted by
    ``people_by_roles`` instead. Agency, service and sector filters read the
    person's main post.
    """
    today = timezone.localdate()
    further = _current_posts_with_a_role(partnership, today).filter(person=OuterRef("pk"))
    people = (
        Person.objects.for_partnership(partnership)
        .filter(current_on(today), merged_into__isnull=True, role__isnull=False)
        .filter(_person_scope(partnership, filters))
        .exclude(Exists(further))
    )
    if filters.tier_id:
        people = people.filter(role__tier_id=filters.tier_id)
    rows = people.values("role_id").annotate(people=Count("pk")).order_by()
    return {row["role_id"]: row["people"] for row in rows}


def people_by_roles(
    partnership: Partnership, filters: NeedsFilter, role_tiers: dict[int, int]
) -> dict[frozenset[int], int]:
    """Current, unmerged people with current further posts, counted by their set of roles.

    One query. A person's set holds their main role (if any) and the roles of
    their current further posts; with a tier filter, only the roles of that tier.
    """
    today = timezone.localdate()
    rows = (
        _current_posts_with_a_role(partnership, today)
        .filter(current_on(today, "person__"), person__merged_into__isnull=True)
        .filter(_person_scope(partnership, filters, "person__"))
        .values_list("person_id", "person__role_id", "role_id")
        .order_by()
    )
    roles: dict[int, set[int]] = defaultdict(set)
    for person_id, main_role_id, role_id in rows:
        roles[person_id].add(role_id)
        if main_role_id is not None:
            roles[person_id].add(main_role_id)
    counts: dict[frozenset[int], int] = defaultdict(int)
    for held in roles.values():
        if filters.tier_id:
            held = {role_id for role_id in held if role_tiers.get(role_id) == filters.tier_id}
        if held:
            counts[frozenset(held)] += 1
    return dict(counts)


def headcounts_by_role_and_tier(
    partnership: Partnership, filters: NeedsFilter, role_tiers: dict[int, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """The latest headcounts, summed by role, and by tier for those that give only a tier."""
    rows = (
        Headcount.objects.for_partnership(partnership)
        .filter(_person_scope(partnership, filters))
        .order_by("-as_of", "-pk")
        .values("agency_id", "service_id", "role_id", "tier_id", "count")
    )
    by_role: dict[int, int] = defaultdict(int)
    by_tier: dict[int, int] = defaultdict(int)
    for row in latest_headcounts(rows):
        if row["role_id"] is not None:
            if filters.tier_id and role_tiers.get(row["role_id"]) != filters.tier_id:
                continue
            by_role[row["role_id"]] += row["count"]
        elif not filters.tier_id or row["tier_id"] == filters.tier_id:
            by_tier[row["tier_id"]] += row["count"]
    return dict(by_role), dict(by_tier)


def role_requirements(partnership: Partnership) -> tuple[dict[int, list[Requirement]], dict]:
    """Required courses of each role's pathway (one query), and each role's tier."""
    items = (
        PathwayItem.objects.filter(
            kind=PathwayItem.Kind.REQUIRED,
            course__isnull=False,
            pathway__role__in=roles_of(partnership),
        )
        .values(
            "pathway__role_id",
            "pathway__role__tier_id",
            "course_id",
            "pathway__window_months",
            "repeat_every_months",
        )
        .order_by()
    )
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    tiers: dict[int, int] = {}
    for item in items:
        role_id = item["pathway__role_id"]
        tiers[role_id] = item["pathway__role__tier_id"]
        requirements[role_id].append(
            Requirement(
                course_id=item["course_id"],
                window_months=item["pathway__window_months"],
                repeat_every_months=item["repeat_every_months"],
            )
        )
    return dict(requirements), tiers


def tier_requirements(courses: dict[int, Any]) -> dict[int, list[Requirement]]:
    """Each tier's core courses, for people counted only by tier."""
    requirements: dict[int, list[Requirement]] = defaultdict(list)
    for course in courses.values():
        if course.category == Course.Category.CORE:
            requirements[course.tier_id].append(
                Requirement(
                    course_id=course.pk,
                    window_months=DEFAULT_WINDOW_MONTHS,
                    repeat_every_months=course.refresh_months,
                )
            )
    return dict(requirements)


def planned_places(partnership: Partnership, year: int) -> dict[int, int]:
    rows = PlannedPlaces.objects.for_partnership(partnership).filter(year=year)
    return dict(rows.values_list("course_id", "places"))


def analyse(partnership: Partnership, filters: NeedsFilter) -> list[CourseNeed]:
    """The needs table for the part of the partnership ``filters`` picks."""
    courses = {course.pk: course for course in catalogue_courses(partnership)}
    requirements, role_tiers = role_requirements(partnership)
    # Roles without required items still have a tier for the tier filter.
    role_tiers.update(dict(roles_of(partnership).values_list("pk", "tier_id")))
    named = people_by_role(partnership, filters)
    counted_roles, counted_tiers = headcounts_by_role_and_tier(partnership, filters, role_tiers)
    by_role = dict(named)
    for role_id, count in counted_roles.items():
        by_role[role_id] = by_role.get(role_id, 0) + count
    return course_needs(
        people_by_role=by_role,
        people_by_tier=counted_tiers,
        role_requirements=requirements,
        tier_requirements=tier_requirements(courses),
        courses=courses,
        planned=planned_places(partnership, filters.year),
        people_by_roles=people_by_roles(partnership, filters, role_tiers),
    )


def this_year() -> int:
    return date.today().year


def filter_choices(partnership: Partnership, agency_ids: frozenset[int] | None) -> dict[str, Any]:
    """Agencies and services the filter form may find (querysets, searched on demand) and
    tiers (one query)."""
    from interagency.catalogue.selectors import tiers_of
    from interagency.people.models import Agency, Service

    agencies = Agency.objects.for_partnership(partnership).order_by("name")
    services = Service.objects.for_partnership(partnership).select_related("agency")
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=agency_ids)
        services = services.filter(agency_id__in=agency_ids)
    return {
        "agencies": agencies,
        "services": services,
        "tiers": [
            (tier.pk, f"{tier.framework.name}: {tier.name}") for tier in tiers_of(partnership)
        ],
    }


def led_agency_ids(partnership: Partnership, user) -> frozenset[int]:
    """The agencies ``user`` leads in ``partnership``."""
    from interagency.people.models import Agency

    return frozenset(
        Agency.objects.for_partnership(partnership).filter(lead=user).values_list("pk", flat=True)
    )
