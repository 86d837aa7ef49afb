"""Bring stored headcounts and planned places inside their bounds (audited) before the
constraints."""

from django.db import migrations

from interagency.core.number_repairs import NumberTarget, repairing
from interagency.core.validation import PEOPLE, YEAR

TARGETS = (
    NumberTarget("people", "Headcount", "count", PEOPLE),
    NumberTarget("people", "PlannedPlaces", "year", YEAR, fallback=YEAR.minimum),
    NumberTarget("people", "PlannedPlaces", "places", PEOPLE),
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("people", "0005_import_reading_notes"),
    ]

    operations = [migrations.RunPython(repairing(*TARGETS), migrations.RunPython.noop)]
