"""Reads for evaluation: a session's plan, and one plan's answers as arrays for the analysis."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import Q

from interagency.catalogue.models import CompetenceFramework, Role
from interagency.evaluation.analysis.data import (
    EvaluationData,
    ItemSpec,
    ScaleAnswers,
    ScaleSpec,
    WaveData,
    required_answers,
)
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.formats import ResponseFormat, answer_range
from interagency.evaluation.models import (
    Answer,
    EvaluationPlan,
    Item,
    Respondent,
    Response,
    ResponseCode,
    Scale,
    Scoring,
    Wave,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from interagency.delivery.models import Session
    from interagency.tenancy.models import Partnership


def plan_for_session(session: "Session") -> EvaluationPlan | None:
    """The session's own plan, else its course's plan in the session's partnership."""
    plans = EvaluationPlan.objects.for_partnership(session.partnership)
    return plans.filter(session=session).first() or plans.filter(course=session.course_id).first()


@dataclass
class _VersionScales:
    """Per scale key of one version: its definition and the ids of its items, subscales' too."""

    specs: dict[str, ScaleSpec] = field(default_factory=dict)
    item_ids: dict[str, list[int]] = field(default_factory=dict)


def _version_scales(version_ids: set[int]) -> dict[int, _VersionScales]:
    scales = list(Scale.objects.filter(version_id__in=version_ids).order_by("order", "id"))
    items = list(Item.objects.filter(version_id__in=version_ids).order_by("order", "id"))
    by_id = {scale.pk: scale for scale in scales}
    members: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        scale_id = item.scale_id
        while scale_id is not None:  # an item counts in its scale and every scale above it
            members[scale_id].append(item)
            scale_id = by_id[scale_id].parent_id
    found: dict[int, _VersionScales] = defaultdict(_VersionScales)
    for scale in scales:
        own = sorted(members[scale.pk], key=lambda item: (item.order, item.pk))
        found[scale.version_id].specs[scale.key] = ScaleSpec(
            key=scale.key,
            name=scale.name,
            level=scale.level,
            percent_correct=scale.scoring == Scoring.PERCENT_CORRECT,
            min_answered_percent=scale.min_answered_percent,
            items=tuple(_item_spec(item) for item in own),
        )
        found[scale.version_id].item_ids[scale.key] = [item.pk for item in own]
    return found


def _item_spec(item: Item) -> ItemSpec:
    low, high = (
        (0, 0)
        if item.response_format == ResponseFormat.FREE_TEXT
        else answer_range(item.response_format, item.choices)
    )
    return ItemSpec(
        key=item.key,
        minimum=low,
        maximum=high,
        reverse=item.reverse_keyed,
        correct=item.correct_answer,
    )


def evaluation_data(
    plan: EvaluationPlan,
    *,
    respondent: str = Respondent.LEARNER,
    only: ResultsFilter | None = None,
) -> EvaluationData:
    """Every wave's answers by ``respondent``, in time order, for ``analysis.analyse``.

    Rows of a wave answered under different versions are scored each against
    the items its own version asked (``ScaleAnswers.required``). ``only``
    narrows the responses read (``filters.ResultsFilter``), at every wave alike.
    """
    return evaluations_data([plan], respondent=respondent, only=only)[plan.pk]


