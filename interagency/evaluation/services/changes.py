"""Keeping each plan's paired scores (``models.changes``) as current as its learners' answers.

A learner's new response updates that person's pairs in the same transaction
(``record_response``), when the plan's rows were current before it. Anything
else (responses written in bulk by the demo data, a wave pointed at another
version, a plan never read yet) leaves the rows behind what they were computed
from, and the next page that reads the plan computes all its pairs again
(``refresh_change_scores``). Both compute with ``analysis.breakdowns`` from
``selectors.evaluations_data``, the code the pages used before the rows were kept.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from interagency.evaluation.analysis.breakdowns import MainChangePairs, main_change_pairs, unit
from interagency.evaluation.analysis.data import EvaluationData
from interagency.evaluation.models import (
    ChangeScores,
    EvaluationPlan,
    PairedScore,
    Respondent,
    Response,
    Scale,
)
from interagency.evaluation.selectors import evaluations_data

Stamp = tuple[int, int]


def waves_asked(plan: EvaluationPlan) -> str:
    """The plan's response mode and each wave's kind and version asked (waves prefetched)."""
    waves = sorted(plan.waves.all(), key=lambda wave: (wave.sort_key, wave.pk))
    described = [f"{wave.pk}:{wave.key}:{wave.instrument_version_id}" for wave in waves]
    return ";".join([plan.response_mode, *described])


def learner_stamps(plans: list[EvaluationPlan]) -> dict[int, Stamp]:
    """How many learners' responses each plan has, and the newest's id: one query."""
    partnerships = {plan.partnership_id for plan in plans}
    # cross-partnership: a region's plans are read together; each plan's rows stay its own.
    found = Response.objects.filter(
        partnership_id__in=partnerships, wave__plan__in=plans, respondent=Respondent.LEARNER
    )
    return {
        plan_id: (n, last or 0)
        for plan_id, n, last in found.values_list("wave__plan_id")
        .annotate(n=Count("id"), last=Max("id"))
        .values_list("wave__plan_id", "n", "last")
        .order_by()
    }


def is_current(state: ChangeScores | None, plan: EvaluationPlan, stamp: Stamp) -> bool:
    return (
        state is not None
        and (state.responses, state.last_response) == stamp
        and state.waves == waves_asked(plan)
    )


def scored_alike(plans: list[EvaluationPlan]) -> dict[int, bool]:
    """Whether every response of each plan answered its wave's version, or an older one with
    none of the newer's scales missing: then a score does not depend on which rows are read."""
    partnerships = {plan.partnership_id for plan in plans}
    asked = {wave.pk: wave.instrument_version_id for plan in plans for wave in plan.waves.all()}
    # cross-partnership: a region's plans are read together; each plan's rows stay its own.
    answered = list(
        Response.objects.filter(
            partnership_id__in=partnerships, wave__plan__in=plans, respondent=Respondent.LEARNER
        )
        .values_list("wave__plan_id", "wave_id", "instrument_version_id")
        .order_by()
        .distinct()
    )
    versions = {version for _, _, version in answered} | set(asked.values())
    keys: dict[int, set[str]] = defaultdict(set)
    for version, key in Scale.objects.filter(version_id__in=versions).values_list(
        "version_id", "key"
    ):
        keys[version].add(key)
    alike = {plan.pk: True for plan in plans}
    for plan_id, wave_id, version in answered:
        wave_asks = asked[wave_id]
        if version > wave_asks or not keys[version] <= keys[wave_asks]:
            alike[plan_id] = False
    return alike


def scales_of(pairs: list[MainChangePairs]) -> list[dict[str, str]]:
    return [
        {
            "key": found.key,
            "name": found.spec.name,
            "unit": unit(found.spec),
            "waves": f"{found.waves[0]} to {found.waves[1]}",
        }
        for found in pairs
    ]


