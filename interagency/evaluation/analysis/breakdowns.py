"""Change broken down by group: the same paired change, over each group's participants.

A board report asks two things of an evaluation: did people change during
the course (the "main change": into the end of the course from the wave
before it), and did some groups (sectors) change more than others. Groups
are given as participant id to group name; participants of no group are left
out. A group of fewer than ``minimum`` paired people gets ``TooFew``.
"""

from dataclasses import dataclass

import numpy as np

from interagency.evaluation.analysis.data import EvaluationData, ScaleSpec
from interagency.evaluation.analysis.scoring import scale_scores
from interagency.evaluation.analysis.statistics import (
    MINIMUM_N,
    PairedChange,
    TooFew,
    paired_change,
)

# Into the end of the course, from the nearest wave before it that the scale was asked.
MAIN_CHANGE_FROM = ("start", "registration")
MAIN_CHANGE_TO = "end"


def main_change_waves(data: EvaluationData, key: str) -> tuple[str, str] | None:
    """The waves of ``key``'s main change: start (else registration) to end; None without."""
    asked = {wave.key for wave in data.waves if key in wave.scales}
    if not data.linked or MAIN_CHANGE_TO not in asked:
        return None
    for before in MAIN_CHANGE_FROM:
        if before in asked:
            return before, MAIN_CHANGE_TO
    return None


def paired_scores(
    data: EvaluationData, key: str, waves: tuple[str, str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of ``key`` at the two waves of the people present at both, and their ids."""
    by_key = {wave.key: wave for wave in data.waves}
    first, second = by_key[waves[0]], by_key[waves[1]]
    ids, i, j = np.intersect1d(
        first.participants, second.participants, assume_unique=True, return_indices=True
    )
    return scale_scores(first.scales[key])[i], scale_scores(second.scales[key])[j], ids


@dataclass(frozen=True)
class MainChangePairs:
    """One scale's main change: the people with a score at both waves, and those scores."""

    key: str
    spec: ScaleSpec
    waves: tuple[str, str]
    participants: np.ndarray
    before: np.ndarray
    after: np.ndarray
    # Each person's row in the first wave's data and in the second's.
    before_rows: np.ndarray
    after_rows: np.ndarray


def main_change_pairs(data: EvaluationData) -> list[MainChangePairs]:
    """Every scale's main change of ``data``, in the order its waves name the scales."""
    by_key = {wave.key: wave for wave in data.waves}
    found = []
    for key in dict.fromkeys(key for wave in data.waves for key in wave.scales):
        waves = main_change_waves(data, key)
        if waves is None:
            continue
        first, second = by_key[waves[0]], by_key[waves[1]]
        ids, i, j = np.intersect1d(
            first.participants, second.participants, assume_unique=True, return_indices=True
        )
        before = scale_scores(first.scales[key])[i]
        after = scale_scores(second.scales[key])[j]
        both = ~np.isnan(before) & ~np.isnan(after)
        found.append(
            MainChangePairs(
                key=key,
                spec=second.scales[key].spec,
                waves=waves,
                participants=ids[both],
                before=before[both],
                after=after[both],
                before_rows=i[both],
                after_rows=j[both],
            )
        )
    return found


def unit(spec: ScaleSpec) -> str:
    """What a scale's scores count: only scales of the same key and unit are pooled."""
    if spec.percent_correct:
        return "percent correct"
    low = min((item.minimum for item in spec.items), default=0)
    high = max((item.maximum for item in spec.items), default=0)
    return f"score {low} to {high}"


def main_change(
    data: EvaluationData, key: str, *, minimum: int = MINIMUM_N
) -> tuple[tuple[str, str], PairedChange | TooFew] | None:
    """``key``'s main change over everyone paired; None where the plan has no such waves."""
    waves = main_change_waves(data, key)
    if waves is None:
        return None
    before, after, _ = paired_scores(data, key, waves)
    return waves, paired_change(before, after, minimum=minimum)


def change_by_group(
    data: EvaluationData,
    key: str,
    groups: dict[int, str],
    *,
    minimum: int = MINIMUM_N,
) -> dict[str, PairedChange | TooFew]:
    """``key``'s main change within each group among the paired people, by group name."""
    waves = main_change_waves(data, key)
    if waves is None:
        return {}
    before, after, ids = paired_scores(data, key, waves)
    names = np.array([groups.get(int(pk), "") for pk in ids], dtype=object)
    found: dict[str, PairedChange | TooFew] = {}
    for name in sorted({name for name in names if name}):
        mask = names == name
        found[name] = paired_change(before[mask], after[mask], minimum=minimum)
    return found
