"""Delegate charges: the rates by agency sector, the exempt agencies, and the charges a
closed register raises (decision 0032).

When a register closes, each attended (or partly attended) place is, in this order:
free for an exempt agency (named, or a small charity); free for a contributing
partner with free attendance; a free place of its agency's agreement for the
session's financial year while it has places left (recorded as used); else
charged at its sector's rate for the year (or the current rates), a full day for
each part over four hours and a half day for each shorter part. A rate of £0,
or no rate, charges nothing. Delivery holds the charge (one model for every kind,
``delivery.Charge``), so the charges page, waivers and invoices treat it like a
no-show's.
"""

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event, record_events
from interagency.core.errors import ServiceError
from interagency.core.validation import MONEY, YEAR
from interagency.delivery.models import (
    AttendanceOutcome,
    Booking,
    Charge,
    ChargeKind,
    Session,
    SessionPart,
)
from interagency.finance.models import (
    ChargeExemption,
    DelegateRate,
    Exemption,
    FreePlaceUse,
    PartnerAgreement,
)
from interagency.finance.rules import checked_amount, financial_year_of
from interagency.people.models import Sector
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.people.models import Agency

# A part longer than this is a full day (Leeds' published policy: "over 4 hours").
HALF_DAY_HOURS = Decimal("4.0")
CHARGED_OUTCOMES = (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)


# Rates ------------------------------------------------------------------------------------


def set_delegate_rate(
    *,
    partnership: Partnership,
    sector: str,
    year: int | None,
    full_day: Decimal,
    half_day: Decimal,
    changed_by: "_User",
) -> DelegateRate:
    """Set a sector's full-day and half-day rates for ``year`` (None: the current rates)."""
    checked_amount(full_day, field="full_day", label="The full-day rate")
    checked_amount(half_day, field="half_day", label="The half-day rate")
    if sector not in Sector.values:
        raise ServiceError("Choose a sector from the list.", field="sector")
    if year is not None and not YEAR.minimum <= year <= YEAR.maximum:
        raise ServiceError("Choose a financial year from the list.", field="year")
    with transaction.atomic():
        rate = DelegateRate.objects.for_partnership(partnership).filter(
            sector=sector, year=year
        ).first() or DelegateRate(partnership=partnership, sector=sector, year=year)
        before = [str(rate.full_day or ""), str(rate.half_day or "")]
        created = rate.pk is None
        rate.full_day, rate.half_day = full_day, half_day
        rate.save()
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
            subject=rate,
            partnership=partnership,
            changes={
                "sector": sector,
                "year": year,
                "full_day": [before[0], str(full_day)],
                "half_day": [before[1], str(half_day)],
            },
        )
    return rate


def remove_delegate_rate(*, rate: DelegateRate, removed_by: "_User") -> None:
    with transaction.atomic():
        record_event(
            actor=removed_by,
            action=AuditEvent.Action.DELETED,
            subject=rate,
            partnership=rate.partnership,
            changes={"sector": rate.sector, "year": rate.year, "full_day": str(rate.full_day)},
        )
        rate.delete()


# Exemptions -------------------------------------------------------------------------------


def exempt_agency(
    *, partnership: Partnership, agency: "Agency", basis: str, note: str, exempted_by: "_User"
) -> ChargeExemption:
    """Never charge ``agency``'s delegates (a named agency, or a small charity). Audited."""
    if agency.partnership_id != partnership.pk:
        raise ServiceError("Choose one of the partnership's agencies.", field="agency")
    if basis not in Exemption.values:
        raise ServiceError("Choose why the agency is exempt.", field="basis")
    try:
        with transaction.atomic():
            exemption = ChargeExemption.objects.create(
                partnership=partnership, agency=agency, basis=basis, note=note.strip()
            )
            record_event(
                actor=exempted_by,
                action=AuditEvent.Action.CREATED,
                subject=exemption,
                partnership=partnership,
                changes={"agency": agency.name, "basis": basis, "note": exemption.note},
            )
    except IntegrityError:
        raise ServiceError(f"{agency.name} is already exempt.", field="agency") from None
    return exemption


def remove_exemption(*, exemption: ChargeExemption, removed_by: "_User") -> None:
    with transaction.atomic():
        record_event(
            actor=removed_by,
            action=AuditEvent.Action.DELETED,
            subject=exemption,
            partnership=exemption.partnership,
            changes={"agency": exemption.agency_id, "basis": exemption.basis},
        )
        exemption.delete()


# Charges raised when a register closes -----------------------------------------------------


