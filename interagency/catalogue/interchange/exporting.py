"""Exporting a framework as a document, as the framework has it or as a partnership runs it."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Q

from interagency.catalogue.interchange.plan import DEFAULT_WINDOW_MONTHS, KINDS
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    CourseTailoring,
    Equivalence,
    PathwayItem,
    Role,
    Tier,
)
from interagency.tenancy.models import Partnership

# (the course counted for, the equivalence's row in the document)
EquivalenceRow = tuple[int, dict[str, str]]


def export_document(
    framework: CompetenceFramework, *, partnership: Partnership | None = None
) -> dict[str, Any]:
    """``framework`` as a document; with ``partnership``, as that partnership runs it.

    A partnership's export leaves out the courses it hides, uses its local
    titles and durations, and adds its local courses and roles (``"local": true``).
    """
    local_owner = partnership or framework.owner_partnership
    local = Q(local_to__isnull=True)
    if local_owner is not None:
        local |= Q(local_to=local_owner)
    tailoring = _tailoring(framework, partnership)
    tiers = list(framework.tiers.order_by("order", "pk"))
    courses = [
        course
        for course in framework.courses.filter(local).select_related("tier").order_by("pk")
        if not (course.pk in tailoring and tailoring[course.pk].hidden)
    ]
    course_rows = _CourseRows(courses, tailoring)
    roles = list(framework.roles.filter(local).select_related("tier", "pathway").order_by("pk"))
    pathway_rows = _PathwayRows(framework, roles, course_rows)
    document: dict[str, Any] = {
        "slug": framework.slug,
        "name": framework.name,
        "owner": framework.owner,
        "region": framework.region.code if framework.region_id and framework.region else None,
        "version": framework.version,
        "source": framework.source,
        "period_months": framework.period_months,
        "tiers": [_tier_row(tier) for tier in tiers],
        "questions": [
            {"text": question.get("text", ""), "tier_if_yes": question.get("tier", "")}
            for question in framework.questions or []
        ],
        "courses": [course_rows.row(course) for course in courses],
        "pathways": [pathway_rows.row(role) for role in roles],
    }
    if pathway_rows.equivalences and document["pathways"]:  # counted for a course no pathway lists
        first = document["pathways"][0]
        first["equivalences"] = [
            *first.get("equivalences", []),
            *(equivalence for _target, equivalence in pathway_rows.equivalences),
        ]
    return document


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _hours_text(hours: Decimal, *, minimum: bool = False) -> str:
    number = _number(hours)
    text = f"{number} hour" + ("" if number == 1 else "s")
    return f"minimum {text}" if minimum else text


def _tailoring(
    framework: CompetenceFramework, partnership: Partnership | None
) -> dict[int, CourseTailoring]:
    """The partnership's tailoring of the framework's courses, by course."""
    if partnership is None:
        return {}
    return {
        t.course_id: t
        for t in CourseTailoring.objects.for_partnership(partnership).filter(
            course__framework=framework
        )
    }


def _tier_row(tier: Tier) -> dict[str, Any]:
    return {
        "code": tier.code,
        "name": tier.name,
        "order": tier.order,
        "audience": tier.audience,
        "outcomes": list(tier.outcomes),
        "example_roles": list(tier.example_roles),
        "hours_per_period": _number(tier.hours_per_period),
        "hours_per_period_max": _number(tier.hours_per_period_max),
        "note": tier.note,
    }


class _CourseRows:
    """The document rows of the courses shown, with their local titles and durations."""

    def __init__(self, courses: list[Course], tailoring: dict[int, CourseTailoring]) -> None:
        self.tailoring = tailoring
        self.shown = {course.pk: course for course in courses}
        self.topics: dict[int, list[str]] = {}
        for link in (
            Course.topics.through.objects.filter(course_id__in=self.shown)
            .select_related("topic")
            .order_by("pk")
        ):
            self.topics.setdefault(link.course_id, []).append(link.topic.name)
        self.prerequisites: dict[int, list[str]] = {}
        for need in Course.prerequisites.through.objects.filter(
            from_course_id__in=self.shown
        ).order_by("pk"):
            if need.to_course_id in self.shown:
                self.prerequisites.setdefault(need.from_course_id, []).append(
                    self.title(self.shown[need.to_course_id])
                )

    def title(self, course: Course) -> str:
        """The course's title as the partnership shows it."""
        tailored = self.tailoring.get(course.pk)
        return tailored.local_title if tailored and tailored.local_title else course.title

    def row(self, course: Course) -> dict[str, Any]:
        tailored = self.tailoring.get(course.pk)
        duration = course.duration_text or _hours_text(
            course.duration_hours, minimum=course.duration_is_minimum
        )
        if (
            tailored
            and tailored.local_duration_hours is not None
            and tailored.local_duration_hours != course.duration_hours
        ):
            duration = _hours_text(tailored.local_duration_hours)
        row: dict[str, Any] = {
            "title": self.title(course),
            "tier": course.tier.code,
            "category": course.category,
            "level": course.level,
            "duration": duration,
            "aims": course.aims,
            "outcomes": list(course.outcomes),
            "topics": self.topics.get(course.pk, []),
            "delivery_modes": list(course.delivery_modes),
            "prerequisites": self.prerequisites.get(course.pk, []),
            "prerequisite_note": course.prerequisite_note,
        }
        if course.refresh_months is not None:
            row["refresh_months"] = course.refresh_months
        if course.local_to_id is not None:
            row["local"] = True
        return row


