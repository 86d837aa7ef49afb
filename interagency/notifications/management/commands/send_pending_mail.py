"""``interagency send-pending-mail``: the periodic safety net of the email outbox."""

from django.core.management.base import BaseCommand

from interagency.notifications.sending import send_due_messages, send_pending_mail


class Command(BaseCommand):
    help = (
        "Return emails whose worker died to the queue and queue every email due for "
        "(another) attempt. Run every few minutes from cron beside the worker. With "
        "--send, send them from this process instead of queueing them for the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send",
            action="store_true",
            help="send every due email now, highest priority first, in batches over one "
            "connection to the mail server (also those a killed worker left once its "
            "lease has passed)",
        )

    def handle(self, *args, **options):
        if options["send"]:
            from interagency.notifications.sending import reap_stale_claims

            reaped = reap_stale_claims()
            sent = send_due_messages()
            self.stdout.write(
                f"{reaped} stalled email(s) returned to the queue; {sent} email(s) sent."
            )
            return
        reaped, queued = send_pending_mail()
        self.stdout.write(
            f"{reaped} stalled email(s) returned to the queue; {queued} email(s) queued to send."
        )
