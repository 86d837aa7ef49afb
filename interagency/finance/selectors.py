"""Read a partnership's money: its budget against what actually came in and went out.

Actual income is the entries on its lines plus the charges delivery holds (not
waived), no-shows' as no-show charges and delegates' places as delegate charges,
by their session's month; actual spending is the entries
plus the actual money of each session's costs (a cancelled session's too: what was
spent is spent), by the session's month. Days
given in kind on a session count in unit costs, not here (decision 0031). A
budget page is four queries of its own whatever the number of lines or months.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from interagency.core.dates import govuk_month
from interagency.delivery.models import Charge, ChargeKind
from interagency.delivery.selectors.sessions import london_midnight, sessions_of
from interagency.finance.models import (
    COST_FIELDS,
    COST_PARTS,
    INCOME,
    SPENDING,
    BudgetCategory,
    BudgetLine,
    Entry,
    SessionCost,
)
from interagency.finance.rules import financial_year_of
from interagency.tenancy.models import Partnership

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")


def money_sum(expression: str | F) -> Coalesce:
    return Coalesce(
        Sum(expression), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def pennies(amount: Decimal | float | int | None) -> Decimal:
    """A database sum as pounds and pence (SQLite sums decimals as floats)."""
    return Decimal(str(amount or 0)).quantize(PENNY, ROUND_HALF_UP)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of financial year ``year`` and of the next, in London."""
    return london_midnight(datetime.date(year, 4, 1)), london_midnight(
        datetime.date(year + 1, 4, 1)
    )


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def fy_months(year: int) -> list[tuple[int, int]]:
    """The (year, month) of April ``year`` to March ``year + 1``."""
    return [(year, month) for month in range(4, 13)] + [(year + 1, month) for month in (1, 2, 3)]


@dataclass
class CategoryRow:
    category: BudgetCategory
    planned: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def label(self) -> str:
        return self.category.label

    @property
    def difference(self) -> Decimal:
        return self.actual - self.planned


@dataclass
class MonthRow:
    year: int
    month: int
    income: Decimal = ZERO
    spending: Decimal = ZERO

    @property
    def label(self) -> str:
        return govuk_month(datetime.date(self.year, self.month, 1))

    @property
    def balance(self) -> Decimal:
        return self.income - self.spending


class IncomeAndSpending:
    """Planned and actual totals of ``income`` and ``spending`` rows (each with ``planned``
    and ``actual``): the budget page's and the annual report's."""

    income: Sequence[Any]
    spending: Sequence[Any]

    def total(self, rows: str, column: str) -> Decimal:
        return sum((getattr(row, column) for row in getattr(self, rows)), ZERO)

    @property
    def planned_income(self) -> Decimal:
        return self.total("income", "planned")

    @property
    def actual_income(self) -> Decimal:
        return self.total("income", "actual")

    @property
    def planned_spending(self) -> Decimal:
        return self.total("spending", "planned")

    @property
    def actual_spending(self) -> Decimal:
        return self.total("spending", "actual")


