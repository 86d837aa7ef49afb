"""Descriptive statistics and paired change, in the conventions the results page states.

- Per scale and wave: n, mean, standard deviation (ddof 1), 95 % t interval of the mean.
- Paired change over people with both scores: mean difference and its 95 % t
  interval, the paired t-test, the Wilcoxon signed-rank test (zero differences
  dropped, average ranks for ties, normal approximation with the tie
  correction, no continuity correction) and two effect sizes (Lakens 2013):
  d_z, the mean difference over the standard deviation of the differences,
  and d_av, the mean difference over the mean of the two standard deviations.
- Differences are rounded to 1e-9 before ranking, so equal changes that float
  arithmetic made differ in the last bit (0.1 + 0.2 against 0.3) tie
  exactly, and a change of 1e-16 counts as none.
- Fewer than 5 paired people: ``TooFew`` instead of numbers.

The tests and p-values are computed here from SciPy's distribution functions
(``scipy.special``: Student's t and the normal) rather than through
``scipy.stats.ttest_rel`` and ``wilcoxon``, whose argument checking costs
more than the arithmetic at these sizes; the tests check that both give the
same t, z and p as those functions (``wilcoxon`` with ``zero_method="wilcox"``,
``correction=False``, ``method="approx"``).
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

MINIMUM_N = 5
# Decimal places differences keep before they are ranked or tested for zero.
TIE_DECIMALS = 9


@dataclass(frozen=True)
class TooFew:
    """Too few people for a figure that means anything; shown as words, not numbers."""

    n: int
    minimum: int = MINIMUM_N

    @property
    def message(self) -> str:
        people = "person" if self.n == 1 else "people"
        return f"Only {self.n} {people}: at least {self.minimum} are needed to show this."


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class SignedRank:
    """The Wilcoxon signed-rank test of the non-zero differences."""

    n: int
    w_plus: float
    w_minus: float
    # Positive when the ranks of increases outweigh those of decreases.
    z: float
    p: float


@dataclass(frozen=True)
class PairedChange:
    n: int
    mean_before: float
    mean_after: float
    sd_before: float
    sd_after: float
    mean_difference: float
    sd_difference: float
    ci_low: float
    ci_high: float
    # None where every difference is the same (no spread: no t, no d_z).
    t: float | None
    df: int
    p: float | None
    signed_rank: SignedRank | None
    d_z: float | None
    d_av: float | None


def present(values: np.ndarray) -> np.ndarray:
    return values[~np.isnan(values)]


# scipy.special is imported on first use, not when the server starts: importing it is a
# third of what Django's setup costs, and most processes never compute a p-value.


def t_interval(mean: float, sd: float, n: int) -> tuple[float, float]:
    from scipy import special

    half = float(special.stdtrit(n - 1, 0.975)) * sd / math.sqrt(n)
    return mean - half, mean + half


def t_two_sided_p(t: float, df: int) -> float:
    from scipy import special

    return float(2 * special.stdtr(df, -abs(t)))


def normal_two_sided_p(z: float) -> float:
    from scipy import special

    return float(2 * special.ndtr(-abs(z)))


def average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks from 1, ties sharing the mean of their positions; and the size of each tie group."""
    _, group, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    return (last - (counts - 1) / 2)[group], counts


def describe(values: np.ndarray) -> Summary:
    """n, mean, SD (ddof 1) and the 95 % t interval of the mean of the scores present."""
    x = present(np.asarray(values, dtype=float))
    n = int(x.size)
    if n == 0:
        return Summary(n=0, mean=None, sd=None, ci_low=None, ci_high=None)
    mean = float(x.mean())
    if n < 2:
        return Summary(n=1, mean=mean, sd=None, ci_low=None, ci_high=None)
    sd = float(x.std(ddof=1))
    low, high = t_interval(mean, sd, n)
    return Summary(n=n, mean=mean, sd=sd, ci_low=low, ci_high=high)