def evaluations_data(
    plans: list[EvaluationPlan],
    *,
    respondent: str = Respondent.LEARNER,
    only: ResultsFilter | None = None,
    codes: list[int] | None = None,
) -> dict[int, EvaluationData]:
    """``evaluation_data`` of each of ``plans`` (waves prefetched), in four queries.

    Plans of several partnerships (a region's) are read together only for aggregates.
    ``codes`` keeps only those participants' responses (``services.changes``).
    """
    if not plans:
        return {}
    only = only or ResultsFilter()
    partnerships = {plan.partnership_id for plan in plans}
    waves_of, asks = _waves_asked(plans, respondent)
    responses = _responses_read(plans, respondent, only, codes)
    of_codes = Q() if codes is None else Q(response__response_code__in=codes)
    scales = _version_scales({row[2] for row in responses} | set(asks.values()))
    answers = _AnswerTable(
        Answer.objects.filter(
            only.responses("response__"),
            of_codes,
            response__partnership_id__in=partnerships,
            response__wave__plan__in=plans,
            response__respondent=respondent,
        ).values_list("response_id", "item_id", "value")
    )
    by_wave: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    for response_id, wave_id, version_id, code_id in responses:
        by_wave[wave_id].append((response_id, version_id, code_id))
    return {
        plan.pk: EvaluationData(
            waves=tuple(
                _wave_data(
                    wave,
                    asks[wave.pk],
                    by_wave[wave.pk],
                    scales,
                    answers,
                    plan.links_waves,
                )
                for wave in waves_of[plan.pk]
            ),
            linked=plan.links_waves,
        )
        for plan in plans
    }


def _responses_read(
    plans: list[EvaluationPlan], respondent: str, only: ResultsFilter, codes: list[int] | None
) -> list[tuple[int, int, int, int | None]]:
    """Id, wave, version and code of the responses the analysis reads, oldest first."""
    partnerships = {plan.partnership_id for plan in plans}
    if len(partnerships) == 1:
        scoped = Response.objects.for_partnership(plans[0].partnership_id)
    else:
        # cross-partnership: a region's plans; each plan's rows are analysed within its own
        # partnership and leave it only as aggregates (``across.regional_comparison``).
        scoped = Response.objects.filter(partnership_id__in=partnerships)
    rows = scoped.filter(only.responses(), wave__plan__in=plans, respondent=respondent)
    if codes is not None:
        rows = rows.filter(response_code__in=codes)
    return list(
        rows.order_by("id").values_list(
            "id", "wave_id", "instrument_version_id", "response_code_id"
        )
    )


def _waves_asked(
    plans: list[EvaluationPlan], respondent: str
) -> tuple[dict[int, list[Wave]], dict[int, int]]:
    """Each plan's waves that ask ``respondent``, in time order, and the version each asks."""
    waves_of: dict[int, list[Wave]] = {}
    asks: dict[int, int] = {}
    for plan in plans:
        waves = sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
        if respondent == Respondent.LINE_MANAGER:
            # Only follow-ups ask the line manager, and ask their own instrument.
            waves = [wave for wave in waves if wave.line_manager_version_id is not None]
            asks.update({wave.pk: wave.line_manager_version_id or 0 for wave in waves})
        else:
            asks.update({wave.pk: wave.instrument_version_id for wave in waves})
        waves_of[plan.pk] = waves
    return waves_of, asks


class _AnswerTable:
    """Answers as arrays: which responses answered anything, and each item's numbers.

    Filled into the waves' matrices a whole item at a time, not an answer at a time:
    five years of a county's answers are hundreds of thousands of rows.
    """

    def __init__(self, rows: Iterable[tuple[int, int, int | None]]) -> None:
        # None becomes NaN: an item answered in words (free text) has no number.
        table = np.array(list(rows), dtype=float).reshape(-1, 3)
        self.answered = np.unique(table[:, 0].astype(np.int64))
        numbers = table[~np.isnan(table[:, 2])]
        order = np.lexsort((numbers[:, 0], numbers[:, 1]))  # by item, then response
        self.responses = numbers[order, 0].astype(np.int64)
        self.values = numbers[order, 2]
        items, starts, counts = np.unique(
            numbers[order, 1].astype(np.int64), return_index=True, return_counts=True
        )
        self.of_item = {
            int(item): slice(int(start), int(start + count))
            for item, start, count in zip(items, starts, counts, strict=True)
        }

    def item_values(self, item_id: int, rows: np.ndarray, kept: np.ndarray) -> tuple:
        """The rows (of the responses ``rows``, sorted) whose response answered ``item_id``
        with a number, where ``kept`` is true for the row, and those numbers."""
        found = self.of_item.get(item_id)
        if found is None or rows.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        responses, values = self.responses[found], self.values[found]
        at = np.searchsorted(rows, responses).clip(max=rows.size - 1)
        mine = rows[at] == responses
        mine[mine] &= kept[at[mine]]
        return at[mine], values[mine]


