"""One evaluation analysed: every scale at every wave, change between waves, attrition.

Scales are matched across waves by key, participants by id. Changes are
computed between consecutive waves (registration to start, start to end, end
to each follow-up) and, where a plan has all three, as the double baseline.
An anonymous evaluation cannot pair waves: it has no changes, only each
wave's own figures.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from interagency.evaluation.analysis.data import EvaluationData, WaveData
from interagency.evaluation.analysis.reliability import Reliability, reliability
from interagency.evaluation.analysis.scoring import item_scores, scale_scores
from interagency.evaluation.analysis.statistics import (
    MINIMUM_N,
    DoubleBaseline,
    PairedChange,
    Summary,
    TooFew,
    describe,
    double_baseline,
    paired_change,
    rounded,
)

DOUBLE_BASELINE_WAVES = ("registration", "start", "end")


@dataclass(frozen=True)
class Change:
    from_wave: str
    to_wave: str
    result: PairedChange | TooFew


@dataclass(frozen=True)
class ScaleResults:
    key: str
    name: str
    level: str
    percent_correct: bool
    by_wave: dict[str, Summary]
    changes: tuple[Change, ...]
    double_baseline: DoubleBaseline | None
    reliability: dict[str, Reliability | TooFew | None]


@dataclass(frozen=True)
class ItemPercent:
    n: int
    percent_correct: float | None


@dataclass(frozen=True)
class ItemKnowledge:
    key: str
    scale: str
    by_wave: dict[str, ItemPercent]
    # Consecutive waves (from, to) between which the percent correct fell.
    falls: tuple[tuple[str, str], ...]

    @property
    def falling(self) -> bool:
        return bool(self.falls)


@dataclass(frozen=True)
class AttritionStep:
    wave: str
    present: int
    # Of those present at the first wave.
    percent_of_first: float | None
    # Present at the wave before and at this one (linked evaluations only).
    retained: int | None
    percent_retained: float | None


@dataclass(frozen=True)
class EvaluationResults:
    waves: tuple[tuple[str, str], ...]
    linked: bool
    attrition: tuple[AttritionStep, ...]
    scales: tuple[ScaleResults, ...]
    knowledge_items: tuple[ItemKnowledge, ...]


def paired(
    first: WaveData, first_scores: np.ndarray, second: WaveData, second_scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The two waves' scores of the participants present in both, in the same order."""
    _, i, j = np.intersect1d(
        first.participants, second.participants, assume_unique=True, return_indices=True
    )
    return first_scores[i], second_scores[j]


def analyse(data: EvaluationData, *, minimum: int = MINIMUM_N) -> EvaluationResults:
    """Every figure of the results page for ``data``."""
    scale_keys: list[str] = []
    for wave in data.waves:
        scale_keys.extend(key for key in wave.scales if key not in scale_keys)
    return EvaluationResults(
        waves=tuple((wave.key, wave.label) for wave in data.waves),
        linked=data.linked,
        attrition=attrition(data),
        scales=tuple(analyse_scale(data, key, minimum=minimum) for key in scale_keys),
        knowledge_items=tuple(
            item for key in scale_keys for item in knowledge_by_item(data, key, minimum=minimum)
        ),
    )


def analyse_scale(data: EvaluationData, key: str, *, minimum: int = MINIMUM_N) -> ScaleResults:
    waves = [wave for wave in data.waves if key in wave.scales]
    spec = waves[-1].scales[key].spec
    scores = {wave.key: scale_scores(wave.scales[key]) for wave in waves}
    changes: list[Change] = []
    if data.linked:
        for first, second in itertools.pairwise(waves):
            before, after = paired(first, scores[first.key], second, scores[second.key])
            changes.append(
                Change(first.key, second.key, paired_change(before, after, minimum=minimum))
            )
    return ScaleResults(
        key=key,
        name=spec.name,
        level=spec.level,
        percent_correct=spec.percent_correct,
        by_wave={wave.key: describe(scores[wave.key]) for wave in waves},
        changes=tuple(changes),
        double_baseline=_double_baseline(data, waves, scores, minimum) if data.linked else None,
        reliability={
            wave.key: reliability(
                item_scores(wave.scales[key]),
                tuple(item.key for item in wave.scales[key].spec.items),
                minimum=minimum,
            )
            for wave in waves
        },
    )


def _double_baseline(data, waves, scores, minimum) -> DoubleBaseline | None:
    by_key = {wave.key: wave for wave in waves}
    if not all(key in by_key for key in DOUBLE_BASELINE_WAVES):
        return None
    registration, start, end = (by_key[key] for key in DOUBLE_BASELINE_WAVES)
    # The people present at all three, in one order.
    common = np.intersect1d(
        np.intersect1d(registration.participants, start.participants, assume_unique=True),
        end.participants,
        assume_unique=True,
    )
    aligned = []
    for wave in (registration, start, end):
        _, _, index = np.intersect1d(common, wave.participants, return_indices=True)
        aligned.append(scores[wave.key][index])
    return double_baseline(*aligned, minimum=minimum)


def knowledge_by_item(
    data: EvaluationData, key: str, *, minimum: int = MINIMUM_N
) -> list[ItemKnowledge]:
    """Percent correct of each knowledge item at each wave, and the waves where it fell."""
    waves = [wave for wave in data.waves if key in wave.scales]
    if not waves or not waves[-1].scales[key].spec.percent_correct:
        return []
    per_item: dict[str, dict[str, ItemPercent]] = {}
    for wave in waves:
        answers = wave.scales[key]
        scored = item_scores(answers)
        for column, item in enumerate(answers.spec.items):
            present = scored[:, column][~np.isnan(scored[:, column])]
            percent = float(present.mean() * 100) if present.size else None
            per_item.setdefault(item.key, {})[wave.key] = ItemPercent(int(present.size), percent)
    found = []
    for item_key, by_wave in per_item.items():
        falls = []
        ordered = [wave.key for wave in waves if wave.key in by_wave]
        for earlier, later in itertools.pairwise(ordered):
            a, b = by_wave[earlier], by_wave[later]
            if (
                min(a.n, b.n) >= minimum
                and a.percent_correct is not None
                and b.percent_correct is not None
                and rounded(np.array(b.percent_correct - a.percent_correct)) < 0
            ):
                falls.append((earlier, later))
        found.append(ItemKnowledge(item_key, key, by_wave, tuple(falls)))
    return found


def attrition(data: EvaluationData) -> tuple[AttritionStep, ...]:
    """Who was present at each wave (at least one item answered), and who stayed."""
    steps = []
    first_count: int | None = None
    previous: np.ndarray | None = None
    for wave in data.waves:
        here = wave.participants[np.asarray(wave.present, dtype=bool)]
        count = int(here.size)
        if first_count is None:
            first_count = count
        retained = percent_retained = None
        if data.linked and previous is not None:
            retained = int(np.intersect1d(previous, here, assume_unique=True).size)
            percent_retained = 100 * retained / previous.size if previous.size else None
        steps.append(
            AttritionStep(
                wave=wave.key,
                present=count,
                percent_of_first=100 * count / first_count if first_count else None,
                retained=retained,
                percent_retained=percent_retained,
            )
        )
        previous = here
    return tuple(steps)