def paired_rows(
    plan: EvaluationPlan, data: EvaluationData, pairs: list[MainChangePairs]
) -> list[PairedScore]:
    by_key = {wave.key: wave for wave in data.waves}
    rows = []
    for found in pairs:
        first, second = by_key[found.waves[0]], by_key[found.waves[1]]
        assert first.response_ids is not None and second.response_ids is not None
        for code, i, j, before, after in zip(
            found.participants.tolist(),
            found.before_rows.tolist(),
            found.after_rows.tolist(),
            found.before.tolist(),
            found.after.tolist(),
            strict=True,
        ):
            rows.append(
                PairedScore(
                    partnership_id=plan.partnership_id,
                    plan=plan,
                    scale_key=found.key,
                    code_id=code,
                    before_response_id=int(first.response_ids[i]),
                    after_response_id=int(second.response_ids[j]),
                    before=before,
                    after=after,
                )
            )
    return rows


def refresh_change_scores(plans: list[EvaluationPlan]) -> dict[int, ChangeScores]:
    """Compute every pair of ``plans`` (waves prefetched) again from their answers."""
    if not plans:
        return {}
    # Counted before the answers are read: a response arriving between makes them differ,
    # so the plan is computed again, never left behind.
    stamps = learner_stamps(plans)
    alike = scored_alike(plans)
    data = evaluations_data(plans)
    now = timezone.now()
    states, rows = [], []
    for plan in plans:
        pairs = main_change_pairs(data[plan.pk])
        rows.extend(paired_rows(plan, data[plan.pk], pairs))
        responses, last = stamps.get(plan.pk, (0, 0))
        states.append(
            ChangeScores(
                partnership_id=plan.partnership_id,
                plan=plan,
                responses=responses,
                last_response=last,
                waves=waves_asked(plan),
                scored_alike=alike[plan.pk],
                scales=scales_of(pairs),
                refreshed_at=now,
            )
        )
    _replace(plans, states, rows)
    return {state.plan_id: state for state in states}


def _replace(
    plans: list[EvaluationPlan], states: list[ChangeScores], rows: list[PairedScore]
) -> None:
    """Put the plans' new rows in place of their old ones."""
    partnerships = {plan.partnership_id for plan in plans}
    try:
        with transaction.atomic():
            # cross-partnership: a region's plans are refreshed together, each row its plan's.
            PairedScore.objects.filter(partnership_id__in=partnerships, plan__in=plans).delete()
            # cross-partnership: as above.
            ChangeScores.objects.filter(partnership_id__in=partnerships, plan__in=plans).delete()
            ChangeScores.objects.bulk_create(states)
            PairedScore.objects.bulk_create(rows, batch_size=2_000)
    except IntegrityError:
        # Another request computed the same plans at the same moment and kept its rows,
        # computed from the same answers; this one's figures are shown all the same.
        pass


def record_response(response: Response) -> None:
    """Bring the plan's pairs up to date with a learner's new response, if they were current
    before it; else leave them for the next page that reads the plan to compute again."""
    if response.respondent != Respondent.LEARNER:
        return
    wave = response.wave
    plan = wave.plan
    partnership = plan.partnership
    state = (
        ChangeScores.objects.for_partnership(partnership)
        .select_for_update()
        .filter(plan=plan)
        .first()
    )
    before = (
        Response.objects.for_partnership(partnership)
        .filter(wave__plan=plan, respondent=Respondent.LEARNER)
        .exclude(pk=response.pk)
        .aggregate(n=Count("id"), last=Max("id"))
    )
    stamp = (before["n"], before["last"] or 0)
    if state is None and stamp == (0, 0):
        state = ChangeScores(partnership=partnership, plan=plan, waves=waves_asked(plan))
        try:
            with transaction.atomic():
                state.refreshed_at = timezone.now()
                state.save(force_insert=True)
        except IntegrityError:
            return  # another first response came at the same moment: the next read computes
    if (
        state is None
        or not is_current(state, plan, stamp)
        or not state.scored_alike
        or response.instrument_version_id != wave.instrument_version_id
    ):
        return
    codes = [response.response_code_id] if response.response_code_id else []
    data = evaluations_data([plan], codes=codes)[plan.pk]
    pairs = main_change_pairs(data)
    if codes:
        PairedScore.objects.for_partnership(partnership).filter(plan=plan, code__in=codes).delete()
        PairedScore.objects.bulk_create(paired_rows(plan, data, pairs))
    state.responses, state.last_response = stamp[0] + 1, max(stamp[1], response.pk)
    state.scales = scales_of(pairs)
    state.refreshed_at = timezone.now()
    state.save()
