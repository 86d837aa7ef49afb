"""The partnership's financial years and whether each is open or closed.

Two queries whatever the number of years: the years that have budget lines,
then the closed years.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from interagency.finance.models import ClosedYear
from interagency.finance.selectors import budget_years, year_label
from interagency.tenancy.models import Partnership


class YearState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class FinancialYear:
    year: int
    label: str
    state: YearState
    closed_at: datetime.datetime | None


def financial_years(partnership: Partnership, today: datetime.date) -> list[FinancialYear]:
    """The budget's years (those with lines; last, this and next year) and every closed
    year, latest first, each open or closed."""
    closed = dict(ClosedYear.objects.for_partnership(partnership).values_list("year", "closed_at"))
    years = sorted({*budget_years(partnership, today), *closed}, reverse=True)
    return [
        FinancialYear(
            year=year,
            label=year_label(year),
            state=YearState.CLOSED if year in closed else YearState.OPEN,
            closed_at=closed.get(year),
        )
        for year in years
    ]


def financial_year(partnership: Partnership, year: int) -> FinancialYear:
    """One year, open or closed (one query)."""
    closed_at = (
        ClosedYear.objects.for_partnership(partnership)
        .filter(year=year)
        .values_list("closed_at", flat=True)
        .first()
    )
    return FinancialYear(
        year=year,
        label=year_label(year),
        state=YearState.OPEN if closed_at is None else YearState.CLOSED,
        closed_at=closed_at,
    )
