"""Bring stored training record hours inside their bounds (audited) before the constraint."""

from django.db import migrations

from interagency.core.number_repairs import NumberTarget, repairing
from interagency.core.validation import HOURS

TARGETS = (NumberTarget("records", "TrainingRecord", "hours", HOURS),)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("records", "0001_initial"),
    ]

    operations = [migrations.RunPython(repairing(*TARGETS), migrations.RunPython.noop)]