@dataclass
class BudgetSummary(IncomeAndSpending):
    year: int
    income: list[CategoryRow]
    spending: list[CategoryRow]
    months: list[MonthRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return year_label(self.year)


def budget_lines(partnership: Partnership, year: int) -> QuerySet[Any]:
    """The year's lines, income first, each with ``actual``: the sum of its entries."""
    return (
        BudgetLine.objects.for_partnership(partnership)
        .filter(year=year)
        .select_related("agency")
        .annotate(actual=money_sum("entries__amount"))
        .order_by("category", "description", "id")
    )


def line_entries(line: BudgetLine) -> QuerySet[Entry]:
    """A line's entries, oldest first."""
    return Entry.objects.for_partnership(line.partnership_id).filter(line=line).order_by("on", "id")


def budget_years(partnership: Partnership, today: datetime.date) -> list[int]:
    """The years with lines, and the last, this and the next financial year, latest first."""
    current = financial_year_of(today)
    stored = BudgetLine.objects.for_partnership(partnership).values_list("year", flat=True)
    return sorted({current - 1, current, current + 1, *stored}, reverse=True)


# The budget's kind of income each kind of charge counts as.
CHARGE_CATEGORIES = {
    ChargeKind.NO_SHOW: BudgetCategory.NO_SHOW_CHARGES,
    ChargeKind.DELEGATE: BudgetCategory.DELEGATE_CHARGES,
}

# One actual amount: its kind, its (year, month) and how much.
Actual = tuple[BudgetCategory, tuple[int, int], Decimal]


def budget_summary(partnership: Partnership, year: int) -> BudgetSummary:
    """Planned against actual by category, and actual income and spending by month."""
    rows = {category: CategoryRow(category) for category in BudgetCategory}
    months = {key: MonthRow(*key) for key in fy_months(year)}
    planned = (
        BudgetLine.objects.for_partnership(partnership)
        .filter(year=year)
        .values("category")
        .annotate(total=money_sum("planned"))
    )
    for row in planned:
        rows[BudgetCategory(row["category"])].planned = pennies(row["total"])
    for category, key, found in _actuals(partnership, year):
        amount = pennies(found)
        rows[category].actual += amount
        if key in months:
            side = "income" if category in INCOME else "spending"
            setattr(months[key], side, getattr(months[key], side) + amount)
    return BudgetSummary(
        year=year,
        income=[rows[c] for c in INCOME],
        spending=[rows[c] for c in SPENDING],
        months=list(months.values()),
    )


def _actuals(
    partnership: Partnership, year: int
) -> list[tuple[BudgetCategory, tuple[int, int], Decimal]]:
    """Every actual amount of the year as (category, (year, month), amount): three queries."""
    london = timezone.get_default_timezone()
    found: list[Actual] = []
    entries = (
        Entry.objects.for_partnership(partnership)
        .filter(line__year=year)
        .values("line__category", y=ExtractYear("on"), m=ExtractMonth("on"))
        .annotate(total=money_sum("amount"))
    )
    found += [(BudgetCategory(e["line__category"]), (e["y"], e["m"]), e["total"]) for e in entries]
    start, end = year_bounds(year)
    charges = (
        Charge.objects.for_partnership(partnership)
        .filter(waived=False, booking__session__starts_at__gte=start)
        .filter(booking__session__starts_at__lt=end)
        .values(
            "kind",
            y=ExtractYear("booking__session__starts_at", tzinfo=london),
            m=ExtractMonth("booking__session__starts_at", tzinfo=london),
        )
        .annotate(total=money_sum("amount"))
    )
    found += [(CHARGE_CATEGORIES[c["kind"]], (c["y"], c["m"]), c["total"]) for c in charges]
    costs = (
        SessionCost.objects.for_partnership(partnership)
        .filter(session__starts_at__gte=start, session__starts_at__lt=end)
        .values(
            y=ExtractYear("session__starts_at", tzinfo=london),
            m=ExtractMonth("session__starts_at", tzinfo=london),
        )
        .annotate(**{part: money_sum(f"{part}_actual") for part, _, _ in COST_PARTS})
    )
    for row in costs:
        for part, _, category in COST_PARTS:
            found.append((category, (row["y"], row["m"]), row[part]))
    return found


def session_cost_of(session: object) -> SessionCost | None:
    """The costs stored for one of the partnership's sessions, or None."""
    return (
        SessionCost.objects.for_partnership(session.partnership_id)  # type: ignore[attr-defined]
        .filter(session=session)
        .first()
    )


def cost_initial(cost: SessionCost | None) -> dict[str, object]:
    """What the session cost form starts with: the stored figures."""
    if cost is None:
        return {}
    names = [*COST_FIELDS, "trainer_days_in_kind", "venue_days_in_kind"]
    return {name: getattr(cost, name) for name in names}


def sessions_costed(partnership: Partnership, year: int) -> QuerySet[Any]:
    """The partnership's own sessions starting in the year, any status, with their costs."""
    start, end = year_bounds(year)
    return (
        sessions_of(partnership)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("course", "cost")
        .order_by("starts_at", "id")
    )
