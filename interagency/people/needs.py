"""Training needs analysis: how many places each course needs a year, against those planned.

The people who need training are the partnership's current named people with a
role (their role's pathway says which courses they must complete) plus the
staff numbers agencies gave instead of names (``Headcount``: the latest figure
for each agency, service and role or tier). A headcount by tier alone has no
pathway, so it is counted against the tier's core courses.

Places needed in a year, for each required course of a pathway:

* first completion: people × 12 ÷ the pathway's window in months (everyone
  completes within the window, spread evenly), and
* refreshers, for items repeated every N months: people × 12 ÷ N.

The gap is needed minus the places planned for the year (``PlannedPlaces``).

The reads are a fixed handful of aggregate queries whatever the number of
people; the arithmetic is pure functions over their rows, tested on their own.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from interagency.catalogue.models import Course, PathwayItem
from interagency.catalogue.selectors import catalogue_courses, roles_of
from interagency.core.spreadsheets import neutralise
from interagency.people.models import Headcount, Person, PlannedPlaces, Post, current_on
from interagency.tenancy.models import Partnership

DEFAULT_WINDOW_MONTHS = 24  # a pathway's default, used for tier-only headcounts
CHART_COURSES = 15


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


@dataclass(frozen=True)
class Requirement:
    """A role (or a tier, for tier-only headcounts) needs ``course_id`` every so often."""

    course_id: int
    window_months: int
    repeat_every_months: int | None


@dataclass
class CourseNeed:
    course_id: int
    title: str
    tier: str
    people: int = 0
    needed: float = 0.0
    planned: int = 0
    _role_ids: set[int] = field(default_factory=set, repr=False)

    @property
    def places_needed(self) -> int:
        """Whole places: a fraction of a place still needs a seat."""
        return math.ceil(round(self.needed, 6))

    @property
    def gap(self) -> int:
        return self.places_needed - self.planned


# --- Pure arithmetic ------------------------------------------------------------------------


def places_per_year(people: int, requirement: Requirement) -> float:
    """Places a year that ``people`` need for one requirement: first completion plus refresher."""
    if people <= 0:
        return 0.0
    window = requirement.window_months or DEFAULT_WINDOW_MONTHS
    places = people * 12 / window
    if requirement.repeat_every_months:
        places += people * 12 / requirement.repeat_every_months
    return places


def latest_headcounts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The latest figure for each agency, service and role-or-tier (rows newest first)."""
    seen: set[tuple] = set()
    latest = []
    for row in rows:
        key = (row["agency_id"], row["service_id"], row["role_id"], row["tier_id"])
        if key not in seen:
            seen.add(key)
            latest.append(row)
    return latest


def union_requirements(
    role_ids: Iterable[int], role_requirements: dict[int, list[Requirement]]
) -> list[Requirement]:
    """What a person holding every role of ``role_ids`` needs: each course once, the strictest.

    A course two roles require counts once, within the shorter window and
    repeated the more often of the two.
    """
    union: dict[int, Requirement] = {}
    for role_id in sorted(role_ids):
        for requirement in role_requirements.get(role_id, []):
            kept = union.get(requirement.course_id)
            if kept is not None:
                repeats = [
                    months
                    for months in (kept.repeat_every_months, requirement.repeat_every_months)
                    if months
                ]
                requirement = Requirement(
                    course_id=kept.course_id,
                    window_months=min(kept.window_months, requirement.window_months),
                    repeat_every_months=min(repeats) if repeats else None,
                )
            union[requirement.course_id] = requirement
    return list(union.values())


def course_needs(
    *,
    people_by_role: dict[int, int],
    people_by_tier: dict[int, int],
    role_requirements: dict[int, list[Requirement]],
    tier_requirements: dict[int, list[Requirement]],
    courses: dict[int, Any],
    planned: dict[int, int],
    people_by_roles: dict[frozenset[int], int] | None = None,
) -> list[CourseNeed]:
    """One row per course that anybody needs or that has places planned, biggest gap first.

    ``people_by_roles`` counts people holding several roles at once (further
    posts) by the set of their roles: each needs the union of their requirements.
    """
    needs: dict[int, CourseNeed] = {}
    several = people_by_roles or {}
    role_set_requirements = {
        roles: union_requirements(roles, role_requirements) for roles in several
    }

    def row(course_id: int) -> CourseNeed:
        if course_id not in needs:
            course = courses[course_id]
            needs[course_id] = CourseNeed(
                course_id=course_id, title=str(course.shown_title), tier=str(course.tier)
            )
        return needs[course_id]

    groups_and_requirements: list[tuple[dict, dict]] = [
        (people_by_role, role_requirements),
        (people_by_tier, tier_requirements),
        (several, role_set_requirements),
    ]
    for groups, requirements in groups_and_requirements:
        for key, count in groups.items():
            for requirement in requirements.get(key, []):
                if requirement.course_id not in courses or count <= 0:
                    continue
                need = row(requirement.course_id)
                need.people += count
                need.needed += places_per_year(count, requirement)
    for course_id, places in planned.items():
        if course_id in courses:
            row(course_id).planned = places
    return sorted(needs.values(), key=lambda need: (-need.gap, need.title.lower()))


