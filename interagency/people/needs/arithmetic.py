"""The arithmetic of training needs: pure functions over the rows the reads return.

Places needed in a year, for each required course of a pathway:

* first completion: people × 12 ÷ the pathway's window in months (everyone
  completes within the window, spread evenly), and
* refreshers, for items repeated every N months: people × 12 ÷ N.

The gap is needed minus the places planned for the year (``PlannedPlaces``).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_WINDOW_MONTHS = 24  # a pathway's default, used for tier-only headcounts


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
