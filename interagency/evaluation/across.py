"""Results across a partnership's courses: effect sizes by course type, the region beside them.

For each plan and scale, the main change (into the end of the course from
the wave before it, ``analysis.breakdowns``) over the people paired, with
its effect size d_z; grouped by the course type (the catalogue's category)
for a board report. Beside them, per course type and scale: the
partnership's pooled change, the region's pooled from each partnership's own
n, mean and SD (``analysis.pooling``: no answer crosses partnerships, and a
partnership with fewer than 5 paired people is left out), and the published
studies on that scale (``evidence``). Scales are pooled only with the same
key and the same unit (range or percent correct).

The region's figure follows the course type, course, sector and dates chosen.
An agency is one partnership's, so it never narrows the region's figure; a
profession does only when it is a role of a framework the partnerships share
(national or regional: the same role, the same id, in each), and the page
says in words which filters the region's figure does not follow.
"""

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from interagency.catalogue.models import Course
from interagency.evaluation.analysis.data import EvaluationData
from interagency.evaluation.analysis.pooling import Aggregate, Pooled, pool, pooled_change
from interagency.evaluation.analysis.statistics import Suppressed, paired_change
from interagency.evaluation.charts import BarChart, BarRow, bar_chart
from interagency.evaluation.evidence import PublishedResult, PublishedResults, published_results
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.main_changes import (
    Group,
    PlanChange,
    changes_of,
    computed_changes,
    course_of,
)
from interagency.evaluation.models import EvaluationPlan
from interagency.evaluation.overview import plan_title
from interagency.evaluation.results_page import Figure, figure
from interagency.evaluation.selectors import shared_framework_of_role

__all__ = ["AcrossCourses", "Comparison", "Group", "across_courses", "course_of"]


@dataclass(frozen=True)
class CourseEffect:
    plan_id: int
    title: str
    scale: str
    waves: str
    figure: Figure


@dataclass(frozen=True)
class CourseTypeEffects:
    category: str
    label: str
    rows: tuple[CourseEffect, ...]
    chart: BarChart | None


@dataclass(frozen=True)
class Comparison:
    course_type: str
    scale: str
    unit: str
    own: Pooled | Suppressed
    region: Pooled | Suppressed
    published: tuple[PublishedResult, ...]


@dataclass(frozen=True)
class AcrossCourses:
    course_types: tuple[CourseTypeEffects, ...]
    comparisons: tuple[Comparison, ...]
    published: PublishedResults
    plans: int
    # What the region's figure does not follow of the filter, or follows beyond the usual, in words.
    region_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegionScope:
    """The part of a filter the region's figure follows, and the words saying what it does not."""

    only: ResultsFilter
    notes: tuple[str, ...]


def plans_kept(plans: list[EvaluationPlan], only: ResultsFilter) -> list[EvaluationPlan]:
    """The plans of the course type and course ``only`` names."""
    return [
        plan
        for plan in plans
        if (only.course_type is None or course_of(plan).category == only.course_type)
        and (only.course is None or course_of(plan).pk == only.course)
    ]


def plan_changes(plans: list[EvaluationPlan], data: dict[int, EvaluationData]) -> list[PlanChange]:
    """Every plan's main change of every scale asked at both of its waves, from ``data``."""
    computed = computed_changes(plans, data)
    return [change for plan in plans for change in computed[plan.pk]]


def aggregate(differences: np.ndarray) -> Aggregate:
    n = int(differences.size)
    return Aggregate(
        n=n,
        mean=float(differences.mean()) if n else float("nan"),
        sd=float(differences.std(ddof=1)) if n > 1 else None,
    )


