"""Reliability of a scale at one wave, over the rows that answered every item.

Cronbach's alpha is ``k / (k - 1) * (1 - sum of item variances / variance of totals)``;
for items scored 0 or 1 (knowledge) this is KR-20, and the result says so.
Each item's corrected item-total correlation is its Pearson correlation with
the total of the other items; "alpha if item deleted" is the alpha of the
other items. Variances use ddof 1 throughout (the ratio is the same with 0).
"""

from dataclasses import dataclass

import numpy as np

from interagency.evaluation.analysis.statistics import MINIMUM_N, TooFew


@dataclass(frozen=True)
class ItemReliability:
    key: str
    # None where the item or the rest did not vary.
    corrected_item_total: float | None
    # None with only two items (one would be left).
    alpha_if_deleted: float | None


@dataclass(frozen=True)
class Reliability:
    n: int
    alpha: float | None
    kr20: bool
    items: tuple[ItemReliability, ...]


def cronbach_alpha(complete: np.ndarray) -> float | None:
    """Alpha of a rows × items matrix with no missing values; None if totals do not vary."""
    k = complete.shape[1]
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if k < 2 or total_variance == 0:
        return None
    item_variance = float(complete.var(axis=0, ddof=1).sum())
    return k / (k - 1) * (1 - item_variance / total_variance)


def _or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def item_statistics(complete: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's corrected item-total correlation and alpha if deleted, NaN where undefined.

    All items at once: the rest of item i is the total less item i, and the
    alpha without item i uses the other items' variances and the rest's.
    """
    k = complete.shape[1]
    rest = complete.sum(axis=1)[:, None] - complete
    dx = complete - complete.mean(axis=0)
    dr = rest - rest.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (dx * dr).sum(axis=0) / np.sqrt((dx * dx).sum(axis=0) * (dr * dr).sum(axis=0))
        if k < 3:
            return r, np.full(k, np.nan)
        item_variance = complete.var(axis=0, ddof=1)
        rest_variance = rest.var(axis=0, ddof=1)
        deleted = (k - 1) / (k - 2) * (1 - (item_variance.sum() - item_variance) / rest_variance)
    deleted[rest_variance == 0] = np.nan
    return r, deleted


def reliability(
    scored: np.ndarray, keys: tuple[str, ...], *, minimum: int = MINIMUM_N
) -> Reliability | TooFew | None:
    """Alpha and item statistics of ``scored`` (rows × items, NaN missing).

    None for a scale of one item (no reliability to speak of); ``TooFew`` with
    fewer than ``minimum`` complete rows.
    """
    if scored.shape[1] < 2:
        return None
    complete = scored[~np.isnan(scored).any(axis=1)]
    n = int(complete.shape[0])
    if n < minimum or n < 2:
        return TooFew(n=n, minimum=minimum)
    correlations, deleted = item_statistics(complete)
    items = tuple(
        ItemReliability(
            key=key,
            corrected_item_total=_or_none(correlations[i]),
            alpha_if_deleted=_or_none(deleted[i]),
        )
        for i, key in enumerate(keys)
    )
    return Reliability(
        n=n,
        alpha=cronbach_alpha(complete),
        kr20=bool(np.isin(complete, (0.0, 1.0)).all()),
        items=items,
    )
