"""Pooling groups' summaries (n, mean, SD) into one, as if their people were one sample.

A region's figure is pooled from each partnership's own n, mean and SD of
its learners' changes: no answer leaves its partnership, only the three
numbers. With group sizes n_i, means m_i and SDs s_i (ddof 1), the pooled
sample has N = Σ n_i, mean M = Σ n_i m_i / N and SD
sqrt((Σ (n_i − 1) s_i² + Σ n_i (m_i − M)²) / (N − 1)): exactly the SD of all
the people together. A group of one person has no SD; it adds nothing to
the within-group sum (its (n − 1) is 0).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from interagency.evaluation.analysis.statistics import MINIMUM_N, Suppressed, t_interval


@dataclass(frozen=True)
class Aggregate:
    n: int
    mean: float
    # None for a single person.
    sd: float | None


@dataclass(frozen=True)
class Pooled:
    n: int
    groups: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    # The pooled mean change over the pooled SD of the changes (d_z); None without spread.
    d_z: float | None


def pool(aggregates: Iterable[Aggregate]) -> Aggregate:
    """One summary of every group's people together."""
    groups = [group for group in aggregates if group.n > 0]
    total = sum(group.n for group in groups)
    if total == 0:
        return Aggregate(n=0, mean=math.nan, sd=None)
    mean = sum(group.n * group.mean for group in groups) / total
    if total < 2:
        return Aggregate(n=total, mean=mean, sd=None)
    within = sum((group.n - 1) * (group.sd or 0.0) ** 2 for group in groups)
    between = sum(group.n * (group.mean - mean) ** 2 for group in groups)
    return Aggregate(n=total, mean=mean, sd=math.sqrt((within + between) / (total - 1)))


def pooled_change(
    aggregates: Iterable[Aggregate], *, minimum: int = MINIMUM_N
) -> Pooled | Suppressed:
    """The pooled change of groups of at least ``minimum`` people; too few in all: suppressed.

    A group under ``minimum`` is left out before pooling, so no small group's
    figures shape a number shown outside it.
    """
    shown = [group for group in aggregates if group.n >= minimum]
    found = pool(shown)
    if found.n < minimum or found.sd is None:
        return Suppressed(n=found.n, minimum=minimum)
    low, high = t_interval(found.mean, found.sd, found.n)
    return Pooled(
        n=found.n,
        groups=len(shown),
        mean=found.mean,
        sd=found.sd,
        ci_low=low,
        ci_high=high,
        d_z=found.mean / found.sd if found.sd > 0 else None,
    )