def course_type_effects(changes: list[PlanChange]) -> tuple[CourseTypeEffects, ...]:
    """Each course type's plans and scales with their effect sizes, charted where shown."""
    labels = dict(Course.Category.choices)
    by_type: dict[str, list[CourseEffect]] = defaultdict(list)
    for change in changes:
        by_type[change.group[0]].append(
            CourseEffect(
                plan_id=change.plan.pk,
                title=plan_title(change.plan),
                scale=change.scale,
                waves=change.waves,
                figure=figure(change.scale, paired_change(change.before, change.after)),
            )
        )
    found = []
    for category, label in Course.Category.choices:
        rows = by_type.get(category)
        if not rows:
            continue
        drawn = [
            BarRow(f"{row.title}: {row.scale}", row.figure.change.d_z)
            for row in rows
            if row.figure.change is not None and row.figure.change.d_z is not None
        ]
        chart = bar_chart(drawn, what=f"Effect size d_z of {label.lower()} courses")
        found.append(CourseTypeEffects(category, str(labels[category]), tuple(rows), chart))
    return tuple(found)


def comparisons(
    own: list[PlanChange], region: list[PlanChange], published: PublishedResults
) -> tuple[Comparison, ...]:
    """Per course type, scale and unit: the partnership's pooled change and the region's."""
    labels = dict(Course.Category.choices)
    names = {change.group: change.scale for change in own}
    mine: dict[Group, list[Aggregate]] = defaultdict(list)
    for change in own:
        mine[change.group].append(aggregate(change.differences))
    theirs: dict[Group, dict[int, list[Aggregate]]] = defaultdict(lambda: defaultdict(list))
    for change in region:
        theirs[change.group][change.plan.partnership_id].append(aggregate(change.differences))
    found = []
    for group in sorted(mine):
        category, key, scale_unit = group
        # Each partnership's plans pooled inside it first: only its n, mean and SD go on.
        partnerships = [pool(aggregates) for aggregates in theirs[group].values()]
        found.append(
            Comparison(
                course_type=str(labels.get(category, category)),
                scale=names[group],
                unit=scale_unit,
                own=pooled_change([pool(mine[group])]),
                region=pooled_change(partnerships),
                published=tuple(
                    result
                    for result in published.results
                    if result.scale_key == key and result.category == category
                ),
            )
        )
    return tuple(found)


def regional_filter(only: ResultsFilter, shared_framework: str | None = None) -> RegionScope:
    """What of a filter applies across partnerships: course, sector and dates, and a profession
    of ``shared_framework`` (the framework partnerships share that it is a role of); never an
    agency, which is one partnership's."""
    notes = []
    if only.agency:
        notes.append(
            "The region's figure is not filtered by agency: each partnership has its own "
            "agencies, so it counts every agency's learners in the region."
        )
    if only.profession and shared_framework:
        notes.append(
            "The region's figure is filtered by the profession chosen: it is a role of "
            f"{shared_framework}, which partnerships in the region share."
        )
    elif only.profession:
        notes.append(
            "The region's figure is not filtered by profession: the role chosen is this "
            "partnership's own, not one of a framework partnerships share."
        )
    kept = ResultsFilter(
        sector=only.sector,
        profession=only.profession if shared_framework else None,
        ran_from=only.ran_from,
        ran_to=only.ran_to,
        course_type=only.course_type,
        course=only.course,
    )
    return RegionScope(kept, tuple(notes))


def across_courses(
    plans: list[EvaluationPlan], region: list[EvaluationPlan], only: ResultsFilter
) -> AcrossCourses:
    """The partnership's ``plans`` and the region's beside them, as ``only`` chooses."""
    plans = plans_kept(plans, only)
    region = plans_kept(region, only)
    shared = shared_framework_of_role(only.profession) if only.profession else None
    scope = regional_filter(only, shared)
    regional = changes_of(region, scope.only)
    if scope.only == only and {p.pk for p in plans} <= {p.pk for p in region}:
        # The region's changes hold the partnership's own: read once, for the own plans.
        by_id = {plan.pk: plan for plan in plans}
        position = {plan.pk: number for number, plan in enumerate(plans)}
        own = sorted(
            (
                dataclasses.replace(change, plan=by_id[change.plan.pk])
                for change in regional
                if change.plan.pk in by_id
            ),
            key=lambda change: position[change.plan.pk],
        )
    else:
        own = changes_of(plans, only)
    published = published_results()
    return AcrossCourses(
        course_types=course_type_effects(own),
        comparisons=comparisons(own, regional, published),
        published=published,
        plans=len(plans),
        region_notes=scope.notes,
    )
