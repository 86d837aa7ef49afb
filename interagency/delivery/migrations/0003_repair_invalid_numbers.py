"""Bring stored delivery numbers inside their bounds (audited) before the constraints."""

from decimal import Decimal

from django.db import migrations

from interagency.core.number_repairs import NumberTarget, repairing
from interagency.core.validation import CAPACITY, HOURS, MINUTES, MONEY, ORDER, PLACES, Bound

LOST_AMOUNT = "The amount stored could not be read; it was waived when it was repaired."

TARGETS = (
    NumberTarget("delivery", "DeliverySettings", "offer_hours", Bound(1, 24 * 14)),
    NumberTarget("delivery", "DeliverySettings", "reminder_days", Bound(0, 60)),
    NumberTarget("delivery", "DeliverySettings", "default_no_show_charge", MONEY),
    NumberTarget("delivery", "Session", "capacity", CAPACITY),
    NumberTarget("delivery", "Session", "minimum_numbers", PLACES),
    NumberTarget("delivery", "Session", "regional_places", PLACES),
    NumberTarget("delivery", "Session", "no_show_charge", MONEY),
    NumberTarget("delivery", "SessionPart", "order", ORDER),
    NumberTarget("delivery", "SectorHold", "places", CAPACITY),
    NumberTarget("delivery", "Attendance", "late_minutes", MINUTES),
    # A charge is never zero: one whose amount was lost is kept, waived, for the record.
    NumberTarget(
        "delivery",
        "NoShowCharge",
        "amount",
        Bound(Decimal("0.01"), MONEY.maximum),
        fallback=Decimal("0.01"),
        also_set={"waived": True, "waived_reason": LOST_AMOUNT},
    ),
    NumberTarget("delivery", "Certificate", "hours", HOURS),
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("delivery", "0002_no_show_charge_waiver"),
    ]

    operations = [migrations.RunPython(repairing(*TARGETS), migrations.RunPython.noop)]
