"""Write training records. A record from a register is made when the register closes."""

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.records.models import TrainingRecord
from interagency.records.services.recording import new_record

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


def record_session_completion(
    *,
    booking: Any,  # delivery's Booking: delivery sits above records
    completed_on: date,
    hours: Decimal,
    partly_completed: bool,
    recorded_by: "_User",
) -> TrainingRecord:
    """The training record of one booking whose attendance was taken (once per booking).

    The record belongs to the person's own partnership, so a learner who came
    from another partnership of the region finds it among their own records.
    Calling it again for the same booking returns the record already made.
    """
    with transaction.atomic():
        existing = (
            TrainingRecord.objects.for_partnership(booking.person.partnership)
            .filter(booking=booking)
            .first()
        )
        if existing is not None:
            return existing
        record = new_record(
            person=booking.person,
            course=booking.session.course,
            completed_on=completed_on,
            hours=hours,
            source=TrainingRecord.Source.SESSION,
            # The partnership's sessions bring several agencies' staff together.
            inter_agency=True,
            recorded_by=recorded_by,
            booking=booking,
            partly_completed=partly_completed,
        )
        record.save(force_insert=True)
        record_event(
            actor=recorded_by,
            action=AuditEvent.Action.CREATED,
            subject=record,
            partnership=record.partnership,
            changes={
                "completed_on": completed_on.isoformat(),
                "hours": str(hours),
                "partly_completed": partly_completed,
            },
        )
        return record
