"""Partner agreements: what each agency contributes to a financial year, and what it earns.

A contribution is money, trainer days and venue days (the days valued at the
partnership's rates when saved, decision 0031); it earns free places for the
agency's staff (so many per trainer day, per venue day, or one per sum of money
given) or free attendance for a contributing partner. One agreement per agency
and year; every change one transaction, audited; a closed year refuses them.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.core.validation import MONEY
from interagency.finance.models import FreePlaces, PartnerAgreement
from interagency.finance.rules import checked_amount, refuse_if_closed
from interagency.finance.services import in_kind_value, rates_of
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.people.models import Agency

# The fields an agreement's audit entries compare.
AUDITED = (
    "agency_id",
    "amount",
    "trainer_days",
    "venue_days",
    "in_kind_value",
    "earns",
    "places_per_day",
    "pounds_per_place",
    "note",
)


@dataclass(frozen=True)
class Terms:
    """What an agreement says: the contribution and what it earns."""

    agency: "Agency"
    amount: Decimal = Decimal("0.00")
    trainer_days: Decimal = Decimal("0.0")
    venue_days: Decimal = Decimal("0.0")
    earns: str = FreePlaces.NONE
    places_per_day: int | None = None
    pounds_per_place: Decimal | None = None
    note: str = ""


def _check(partnership: Partnership, year: int, terms: Terms) -> None:
    checked_amount(terms.amount, field="amount", label="The contribution in money")
    checked_amount(terms.pounds_per_place, field="pounds_per_place", label="Pounds per free place")
    if terms.agency.partnership_id != partnership.pk:
        raise ServiceError("Choose one of the partnership's agencies.", field="agency")
    per_day = (FreePlaces.PER_TRAINER_DAY, FreePlaces.PER_VENUE_DAY)
    if terms.earns in per_day and not terms.places_per_day:
        raise ServiceError(
            "Enter how many free places each day given earns.", field="places_per_day"
        )
    if terms.earns == FreePlaces.PER_POUNDS and not terms.pounds_per_place:
        raise ServiceError(
            "Enter how much money earns one free place, more than £0.", field="pounds_per_place"
        )
    refuse_if_closed(partnership, year, what="partner agreements")


def _valued(partnership: Partnership, terms: Terms) -> Decimal:
    rates = rates_of(partnership)
    value = in_kind_value(terms.trainer_days, rates.trainer_day_rate, field="trainer_days")
    value += in_kind_value(terms.venue_days, rates.venue_day_rate, field="venue_days")
    if value > MONEY.maximum:
        raise ServiceError(
            f"The days given are worth more than £{MONEY.maximum:,}: record them as money.",
            field="trainer_days",
        )
    return value


def _snapshot(agreement: PartnerAgreement) -> dict[str, object]:
    return {
        name: (str(value) if isinstance(value, Decimal) else value)
        for name in AUDITED
        for value in [getattr(agreement, name)]
    }


def _apply(agreement: PartnerAgreement, terms: Terms, value: Decimal) -> None:
    agreement.agency = terms.agency
    agreement.amount, agreement.in_kind_value = terms.amount, value
    agreement.trainer_days, agreement.venue_days = terms.trainer_days, terms.venue_days
    agreement.earns, agreement.note = terms.earns, terms.note
    per_day = terms.earns in (FreePlaces.PER_TRAINER_DAY, FreePlaces.PER_VENUE_DAY)
    agreement.places_per_day = terms.places_per_day if per_day else None
    per_pounds = terms.earns == FreePlaces.PER_POUNDS
    agreement.pounds_per_place = terms.pounds_per_place if per_pounds else None


def _refuse_a_second(partnership: Partnership, year: int, terms: Terms, pk: int | None) -> None:
    others = PartnerAgreement.objects.for_partnership(partnership).filter(
        year=year, agency=terms.agency
    )
    if others.exclude(pk=pk).exists():
        raise ServiceError(
            f"{terms.agency.name} already has an agreement for this year: change that one.",
            field="agency",
        )


def add_agreement(
    *, partnership: Partnership, year: int, terms: Terms, added_by: "_User"
) -> PartnerAgreement:
    """Record an agency's contribution to ``year`` and what it earns."""
    _check(partnership, year, terms)
    agreement = PartnerAgreement(partnership=partnership, year=year, updated_by=added_by)
    _apply(agreement, terms, _valued(partnership, terms))
    agreement.full_clean(exclude=["agency", "updated_by"])
    with transaction.atomic():
        _refuse_a_second(partnership, year, terms, None)
        agreement.save()
        record_event(
            actor=added_by,
            action=AuditEvent.Action.CREATED,
            subject=agreement,
            partnership=partnership,
            changes={"year": year, **_snapshot(agreement)},
        )
    return agreement


def change_agreement(
    *, agreement: PartnerAgreement, terms: Terms, changed_by: "_User"
) -> PartnerAgreement:
    """Change an agreement's contribution or what it earns; days are valued again now."""
    partnership = agreement.partnership
    _check(partnership, agreement.year, terms)
    before = _snapshot(agreement)
    _apply(agreement, terms, _valued(partnership, terms))
    agreement.updated_by = changed_by
    agreement.full_clean(exclude=["agency", "updated_by"])
    after = _snapshot(agreement)
    with transaction.atomic():
        _refuse_a_second(partnership, agreement.year, terms, agreement.pk)
        agreement.save()
        record_event(
            actor=changed_by,
            action=AuditEvent.Action.CHANGED,
            subject=agreement,
            partnership=partnership,
            changes={k: [before[k], after[k]] for k in AUDITED if before[k] != after[k]},
        )
    return agreement


def remove_agreement(*, agreement: PartnerAgreement, removed_by: "_User") -> None:
    """Remove an agreement; free places it already gave stay given. Audited."""
    refuse_if_closed(agreement.partnership_id, agreement.year, what="partner agreements")
    with transaction.atomic():
        record_event(
            actor=removed_by,
            action=AuditEvent.Action.DELETED,
            subject=agreement,
            partnership=agreement.partnership,
            changes={"year": agreement.year, **_snapshot(agreement)},
        )
        agreement.delete()
