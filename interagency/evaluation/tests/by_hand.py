"""Statistics computed the long way, in plain Python, to check the analysis against.

Nothing here uses NumPy or SciPy: means and variances are sums, ranks are
counted, and the t and normal distributions come from the regularised
incomplete beta function (a continued fraction, as in Numerical Recipes) and
``math.erfc``. Scores are exact ``Fraction``s where the test can give them,
so ties are ties by arithmetic, not by rounding.
"""

import math
from collections.abc import Sequence
from fractions import Fraction

Number = float | Fraction | int


def close(actual: float | None, expected: float, tolerance: float = 1e-9) -> bool:
    return actual is not None and abs(actual - expected) <= tolerance * max(1.0, abs(expected))


def exact_mean(xs: Sequence[Number]):
    return sum(Fraction(x) for x in xs) / len(xs)


def variance(xs: Sequence[Number], ddof: int = 1) -> float:
    m = exact_mean(xs)
    return float(sum((Fraction(x) - m) ** 2 for x in xs) / (len(xs) - ddof))


def sd(xs: Sequence[Number]) -> float:
    return math.sqrt(variance(xs))


def _continued_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            step = d * c
            h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _continued_fraction(a, b, x) / a
    return 1.0 - front * _continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: int) -> float:
    return incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


def t_critical(df: int, two_sided_p: float = 0.05) -> float:
    low, high = 0.0, 1000.0
    for _ in range(200):
        middle = (low + high) / 2
        if t_two_sided_p(middle, df) > two_sided_p:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def average_ranks(values: Sequence[Fraction]) -> list[float]:
    """Rank of each value from 1, ties sharing the mean of the positions they fill."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    position = 0
    while position < len(order):
        end = position
        while end + 1 < len(order) and values[order[end + 1]] == values[order[position]]:
            end += 1
        shared = (position + 1 + end + 1) / 2
        for i in order[position : end + 1]:
            ranks[i] = shared
        position = end + 1
    return ranks


def signed_rank(differences: Sequence[Fraction]) -> dict[str, float]:
    """W+, W-, z (tie-corrected variance, no continuity correction) and p, zeros dropped."""
    d = [x for x in differences if x != 0]
    n = len(d)
    ranks = average_ranks([abs(x) for x in d])
    w_plus = sum(r for r, x in zip(ranks, d, strict=True) if x > 0)
    w_minus = sum(r for r, x in zip(ranks, d, strict=True) if x < 0)
    groups: dict[Fraction, int] = {}
    for x in d:
        groups[abs(x)] = groups.get(abs(x), 0) + 1
    var = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in groups.values()) / 48
    z = (w_plus - n * (n + 1) / 4) / math.sqrt(var)
    return {"n": n, "w_plus": w_plus, "w_minus": w_minus, "z": z, "p": normal_two_sided_p(z)}


def paired(before: Sequence[Fraction], after: Sequence[Fraction]) -> dict[str, float]:
    n = len(before)
    d = [a - b for b, a in zip(before, after, strict=True)]
    mean_d = float(exact_mean(d))
    sd_d = sd(d)
    t = mean_d / (sd_d / math.sqrt(n))
    half = t_critical(n - 1) * sd_d / math.sqrt(n)
    return {
        "n": n,
        "mean_difference": mean_d,
        "sd_difference": sd_d,
        "ci_low": mean_d - half,
        "ci_high": mean_d + half,
        "t": t,
        "p": t_two_sided_p(t, n - 1),
        "d_z": mean_d / sd_d,
        "d_av": mean_d / ((sd(before) + sd(after)) / 2),
        **{f"wilcoxon_{k}": v for k, v in signed_rank(d).items()},
    }


def cronbach_alpha(rows: Sequence[Sequence[Number]]) -> float:
    k = len(rows[0])
    item_variances = sum(variance([row[i] for row in rows]) for i in range(k))
    total_variance = variance([sum(row) for row in rows])
    return k / (k - 1) * (1 - item_variances / total_variance)


def kr20(rows: Sequence[Sequence[int]]) -> float:
    """Kuder and Richardson's formula 20: p·q per item over the population variance of totals."""
    k, n = len(rows[0]), len(rows)
    pq = 0.0
    for i in range(k):
        p = sum(row[i] for row in rows) / n
        pq += p * (1 - p)
    return k / (k - 1) * (1 - pq / variance([sum(row) for row in rows], ddof=0))


def correlation(xs: Sequence[Number], ys: Sequence[Number]) -> float:
    mx, my = exact_mean(xs), exact_mean(ys)
    sxy = sum((Fraction(x) - mx) * (Fraction(y) - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((Fraction(x) - mx) ** 2 for x in xs)
    syy = sum((Fraction(y) - my) ** 2 for y in ys)
    return float(sxy) / math.sqrt(float(sxx) * float(syy))
