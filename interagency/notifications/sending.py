"""Sending one outbox message at most once per claim.

The sender claims a pending message with a conditional UPDATE; only the
claimant sends. A worker that dies after sending and before marking leaves
the message SENDING; the reaper returns it to PENDING after a while, which
can cause one duplicate, never a loss.
"""

from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from interagency.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5


def send_outbox_message(message_id: int) -> str:
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING
    ).update(
        status=OutboxMessage.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    message = OutboxMessage.objects.get(pk=message_id)
    if not claimed:
        return message.status
    email = EmailMessage(subject=message.subject, body=message.body, to=[message.to_email])
    if message.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        email.attach("invite.ics", message.calendar, f"text/calendar; method={method}")
    try:
        email.send()
    except Exception as error:  # Any failure of the mail server: keep the message, retry.
        status = (
            OutboxMessage.Status.FAILED
            if message.attempts >= MAX_ATTEMPTS
            else OutboxMessage.Status.PENDING
        )
        OutboxMessage.objects.filter(pk=message_id).update(
            status=status, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        return status
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutboxMessage.Status.SENT