def _wave_data(
    wave: Wave,
    asked_version: int,
    rows: list[tuple[int, int, int | None]],
    scales: dict[int, _VersionScales],
    answers: _AnswerTable,
    linked: bool,
) -> WaveData:
    participants = np.array(
        [code if linked and code is not None else -response for response, _, code in rows],
        dtype=np.int64,
    )
    response_ids = np.array([response for response, _, _ in rows], dtype=np.int64)
    row_versions = np.array([version for _, version, _ in rows], dtype=np.int64)
    versions = sorted({version for _, version, _ in rows} | {asked_version})
    scale_keys: list[str] = []
    for version in versions:
        scale_keys.extend(key for key in scales[version].specs if key not in scale_keys)
    scale_answers = {}
    for key in scale_keys:
        # The newest version that has the scale defines it; older rows fill the items they had.
        latest = max(v for v in versions if key in scales[v].specs)
        spec = scales[latest].specs[key]
        columns = {item.key: column for column, item in enumerate(spec.items)}
        matrix = np.full((len(rows), len(spec.items)), np.nan)
        required = np.zeros(len(rows), dtype=np.int64)
        for version in versions:
            of_version = row_versions == version
            own = scales[version]
            if key not in own.specs:
                required[of_version] = 1  # not asked: no answers, so no score
                continue
            own_spec = own.specs[key]
            asked = [item.key for item in own_spec.items if item.key in columns]
            required[of_version] = required_answers(len(asked), own_spec.min_answered_percent)
            for item, item_id in zip(own_spec.items, own.item_ids[key], strict=True):
                if item.key in columns:
                    found, values = answers.item_values(item_id, response_ids, of_version)
                    matrix[found, columns[item.key]] = values
        scale_answers[key] = ScaleAnswers(spec=spec, values=matrix, required=required)
    return WaveData(
        key=wave.key,
        label=wave.label,
        participants=participants,
        present=np.isin(response_ids, answers.answered),
        scales=scale_answers,
        response_ids=response_ids,
    )


def sectors_of_codes(plan: EvaluationPlan) -> dict[int, str]:
    """The sector of the agency that booked each response code's place: one query.

    Codes are the participants' ids of a linked evaluation, so this groups its
    rows by sector without reading who anyone is.
    """
    return dict(
        ResponseCode.objects.for_partnership(plan.partnership)
        .filter(plan=plan, booking__isnull=False)
        .values_list("id", "booking__agency__sector")
    )


def with_course_and_waves(plans: "QuerySet[EvaluationPlan]") -> "QuerySet[EvaluationPlan]":
    """``plans`` with their course (a session plan's through its session) and waves: two queries."""
    return plans.select_related("course", "session__course").prefetch_related("waves")


def region_plans(partnership: "Partnership") -> "QuerySet[EvaluationPlan]":
    """Every plan of the partnerships of ``partnership``'s region, its own included."""
    # cross-partnership: the region's comparison reads its partnerships' plans for aggregates only.
    plans = EvaluationPlan.objects.filter(partnership__region_id=partnership.region_id)
    return with_course_and_waves(plans)


def shared_framework_of_role(role_id: int) -> str | None:
    """The name of the framework partnerships share (national or regional) that ``role_id`` is
    a role of, or None for one partnership's own role (of its own framework, or local to it)."""
    return (
        Role.objects.filter(pk=role_id, local_to__isnull=True)
        .exclude(framework__owner=CompetenceFramework.Owner.PARTNERSHIP)
        .values_list("framework__name", flat=True)
        .first()
    )
