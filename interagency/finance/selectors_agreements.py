"""Read partner agreements with the free places each agency earned and used, and the
partnership's delegate charging terms (rates by sector, exempt agencies).

A year's agreements page is two queries whatever the number of agencies: the
agreements, then the free places used, counted by agency.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, QuerySet

from interagency.finance.models import (
    ChargeExemption,
    ClosedYear,
    DelegateRate,
    FreePlaceUse,
    PartnerAgreement,
)
from interagency.tenancy.models import Partnership


@dataclass(frozen=True)
class AgreementRow:
    """An agreement with the free places its agency used in the year."""

    agreement: PartnerAgreement
    used: int

    @property
    def earned(self) -> int | None:
        return self.agreement.free_places

    @property
    def left(self) -> int | None:
        return None if self.earned is None else max(self.earned - self.used, 0)


@dataclass(frozen=True)
class AgreementTotals:
    amount: Decimal
    in_kind_value: Decimal
    trainer_days: Decimal
    venue_days: Decimal


def agreements_of(partnership: Partnership, year: int) -> QuerySet[PartnerAgreement]:
    """The year's agreements by agency name, with their agency."""
    return (
        PartnerAgreement.objects.for_partnership(partnership)
        .filter(year=year)
        .select_related("agency")
        .order_by("agency__name", "id")
    )


def agreement_rows(partnership: Partnership, year: int) -> list[AgreementRow]:
    """Each agreement of the year with the free places its agency used: two queries."""
    used = dict(
        FreePlaceUse.objects.for_partnership(partnership)
        .filter(year=year)
        .values("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    return [AgreementRow(a, used.get(a.agency_id, 0)) for a in agreements_of(partnership, year)]


def agreement_totals(rows: list[AgreementRow]) -> AgreementTotals:
    agreements = [row.agreement for row in rows]
    return AgreementTotals(
        amount=sum((a.amount for a in agreements), Decimal("0.00")),
        in_kind_value=sum((a.in_kind_value for a in agreements), Decimal("0.00")),
        trainer_days=sum((a.trainer_days for a in agreements), Decimal("0.0")),
        venue_days=sum((a.venue_days for a in agreements), Decimal("0.0")),
    )


def delegate_rates_of(partnership: Partnership) -> QuerySet[DelegateRate]:
    """The current rates (no year) first, then each year's, by sector."""
    # Nulls first on every database (SQLite would put them last).
    current_first = F("year").desc(nulls_first=True)
    return DelegateRate.objects.for_partnership(partnership).order_by(current_first, "sector", "id")


def exemptions_of(partnership: Partnership) -> QuerySet[ChargeExemption]:
    return (
        ChargeExemption.objects.for_partnership(partnership)
        .select_related("agency")
        .order_by("agency__name", "id")
    )


def closed_years(partnership: Partnership) -> set[int]:
    return set(ClosedYear.objects.for_partnership(partnership).values_list("year", flat=True))
