"""Each plan's main change of each scale, for results across courses and the annual report.

Read from the pairs kept per person (``models.changes``), computed again first
for a plan whose learners' responses or waves changed since
(``services.changes``). A filter narrows the pairs by their two responses, as
it narrows the responses the analysis reads. Only where a filter could change
how a score is computed (a response to a newer version than its wave asks)
are that plan's answers read and scored here, as before the pairs were kept.
The same numbers in the same order either way, in a fixed number of queries.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from interagency.catalogue.models import Course
from interagency.evaluation.analysis.breakdowns import main_change_pairs, unit
from interagency.evaluation.analysis.data import EvaluationData
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import ChangeScores, EvaluationPlan, PairedScore
from interagency.evaluation.selectors import evaluations_data
from interagency.evaluation.services.changes import (
    is_current,
    learner_stamps,
    refresh_change_scores,
)

# (category, scale key, unit): the groups that are pooled together.
Group = tuple[str, str, str]


@dataclass(frozen=True)
class PlanChange:
    plan: EvaluationPlan
    group: Group
    scale: str
    waves: str
    differences: np.ndarray
    before: np.ndarray
    after: np.ndarray


def course_of(plan: EvaluationPlan) -> Course:
    """The plan's course, or its session's."""
    course = plan.session.course if plan.session is not None else plan.course
    assert course is not None
    return course


def changes_of(plans: list[EvaluationPlan], only: ResultsFilter) -> list[PlanChange]:
    """Every plan's main change of every scale asked at both of its waves, as ``only`` keeps."""
    if not plans:
        return []
    states = current_states(plans)
    narrows = bool(only.responses())
    kept = [plan for plan in plans if not narrows or states[plan.pk].scored_alike]
    scored = [plan for plan in plans if plan not in kept]
    computed = computed_changes(scored, evaluations_data(scored, only=only))
    pairs = stored_pairs(kept, only)
    found = []
    for plan in plans:
        if plan not in kept:
            found.extend(computed[plan.pk])
            continue
        category = course_of(plan).category
        for scale in states[plan.pk].scales:
            before, after = pairs.get((plan.pk, scale["key"]), ([], []))
            before_scores = np.array(before, dtype=float)
            after_scores = np.array(after, dtype=float)
            found.append(
                PlanChange(
                    plan=plan,
                    group=(category, scale["key"], scale["unit"]),
                    scale=scale["name"],
                    waves=scale["waves"],
                    differences=after_scores - before_scores,
                    before=before_scores,
                    after=after_scores,
                )
            )
    return found


def current_states(plans: list[EvaluationPlan]) -> dict[int, ChangeScores]:
    """Each plan's ``ChangeScores``, those behind their answers or waves computed again."""
    partnerships = {plan.partnership_id for plan in plans}
    # cross-partnership: a region's plans are read together; each plan's rows stay its own.
    states = ChangeScores.objects.filter(partnership_id__in=partnerships, plan__in=plans)
    found = {state.plan_id: state for state in states}
    stamps = learner_stamps(plans)
    behind = [
        plan
        for plan in plans
        if not is_current(found.get(plan.pk), plan, stamps.get(plan.pk, (0, 0)))
    ]
    found.update(refresh_change_scores(behind))
    return found


def stored_pairs(
    plans: list[EvaluationPlan], only: ResultsFilter
) -> dict[tuple[int, str], tuple[list[float], list[float]]]:
    """The kept pairs of ``plans`` whose two responses ``only`` keeps, by plan and scale, in
    participant order (the order ``analysis.breakdowns`` pairs them in): one query."""
    found: dict[tuple[int, str], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    if not plans:
        return found
    partnerships = {plan.partnership_id for plan in plans}
    # cross-partnership: a region's plans are read together, only into pooled figures.
    rows = PairedScore.objects.filter(
        only.responses("before_response__"),
        only.responses("after_response__"),
        partnership_id__in=partnerships,
        plan__in=plans,
    )
    for plan_id, key, before, after in rows.order_by("plan_id", "scale_key", "code_id").values_list(
        "plan_id", "scale_key", "before", "after"
    ):
        pair = found[(plan_id, key)]
        pair[0].append(before)
        pair[1].append(after)
    return found


def computed_changes(
    plans: list[EvaluationPlan], data: dict[int, EvaluationData]
) -> dict[int, list[PlanChange]]:
    """Each plan's main changes computed from its answers."""
    found: dict[int, list[PlanChange]] = {}
    for plan in plans:
        found[plan.pk] = [
            PlanChange(
                plan=plan,
                group=(course_of(plan).category, pairs.key, unit(pairs.spec)),
                scale=pairs.spec.name,
                waves=f"{pairs.waves[0]} to {pairs.waves[1]}",
                differences=pairs.after - pairs.before,
                before=pairs.before,
                after=pairs.after,
            )
            for pairs in main_change_pairs(data[plan.pk])
        ]
    return found
