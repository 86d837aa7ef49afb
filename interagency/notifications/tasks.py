"""Sending queued messages, run by ``interagency db_worker``."""

from django.tasks import task


@task()
def send_outbox_message_task(message_id: int) -> str:
    """Send one outbox message unless it was already sent; returns its status."""
    from interagency.notifications.sending import send_outbox_message

    return send_outbox_message(message_id)