def rounded(differences: np.ndarray) -> np.ndarray:
    # np.round is symmetric, so -x and x round to exact negatives and tie in |d|.
    return np.round(differences, TIE_DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def signed_rank(differences: np.ndarray) -> SignedRank | None:
    """Wilcoxon's test of ``differences`` (after minus before); None when all are zero."""
    d = rounded(np.asarray(differences, dtype=float))
    d = d[d != 0]
    n = int(d.size)
    if n == 0:
        return None
    ranks, ties = average_ranks(np.abs(d))
    w_plus = float(ranks[d > 0].sum())
    w_minus = float(ranks[d < 0].sum())
    variance = n * (n + 1) * (2 * n + 1) / 24 - float((ties**3 - ties).sum()) / 48
    z = (w_plus - n * (n + 1) / 4) / math.sqrt(variance)
    return SignedRank(n=n, w_plus=w_plus, w_minus=w_minus, z=z, p=normal_two_sided_p(z))


def paired_change(
    before: np.ndarray, after: np.ndarray, *, minimum: int = MINIMUM_N
) -> PairedChange | TooFew:
    """Change from ``before`` to ``after`` over the rows where both are present."""
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    both = ~np.isnan(before) & ~np.isnan(after)
    b, a = before[both], after[both]
    n = int(b.size)
    if n < minimum or n < 2:
        return TooFew(n=n, minimum=minimum)
    d = a - b
    mean_d = float(d.mean())
    spread = np.ptp(rounded(d)) > 0
    sd_d = float(d.std(ddof=1)) if spread else 0.0
    low, high = t_interval(mean_d, sd_d, n)
    t = p = d_z = None
    if spread:
        t = mean_d / (sd_d / math.sqrt(n))
        p = t_two_sided_p(t, n - 1)
        d_z = mean_d / sd_d
    sd_b, sd_a = float(b.std(ddof=1)), float(a.std(ddof=1))
    mean_sd = (sd_b + sd_a) / 2
    return PairedChange(
        n=n,
        mean_before=float(b.mean()),
        mean_after=float(a.mean()),
        sd_before=sd_b,
        sd_after=sd_a,
        mean_difference=mean_d,
        sd_difference=sd_d,
        ci_low=low,
        ci_high=high,
        t=t,
        df=n - 1,
        p=p,
        signed_rank=signed_rank(d),
        d_z=d_z,
        d_av=mean_d / mean_sd if mean_sd > 0 else None,
    )


@dataclass(frozen=True)
class DoubleBaseline:
    """Change before the course (registration to start) against change during it (start to end).

    All three over the same people, those with a score at every one of the three waves;
    ``during_against_before`` is the paired test of the two changes (its "before" is the
    change before the course, its "after" the change during it).
    """

    n: int
    before_course: PairedChange | TooFew
    during_course: PairedChange | TooFew
    during_against_before: PairedChange | TooFew


def double_baseline(
    registration: np.ndarray, start: np.ndarray, end: np.ndarray, *, minimum: int = MINIMUM_N
) -> DoubleBaseline:
    registration, start, end = (np.asarray(x, dtype=float) for x in (registration, start, end))
    every = ~np.isnan(registration) & ~np.isnan(start) & ~np.isnan(end)
    r, s, e = registration[every], start[every], end[every]
    return DoubleBaseline(
        n=int(every.sum()),
        before_course=paired_change(r, s, minimum=minimum),
        during_course=paired_change(s, e, minimum=minimum),
        during_against_before=paired_change(s - r, e - s, minimum=minimum),
    )


@dataclass(frozen=True)
class Suppressed:
    """A group too small to show outside the partnership."""

    n: int
    minimum: int = MINIMUM_N

    @property
    def message(self) -> str:
        # Never the exact number: a count of 1 or 2 can itself identify someone.
        return f"Fewer than {self.minimum} people: not shown."


def suppress_small[K, V](
    groups: Mapping[K, V], count: Callable[[V], int], *, minimum: int = MINIMUM_N
) -> dict[K, V | Suppressed]:
    """Each group's figures, or ``Suppressed`` where fewer than ``minimum`` people are in it."""
    shown: dict[K, V | Suppressed] = {}
    for key, value in groups.items():
        n = count(value)
        shown[key] = value if n >= minimum else Suppressed(n=n, minimum=minimum)
    return shown
