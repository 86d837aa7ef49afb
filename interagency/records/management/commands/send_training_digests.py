"""``interagency send-training-digests``: queue the training emails due today."""

from django.core.management.base import BaseCommand

from interagency.records.digests import queue_training_emails


class Command(BaseCommand):
    help = (
        "Queue this month's training digest to each line manager and a reminder to each person "
        "whose required training falls due within a month, for every partnership that sends "
        "them. Safe to run often (daily from cron): each email is queued once."
    )

    def handle(self, *args, **options):
        queued = queue_training_emails()
        self.stdout.write(f"{queued} training email(s) queued.")
