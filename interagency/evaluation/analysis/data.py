"""What the analysis reads: each wave's answers as arrays, one row per response.

Built from the database by ``selectors.evaluation_data`` and by hand in tests
and the benchmark. A value is a float, NaN where the item was not answered
(missing, never zero). Rows of one participant carry the same id at every
wave, which is how waves are paired; an anonymous response has an id of its
own, so it pairs with nothing.
"""

from dataclasses import dataclass, field

import numpy as np

DEFAULT_ANSWERED_PERCENT = 80


def required_answers(asked: int | np.ndarray, percent: int) -> np.ndarray:
    """How many of ``asked`` items must be answered for a score: ``percent`` of them, rounded up.

    Whole numbers throughout, so 80 % of 5 items is exactly 4 and never 4.000000001.
    """
    asked = np.asarray(asked, dtype=np.int64)
    return -(-(asked * percent) // 100)


@dataclass(frozen=True)
class ItemSpec:
    key: str
    minimum: int
    maximum: int
    reverse: bool = False
    # The right answer of a knowledge item.
    correct: int | None = None


@dataclass(frozen=True)
class ScaleSpec:
    key: str
    name: str
    level: str
    items: tuple[ItemSpec, ...]
    # Knowledge: percent correct of the answered items; else the mean of the recoded answers.
    percent_correct: bool = False
    min_answered_percent: int = DEFAULT_ANSWERED_PERCENT


@dataclass(frozen=True)
class ScaleAnswers:
    """One scale's answers at one wave: ``values`` is rows × the scale's items."""

    spec: ScaleSpec
    values: np.ndarray
    # Answered items each row needs for a score (rows of an older version may be asked fewer).
    required: np.ndarray

    @classmethod
    def asked_in_full(cls, spec: ScaleSpec, values: np.ndarray) -> "ScaleAnswers":
        """Every row was asked every item of ``spec``."""
        values = np.asarray(values, dtype=float)
        required = np.full(
            values.shape[0], required_answers(len(spec.items), spec.min_answered_percent)
        )
        return cls(spec=spec, values=values, required=required)


@dataclass(frozen=True)
class WaveData:
    key: str
    label: str
    participants: np.ndarray
    # At least one item (any item, free text too) answered.
    present: np.ndarray
    scales: dict[str, ScaleAnswers]
    # The response behind each row, where the rows came from the database.
    response_ids: np.ndarray | None = field(default=None)


@dataclass(frozen=True)
class EvaluationData:
    """The waves in time order; ``linked`` when responses carry codes that pair the waves."""

    waves: tuple[WaveData, ...]
    linked: bool
