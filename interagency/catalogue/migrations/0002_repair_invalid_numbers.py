"""Bring stored catalogue numbers inside their bounds (audited) before the constraints."""

from decimal import Decimal

from django.db import migrations

from interagency.core.number_repairs import NumberTarget, repairing
from interagency.core.validation import HOURS, MONTHS, ORDER, Bound

TARGETS = (
    NumberTarget("catalogue", "CompetenceFramework", "period_months", MONTHS),
    NumberTarget("catalogue", "Tier", "order", ORDER),
    NumberTarget("catalogue", "Tier", "hours_per_period", HOURS),
    NumberTarget("catalogue", "Tier", "hours_per_period_max", HOURS),
    NumberTarget(
        "catalogue",
        "Course",
        "duration_hours",
        Bound(Decimal("0.5"), HOURS.maximum),
        fallback=Decimal("0.5"),
    ),
    NumberTarget("catalogue", "Course", "refresh_months", MONTHS),
    NumberTarget("catalogue", "Pathway", "window_months", MONTHS),
    NumberTarget("catalogue", "Pathway", "hours_per_period", HOURS),
    NumberTarget("catalogue", "Pathway", "period_months", MONTHS),
    NumberTarget("catalogue", "PathwayItem", "repeat_every_months", MONTHS),
    NumberTarget("catalogue", "PathwayItem", "order", ORDER),
    NumberTarget("catalogue", "CourseTailoring", "local_duration_hours", HOURS),
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(repairing(*TARGETS), migrations.RunPython.noop)]