class _PathwayRows:
    """The document rows of the roles' pathways.

    Each equivalence goes on the first pathway listing the course it counts
    for; ``equivalences`` keeps those no pathway has taken yet.
    """

    def __init__(
        self, framework: CompetenceFramework, roles: list[Role], courses: _CourseRows
    ) -> None:
        self.title = courses.title
        self.items: dict[int, list[PathwayItem]] = {}
        for item in (
            PathwayItem.objects.filter(pathway__role__in=roles)
            .select_related("course")
            .order_by("pathway_id", "order", "pk")
        ):
            self.items.setdefault(item.pathway_id, []).append(item)
        self.equivalences = _equivalences(framework, courses.shown, courses.title)

    def row(self, role: Role) -> dict[str, Any]:
        pathway = getattr(role, "pathway", None)
        row: dict[str, Any] = {
            "role": role.name,
            "tier": role.tier.code,
            "window_months": pathway.window_months if pathway else DEFAULT_WINDOW_MONTHS,
            "required": [],
            "recommended": [],
        }
        if pathway is None:
            return row
        refreshers = []
        course_ids = set()
        for kind in KINDS:
            names = row[kind]
            for item in self.items.get(pathway.pk, []):
                if item.kind != kind:
                    continue
                if item.course_id:
                    course_ids.add(item.course_id)
                if not names or names[-1] != item.named_as:
                    names.append(item.named_as)
                if item.repeat_every_months and item.course is not None:
                    refreshers.append(
                        {
                            "course": self.title(item.course),
                            "every_months": item.repeat_every_months,
                        }
                    )
        if pathway.hours_per_period is not None:
            row["hours_per_period"] = _number(pathway.hours_per_period)
        if pathway.period_months is not None:
            row["period_months"] = pathway.period_months
        if refreshers:
            row["refreshers"] = refreshers
        mine = [pair for pair in self.equivalences if pair[0] in course_ids]
        if mine:
            row["equivalences"] = [equivalence for _target, equivalence in mine]
            for pair in mine:
                self.equivalences.remove(pair)
        return row


def _equivalences(
    framework: CompetenceFramework, shown: dict[int, Course], title: Callable[[Course], str]
) -> list[EquivalenceRow]:
    """The framework's equivalences: (the course counted for, the document row)."""
    rows: list[EquivalenceRow] = []
    for equivalence in (
        Equivalence.objects.filter(counts_for__framework=framework, counts_for__in=shown)
        .select_related("course")
        .order_by("pk")
    ):
        row = {"counts_for": title(shown[equivalence.counts_for_id])}
        if equivalence.course_id and equivalence.course_id in shown:
            row["course"] = title(shown[equivalence.course_id])
        elif equivalence.external_training:
            row["external_training"] = equivalence.external_training
        else:
            continue
        rows.append((equivalence.counts_for_id, row))
    return rows
