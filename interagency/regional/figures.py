"""One figure of the regional benchmarks: a value, "not available", or "Fewer than 5".

Every figure shown outside a partnership is built on a group of people (the
participants a unit cost is shared over, the people with a role whose
compliance is counted, the workforce trained, the learners paired). A group
of fewer than ``MINIMUM_N`` people is suppressed: its figure is shown as
"Fewer than 5" in words, never as a number, and it is left out of the
region's pooled figure, so the region's total minus the others cannot give
it away.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from interagency.evaluation.analysis.statistics import MINIMUM_N

NOT_AVAILABLE = "not available"
FEWER_THAN = f"Fewer than {MINIMUM_N}"
ONE_PLACE = Decimal("0.1")
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """A number to show, or the words that stand for it (``note``) when there is none."""

    value: Decimal | None
    note: str = ""

    @property
    def suppressed(self) -> bool:
        return self.note == FEWER_THAN

    def __str__(self) -> str:
        return self.note if self.value is None else f"{self.value:,}"


def not_available() -> Figure:
    return Figure(None, NOT_AVAILABLE)


def fewer_than_minimum() -> Figure:
    return Figure(None, FEWER_THAN)


def shown(value: Decimal | None, people: int) -> Figure:
    """``value`` built on ``people``: suppressed under the minimum, "not available" if None."""
    if people < MINIMUM_N:
        return fewer_than_minimum()
    if value is None:
        return not_available()
    return Figure(value)


def ratio(numerator: Decimal | int, denominator: Decimal | int, places: Decimal) -> Decimal | None:
    """``numerator / denominator`` rounded half up to ``places``; None over nothing."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    return ratio(100 * part, whole, ONE_PLACE)
