"""``interagency send-pending-mail``: the periodic safety net of the email outbox."""

from django.core.management.base import BaseCommand

from interagency.notifications.sending import send_pending_mail


class Command(BaseCommand):
    help = (
        "Return emails whose worker died to the queue and queue every email due for "
        "(another) attempt. Run every few minutes from cron beside the worker."
    )

    def handle(self, *args, **options):
        reaped, queued = send_pending_mail()
        self.stdout.write(
            f"{reaped} stalled email(s) returned to the queue; {queued} email(s) queued to send."
        )
