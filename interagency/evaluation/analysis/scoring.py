"""Scale scores from answers.

Reverse-keyed items are recoded ``maximum + minimum - x``. A score is the mean
of the answered items (for knowledge, the percent correct of the answered
items), computed only when at least the scale's share of its items is
answered (80 % unless set), else missing. Unanswered is missing, never wrong.
"""

import numpy as np

from interagency.evaluation.analysis.data import ScaleAnswers


def item_scores(answers: ScaleAnswers) -> np.ndarray:
    """Rows × items as scored: recoded ratings, or 1 right and 0 wrong for knowledge; NaN kept."""
    values = answers.values
    items = answers.spec.items
    if answers.spec.percent_correct:
        correct = np.array([np.nan if i.correct is None else i.correct for i in items], dtype=float)
        return np.where(np.isnan(values), np.nan, (values == correct).astype(float))
    reverse = np.array([item.reverse for item in items], dtype=bool)
    if not reverse.any():
        return values
    ends = np.array([item.minimum + item.maximum for item in items], dtype=float)
    return np.where(reverse, ends - values, values)


def scale_scores(answers: ScaleAnswers) -> np.ndarray:
    """One score per row, NaN where too few items were answered."""
    scored = item_scores(answers)
    answered = ~np.isnan(scored)
    count = answered.sum(axis=1)
    total = np.where(answered, scored, 0.0).sum(axis=1)
    enough = (count >= answers.required) & (count > 0)
    scores = np.full(count.shape, np.nan)
    np.divide(total, count, out=scores, where=enough)
    if answers.spec.percent_correct:
        scores *= 100.0
    return scores
