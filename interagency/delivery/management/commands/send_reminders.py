"""``interagency send-reminders``: queue the reminder emails due before sessions."""

from django.core.management.base import BaseCommand

from interagency.delivery.reminders import queue_reminders


class Command(BaseCommand):
    help = (
        "Queue a reminder for each confirmed booking of a session starting within the "
        "partnership's reminder days. Safe to run often: each booking gets one reminder."
    )

    def handle(self, *args, **options):
        due = queue_reminders()
        self.stdout.write(f"{due} booking(s) due a reminder; each is sent once.")
