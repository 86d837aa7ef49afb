"""Read course durations as frameworks write them ("1 day or 6 hours", "minimum 3hrs")."""

import re
from decimal import Decimal

from interagency.core.validation import COURSE_HOURS

HOURS_PER_DAY = Decimal(6)  # the London framework's own equivalence: 1 day or 6 hours

_NUMBER = r"(\d+(?:\.\d+)?|½|\d+½)"
_HOURS = re.compile(_NUMBER + r"\s*(?:hours?|hrs?|h)\b", re.IGNORECASE)
_DAYS = re.compile(_NUMBER + r"\s*days?\b", re.IGNORECASE)
_MINIMUM = re.compile(r"\b(minimum|min\.?|at least)\b", re.IGNORECASE)


class DurationError(ValueError):
    pass


def _number(text: str) -> Decimal:
    if text.endswith("½"):
        whole = text[:-1]
        return (Decimal(whole) if whole else Decimal(0)) + Decimal("0.5")
    return Decimal(text)


def parse_duration(text: str) -> tuple[Decimal, bool]:
    """``(hours, is_minimum)`` for a duration; hours win over days when both are given.

    >>> parse_duration("1 day or 6 hours")
    (Decimal('6'), False)
    >>> parse_duration("½ day or 3 hours")
    (Decimal('3'), False)
    >>> parse_duration("minimum 3hrs")
    (Decimal('3'), True)
    >>> parse_duration("5 days")
    (Decimal('30'), False)
    """
    cleaned = " ".join(text.split())
    is_minimum = bool(_MINIMUM.search(cleaned))
    if match := _HOURS.search(cleaned):
        hours = _number(match.group(1))
    elif match := _DAYS.search(cleaned):
        hours = _number(match.group(1)) * HOURS_PER_DAY
    else:
        try:
            hours = Decimal(cleaned)
        except ArithmeticError:
            raise DurationError(
                f"{text!r} is not a duration: write hours or days, like '6 hours' or '1 day'."
            ) from None
    if not hours.is_finite() or hours <= 0:
        raise DurationError(f"{text!r} is not a duration: it must be more than zero.")
    if hours < COURSE_HOURS.minimum:
        raise DurationError(f"{text!r} is too short: a course lasts at least half an hour.")
    if hours > COURSE_HOURS.maximum:
        raise DurationError(
            f"{text!r} is too long: a course lasts at most {COURSE_HOURS.maximum:,} hours."
        )
    # Stored to a tenth of an hour.
    hours = hours.quantize(Decimal("0.1"))
    return (Decimal(int(hours)) if hours == hours.to_integral() else hours), is_minimum