def place_price(rate: DelegateRate | None, parts: list[SessionPart]) -> Decimal:
    """A delegate's price for a session of ``parts`` at ``rate``; £0 without a rate."""
    if rate is None:
        return Decimal("0.00")
    return sum(
        (rate.full_day if part.hours > HALF_DAY_HOURS else rate.half_day for part in parts),
        Decimal("0.00"),
    )


def rates_for_year(partnership: Partnership, year: int) -> dict[str, DelegateRate]:
    """Each sector's rate for ``year``: its own, else the current rates."""
    rates: dict[str, DelegateRate] = {}
    found = DelegateRate.objects.for_partnership(partnership).filter(
        Q(year=year) | Q(year__isnull=True)
    )
    for rate in sorted(found, key=lambda r: r.year is not None):
        rates[rate.sector] = rate  # the year's own comes last and wins
    return rates


class _Ledger:
    """The free places left to each agency of the session's year, drawn as places are."""

    def __init__(self, partnership: Partnership, year: int, agency_ids: set[int]) -> None:
        self.exempt = set(
            ChargeExemption.objects.for_partnership(partnership)
            .filter(agency_id__in=agency_ids)
            .values_list("agency_id", flat=True)
        )
        # Locked before the places used are counted: a register closing at the same moment
        # waits here, then counts this close's places, so two never draw the last free
        # place. In agency order, so two closes never wait on each other in a circle.
        agreements = (
            PartnerAgreement.objects.for_partnership(partnership)
            .filter(year=year, agency_id__in=agency_ids)
            .order_by("agency_id")
            .select_for_update()
        )
        self.agreements = {a.agency_id: a for a in agreements}
        used = (
            FreePlaceUse.objects.for_partnership(partnership)
            .filter(year=year, agency_id__in=agency_ids)
            .values("agency_id")
            .annotate(n=Count("id"))
        )
        self.used = Counter({row["agency_id"]: row["n"] for row in used})

    def draws_free_place(self, agency_id: int) -> bool:
        """Whether the agency's agreement covers one more place (and count it if so)."""
        agreement = self.agreements.get(agency_id)
        if agreement is None:
            return False
        earned = agreement.free_places
        if earned is not None and self.used[agency_id] >= earned:
            return False
        self.used[agency_id] += 1
        return True


def raise_delegate_charges(*, session: Session, closed_by: "_User | None") -> int:
    """Free places first, then charges, for every attended place of ``session``; audited.

    Called inside the register's close (its transaction). Returns the charges raised.
    """
    if session.starts_at is None:
        return 0
    partnership = session.partnership
    year = financial_year_of(timezone.localtime(session.starts_at).date())
    bookings = list(
        Booking.objects.for_partnership(partnership)
        .filter(session=session, attendance__outcome__in=CHARGED_OUTCOMES, charge__isnull=True)
        .select_related("agency")
        .order_by("id")
    )
    if not bookings:
        return 0
    parts = list(session.parts.order_by("starts_at"))
    ledger = _Ledger(partnership, year, {b.agency_id for b in bookings})
    rates = rates_for_year(partnership, year)
    uses, charges = [], []
    for booking in bookings:
        if booking.agency_id in ledger.exempt:
            continue
        if ledger.draws_free_place(booking.agency_id):
            uses.append(
                FreePlaceUse(
                    partnership=partnership, booking=booking, agency=booking.agency, year=year
                )
            )
            continue
        amount = min(place_price(rates.get(booking.agency.sector), parts), MONEY.maximum)
        if amount > 0:
            charges.append(
                Charge(
                    partnership=partnership,
                    booking=booking,
                    agency=booking.agency,
                    kind=ChargeKind.DELEGATE,
                    amount=amount,
                )
            )
    _save(partnership, closed_by, uses, charges)
    return len(charges)


def _save(
    partnership: Partnership,
    closed_by: "_User | None",
    uses: list[FreePlaceUse],
    charges: list[Charge],
) -> None:
    saved_uses = FreePlaceUse.objects.bulk_create(uses)
    saved_charges = Charge.objects.bulk_create(charges)
    record_events(
        actor=closed_by,
        action=AuditEvent.Action.CREATED,
        partnership=partnership,
        changes=[
            *(
                (use, {"free_place": True, "agency": use.agency.name, "year": use.year})
                for use in saved_uses
            ),
            *(
                (
                    charge,
                    {
                        "kind": ChargeKind.DELEGATE.value,
                        "agency": charge.agency.name,
                        "amount": str(charge.amount),
                    },
                )
                for charge in saved_charges
            ),
        ],
    )
