"""The rules every change to the partnership's money obeys, written once.

An amount is pounds and pence from £0.00 to the bound of ``MONEY``: a negative
one, or one with more than two decimal places, is refused with a message naming
the field (not rounded: a penny the coordinator did not type is not stored).
A closed financial year refuses every change to its lines, entries, agreements
and session costs until a coordinator reopens it with a reason (decision 0032).
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.core.validation import MONEY, YEAR
from interagency.finance.models import ClosedYear
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

PENNY = Decimal("0.01")
REASON_MAX_LENGTH = 300


def financial_year_of(day: datetime.date) -> int:
    """The financial year (by its first year: 1 April to 31 March) ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def year_words(year: int) -> str:
    return f"April {year} to March {year + 1}"


def checked_amount(amount: Decimal | None, *, field: str, label: str) -> None:
    """Refuse ``amount`` (None is "not given", left to the caller) unless it is money."""
    if amount is None:
        return
    if not amount.is_finite():
        raise ServiceError(f"{label} must be an amount in pounds, like 150 or 150.50.", field=field)
    if amount < 0:
        raise ServiceError(
            f"{label} cannot be negative: enter £0.00 or more (money in and out are told "
            "apart by the kind of line, not by a minus sign).",
            field=field,
        )
    if amount != amount.quantize(PENNY):
        raise ServiceError(
            f"{label} must be in pounds and pence, with no more than 2 decimal places.",
            field=field,
        )
    if amount > MONEY.maximum:
        raise ServiceError(
            f"{label} must be between £{MONEY.minimum:,} and £{MONEY.maximum:,}.", field=field
        )


def is_closed(partnership: Partnership | int, year: int) -> bool:
    return ClosedYear.objects.for_partnership(partnership).filter(year=year).exists()


def refuse_if_closed(partnership: Partnership | int, year: int, *, what: str) -> None:
    """Refuse a change to ``what`` of a closed year, saying how to make it."""
    if is_closed(partnership, year):
        raise ServiceError(
            f"The financial year {year_words(year)} is closed, so its {what} cannot be "
            "changed. A coordinator can reopen it, giving a reason, on the budget page.",
            code="year_closed",
        )


def close_year(*, partnership: Partnership, year: int, closed_by: "_User") -> ClosedYear:
    """Close ``year``: its figures stay as reported until it is reopened. Audited."""
    if not YEAR.minimum <= year <= YEAR.maximum:
        raise ServiceError("Choose a financial year from the list.", field="year")
    try:
        with transaction.atomic():
            closed = ClosedYear.objects.create(
                partnership=partnership, year=year, closed_by=closed_by
            )
            record_event(
                actor=closed_by,
                action=AuditEvent.Action.CREATED,
                subject=closed,
                partnership=partnership,
                changes={"year": year, "closed": [False, True]},
            )
    except IntegrityError:
        raise ServiceError(
            f"The financial year {year_words(year)} is already closed.", code="year_closed"
        ) from None
    return closed


def reopen_year(*, partnership: Partnership, year: int, reason: str, reopened_by: "_User") -> None:
    """Reopen a closed ``year`` for changes, saying why. Audited with the reason."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter why the year is reopened.", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(
            f"The reason must be {REASON_MAX_LENGTH} characters or fewer.", field="reason"
        )
    with transaction.atomic():
        closed = ClosedYear.objects.for_partnership(partnership).filter(year=year).first()
        if closed is None:
            raise ServiceError(f"The financial year {year_words(year)} is not closed.")
        record_event(
            actor=reopened_by,
            action=AuditEvent.Action.DELETED,
            subject=closed,
            partnership=partnership,
            changes={"year": year, "closed": [True, False], "reason": reason},
        )
        closed.delete()
