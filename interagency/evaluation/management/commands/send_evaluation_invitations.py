"""``interagency send-evaluation-invitations``: queue the follow-up questionnaires due now."""

from django.core.management.base import BaseCommand

from interagency.evaluation.invitations import queue_follow_ups


class Command(BaseCommand):
    help = (
        "Queue each evaluation follow-up's invitations (to learners and, where the wave asks, "
        "their line managers) and its reminders. Safe to run often: each letter is queued once."
    )

    def handle(self, *args, **options):
        queued = queue_follow_ups()
        self.stdout.write(f"{queued} evaluation letter(s) queued.")
