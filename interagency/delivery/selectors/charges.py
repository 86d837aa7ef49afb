"""Read the charges a partnership invoices to agencies: no-shows' and delegates' places.

A charge is dated by its session's start (London), which is what an agency's
invoice lists, not by when the register was closed. The list and its totals
come from the same filtered queryset, so the page, its totals and the CSV
export always agree.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from interagency.delivery.forms import end_of_day, start_of_day
from interagency.delivery.models import Charge
from interagency.people.models import Agency
from interagency.tenancy.models import Partnership

ZERO = Decimal("0.00")


def financial_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The UK financial year (1 April to 31 March) that ``today`` falls in."""
    first = today.year if today.month >= 4 else today.year - 1
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)


def charges_of(
    partnership: Partnership,
    *,
    agency_id: int | None = None,
    session_from: datetime.date | None = None,
    session_to: datetime.date | None = None,
    kind: str | None = None,
    per_line_manager: bool = False,
) -> QuerySet[Charge]:
    """The partnership's charges by agency (or line manager), session date and name, with
    what the page shows; ``kind`` one of ``ChargeKind`` or None for every kind."""
    charges = Charge.objects.for_partnership(partnership).select_related(
        "agency", "booking__person__line_manager", "booking__session__course"
    )
    if kind is not None:
        charges = charges.filter(kind=kind)
    if agency_id is not None:
        charges = charges.filter(agency_id=agency_id)
    if session_from is not None:
        charges = charges.filter(booking__session__starts_at__gte=start_of_day(session_from))
    if session_to is not None:
        charges = charges.filter(booking__session__starts_at__lt=end_of_day(session_to))
    # An agency may invoice each line manager's team separately.
    first = ("booking__person__line_manager__full_name",) if per_line_manager else ()
    return charges.order_by(
        *first,
        "agency__name",
        "agency_id",
        "booking__session__starts_at",
        "booking__person__full_name",
        "id",
    )


def charge_in(partnership: Partnership, charge_id: int) -> Charge:
    """One charge of the partnership; raises ``Charge.DoesNotExist`` otherwise."""
    return (
        Charge.objects.for_partnership(partnership)
        .select_related("agency", "booking__person", "booking__session__course", "waived_by")
        .get(pk=charge_id)
    )


def charged_agencies(partnership: Partnership) -> QuerySet[Agency]:
    """Every agency the partnership has charged, by name, for the filter's search step.

    Read from the charges rather than the partnership's agencies: a regional
    booking's agency belongs to another partnership but is still invoiced here.
    """
    charged = Charge.objects.for_partnership(partnership).values("agency_id")
    # cross-partnership: only agencies this partnership charged, a regional one included.
    return Agency.objects.filter(pk__in=charged).order_by("name", "pk")


def pence(amount: Decimal | int | float | str) -> Decimal:
    """A sum in pounds and pence (SQLite returns sums of decimals without their scale)."""
    return Decimal(amount).quantize(ZERO)


@dataclass
class ChargeTotal:
    """What one agency (or, with ``agency_id`` None, everyone) was charged, waived and owes."""

    agency_id: int | None
    agency_name: str
    count: int = 0
    charged: Decimal = ZERO
    waived: Decimal = ZERO

    @property
    def due(self) -> Decimal:
        return self.charged - self.waived


@dataclass
class ChargeTotals:
    agencies: list[ChargeTotal] = field(default_factory=list)
    overall: ChargeTotal = field(default_factory=lambda: ChargeTotal(None, "All agencies"))


def charge_totals(charges: QuerySet[Charge]) -> ChargeTotals:
    """Per-agency and overall totals of ``charges`` (a ``charges_of`` queryset), in one query."""
    money = Coalesce(Sum("amount"), Value(ZERO))
    rows = (
        charges.order_by()
        .values("agency_id", "agency__name")
        .annotate(
            count=Count("id"),
            charged=money,
            waived=Coalesce(Sum("amount", filter=Q(waived=True)), Value(ZERO)),
        )
        .order_by("agency__name", "agency_id")
    )
    totals = ChargeTotals()
    for row in rows:
        total = ChargeTotal(
            row["agency_id"],
            row["agency__name"],
            row["count"],
            pence(row["charged"]),
            pence(row["waived"]),
        )
        totals.agencies.append(total)
        totals.overall.count += total.count
        totals.overall.charged += total.charged
        totals.overall.waived += total.waived
    return totals
