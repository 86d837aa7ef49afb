"""Sending queued messages, run by ``interagency db_worker``.

Both tasks are idempotent: a message is sent only by the run that claims it.
"""

from django.tasks import task


@task()
def send_outbox_message_task(message_id: int) -> str:
    """Send what is due, highest priority first (this message among them); its status after.

    Queued once per message, but each run sends everything due in batches over
    one mail connection, so the runs queued behind it find their messages sent
    and return at once, and an offer queued meanwhile overtakes confirmations.
    """
    from interagency.notifications.sending import send_due_messages, send_outbox_message

    send_due_messages()
    # Not due yet (waiting for its backoff) or already sent: the claim lets nothing through.
    return send_outbox_message(message_id)


@task()
def send_pending_mail_task() -> dict[str, int]:
    """Return stale claims to the queue and queue every due message (the periodic safety net)."""
    from interagency.notifications.sending import send_pending_mail

    reaped, queued = send_pending_mail()
    return {"reaped": reaped, "queued": queued}
