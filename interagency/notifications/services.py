"""Queueing emails. Every notice is written to the outbox in the caller's transaction.

Call :func:`queue_message` inside the transaction that makes the change the
message reports; the message is sent by a background task after commit.
"""

from typing import Any

from django.db import transaction

from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.rendering import render_message
from interagency.tenancy.models import Partnership


def queue_message(
    *,
    partnership: Partnership,
    kind: MessageKind,
    to_email: str,
    context: dict[str, Any],
    key: str,
    booking: Any = None,
    session: Any = None,
    calendar: str = "",
) -> OutboxMessage | None:
    """Store one message for sending; returns None when ``key`` was already queued.

    ``key`` names the notice so that queueing it twice keeps one copy, e.g.
    ``f"booking:{booking.pk}:confirmed"``. ``context`` holds plain strings
    for the template. ``calendar`` is an iCalendar document to attach.
    """
    if not to_email:
        return None
    subject, body = render_message(partnership=partnership, kind=kind, context=context)
    message, created = OutboxMessage.objects.for_partnership(partnership).get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to_email": to_email,
            "subject": subject,
            "body": body,
            "calendar": calendar,
            "booking": booking,
            "session": session,
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue_send(message.pk))
    return message


def _enqueue_send(message_id: int) -> None:
    from interagency.notifications.tasks import send_outbox_message_task

    send_outbox_message_task.enqueue(message_id)