def totals(needs: list[CourseNeed]) -> dict[str, int]:
    return {
        "places_needed": sum(need.places_needed for need in needs),
        "planned": sum(need.planned for need in needs),
        "gap": sum(need.gap for need in needs),
    }


# --- Reads: a fixed number of aggregate queries ---------------------------------------------


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


# --- The chart: a server-drawn SVG ----------------------------------------------------------

BAR_HEIGHT = 12
ROW_HEIGHT = 40
LABEL_WIDTH = 260
PLOT_WIDTH = 420
TOP = 30


@dataclass(frozen=True)
class ChartRow:
    title: str
    needed: int
    planned: int
    y: int
    needed_width: int
    planned_width: int

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT

    @property
    def planned_y(self) -> int:
        return self.y + BAR_HEIGHT + 2

    @property
    def needed_label_x(self) -> int:
        return LABEL_WIDTH + self.needed_width + 4

    @property
    def planned_label_x(self) -> int:
        return LABEL_WIDTH + self.planned_width + 4


def chart(needs: list[CourseNeed], *, limit: int = CHART_COURSES) -> dict[str, Any]:
    """Bar geometry for needed against planned places: the courses with the biggest gaps."""
    shown = sorted(needs, key=lambda need: -need.gap)[:limit]
    largest = max([1, *(max(need.places_needed, need.planned) for need in shown)])
    rows = [
        ChartRow(
            title=need.title if len(need.title) <= 40 else need.title[:39] + "…",
            needed=need.places_needed,
            planned=need.planned,
            y=TOP + index * ROW_HEIGHT,
            needed_width=round(PLOT_WIDTH * need.places_needed / largest),
            planned_width=round(PLOT_WIDTH * need.planned / largest),
        )
        for index, need in enumerate(shown)
    ]
    return {
        "rows": rows,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "height": TOP + len(rows) * ROW_HEIGHT + 10,
        "label_x": LABEL_WIDTH - 8,
        "plot_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


# --- The workbook ---------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(needs: list[CourseNeed], *, heading: str) -> bytes:
    """The needs table as an XLSX workbook, with a bar chart of needed against planned."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Training needs"
    sheet.append([neutralise(heading)])
    columns = ["Course", "Tier", "People needing", "Places needed a year", "Planned", "Gap"]
    sheet.append(columns)
    for need in needs:
        sheet.append(
            [
                neutralise(need.title),
                neutralise(need.tier),
                need.people,
                need.places_needed,
                need.planned,
                need.gap,
            ]
        )
    for letter, width in zip("ABCDEF", (50, 25, 15, 20, 12, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    shown = min(len(needs), CHART_COURSES)
    if shown:
        bars = BarChart()
        bars.type = "bar"
        bars.title = "Places needed and planned a year"
        bars.y_axis.title = "Places"
        data = Reference(sheet, min_col=4, max_col=5, min_row=2, max_row=2 + shown)
        labels = Reference(sheet, min_col=1, min_row=3, max_row=2 + shown)
        bars.add_data(data, titles_from_data=True)
        bars.set_categories(labels)
        bars.height = 4 + shown
        bars.width = 24
        sheet.add_chart(bars, "H2")
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- Filter choices -------------------------------------------------------------------------


def filter_choices(partnership: Partnership, agency_ids: frozenset[int] | None) -> dict[str, Any]:
    """Agencies, services and tiers for the filter form (three queries)."""
    from interagency.catalogue.selectors import tiers_of
    from interagency.people.models import Agency, Service

    agencies = Agency.objects.for_partnership(partnership).order_by("name")
    services = Service.objects.for_partnership(partnership).select_related("agency")
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=agency_ids)
        services = services.filter(agency_id__in=agency_ids)
    return {
        "agencies": [(agency.pk, agency.name) for agency in agencies],
        "services": [(service.pk, str(service)) for service in services],
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
