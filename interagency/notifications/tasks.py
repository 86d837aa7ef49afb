"""Sending queued messages, run by ``interagency db_worker``.

Both tasks are idempotent: a message is sent only by the run that claims it.
"""

from django.tasks import task


@task()
def send_outbox_message_task(message_id: int) -> str:
    """Send one outbox message unless it was already sent or is not due; returns its status."""
    from interagency.notifications.sending import send_outbox_message

    return send_outbox_message(message_id)


@task()
def send_pending_mail_task() -> dict[str, int]:
    """Return stale claims to the queue and queue every due message (the periodic safety net)."""
    from interagency.notifications.sending import send_pending_mail

    reaped, queued = send_pending_mail()
    return {"reaped": reaped, "queued": queued}
