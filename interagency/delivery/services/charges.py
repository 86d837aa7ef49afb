"""Waive a no-show charge the partnership would otherwise invoice to an agency.

Charges are made by closing a register (``services.attendance.close_register``);
a coordinator waives one when the agency should not pay, for example when the
person gave notice the trainer did not record. A waiver is final and made once:
it is claimed by a conditional UPDATE, so two coordinators waiving the same
charge at the same moment make one waiver and one audit entry.
"""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.dates import govuk_date
from interagency.core.errors import ServiceError
from interagency.delivery.models import Charge

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

REASON_MAX_LENGTH = Charge._meta.get_field("waived_reason").max_length or 300


def waive_charge(*, charge: Charge, waived_by: "_User", reason: str) -> Charge:
    """Waive ``charge`` with the coordinator's reason; audited. Refuses a second waiver."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Enter why the charge is waived.", field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ServiceError(
            f"The reason must be {REASON_MAX_LENGTH} characters or fewer.", field="reason"
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Charge.objects.for_partnership(charge.partnership)
            .filter(pk=charge.pk, waived=False)
            .update(waived=True, waived_reason=reason, waived_at=now, waived_by=waived_by)
        )
        charge.refresh_from_db()
        if not claimed:
            when = govuk_date(charge.waived_at) if charge.waived_at else ""
            raise ServiceError(
                f"This charge was already waived{f' on {when}' if when else ''}: "
                f"{charge.waived_reason or 'no reason recorded'}."
            )
        record_event(
            actor=waived_by,
            action=AuditEvent.Action.CHANGED,
            subject=charge,
            partnership=charge.partnership,
            changes={
                "waived": [False, True],
                "reason": reason,
                "agency": charge.agency.name,
                "amount": str(charge.amount),
            },
        )
    return charge
