"""Writes of the notifications app: queueing emails, retrying failed ones, editing wording.

Call :func:`queue_message` inside the transaction that makes the change the
message reports; the message is sent by a background task after commit.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.notifications.rendering import check_template_source, render_message
from interagency.tenancy.models import Partnership

logger = logging.getLogger(__name__)


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
    missing_address: str = "",
) -> OutboxMessage | None:
    """Store one message for sending; returns None when ``key`` was already queued.

    ``key`` names the notice so that queueing it twice keeps one copy, e.g.
    ``f"booking:{booking.pk}:confirmed:{session.sequence}"``. ``context`` holds
    plain strings for the template. ``calendar`` is an iCalendar document to
    attach. Without an address the message is stored as FAILED with
    ``missing_address`` as its error, so the coordinator sees who was not told.
    """
    subject, body = render_message(partnership=partnership, kind=kind, context=context)
    fields: dict[str, Any] = {
        "partnership": partnership,
        "kind": kind,
        "to_email": to_email,
        "subject": subject,
        "body": body,
        "calendar": calendar,
        "booking": booking,
        "session": session,
    }
    if not to_email:
        fields["status"] = OutboxMessage.Status.FAILED
        fields["last_error"] = (
            f"Not sent: {missing_address or 'no email address for the recipient'}."
        )
    # A savepoint: a concurrent insert of the same key is found, not raised.
    message, created = OutboxMessage.objects.for_partnership(partnership).get_or_create(
        key=key, defaults=fields
    )
    if not created:
        return None
    if to_email:
        transaction.on_commit(lambda: enqueue_send(message.pk))
    return message


@transaction.atomic
def retry_message(*, message: OutboxMessage, retried_by: Any) -> bool:
    """Put a failed message back in the queue (attempts start again); False if not failed."""
    changed = (
        OutboxMessage.objects.for_partnership(message.partnership)
        .filter(pk=message.pk, status=OutboxMessage.Status.FAILED)
        .exclude(to_email="")
        .update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=None)
    )
    if not changed:
        return False
    record_event(
        actor=retried_by,
        action=AuditEvent.Action.CHANGED,
        subject=message,
        changes={"status": ["failed", "pending"], "retried": True},
        partnership=message.partnership,
    )
    transaction.on_commit(lambda: enqueue_send(message.pk))
    return True


def check_message_template(*, subject: str, body: str) -> None:
    """Raise ``ValidationError`` by field when the wording is not plain text with placeholders."""
    errors: dict[str, list[str]] = {}
    for name, source in (("subject", subject), ("body", body)):
        if not source.strip():
            errors[name] = [f"Enter the {'message' if name == 'body' else name}."]
            continue
        try:
            check_template_source(source, label="message" if name == "body" else name)
        except ValidationError as error:
            errors[name] = error.messages
    if "\n" in subject.strip() or "\r" in subject:
        errors.setdefault("subject", []).append("The subject must be one line.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def retry_failed_messages(*, partnership: Partnership, retried_by: Any) -> int:
    """Put every failed email of the partnership that has an address back in the queue."""
    failed = (
        OutboxMessage.objects.for_partnership(partnership)
        .filter(status=OutboxMessage.Status.FAILED)
        .exclude(to_email="")
    )
    ids = list(failed.values_list("pk", flat=True))
    if not ids:
        return 0
    OutboxMessage.objects.for_partnership(partnership).filter(
        pk__in=ids, status=OutboxMessage.Status.FAILED
    ).update(status=OutboxMessage.Status.PENDING, attempts=0, next_attempt_at=None)
    record_event(
        actor=retried_by,
        action=AuditEvent.Action.CHANGED,
        subject=partnership,
        changes={"failed_emails_retried": len(ids)},
        partnership=partnership,
    )

    def enqueue_all() -> None:
        for message_id in ids:
            enqueue_send(message_id)

    transaction.on_commit(enqueue_all)
    return len(ids)


@transaction.atomic
def save_message_template(
    *, partnership: Partnership, kind: str, subject: str, body: str, changed_by: Any
) -> MessageTemplate:
    """Store the partnership's own wording for ``kind``; refuses tags and unknown placeholders."""
    if kind not in MessageKind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of message."})
    check_message_template(subject=subject, body=body)
    template = (
        MessageTemplate.objects.for_partnership(partnership)
        .select_for_update()
        .filter(kind=kind)
        .first()
    )
    before = (template.subject, template.body) if template else None
    if template is None:
        template = MessageTemplate.objects.create(
            partnership=partnership, kind=kind, subject=subject.strip(), body=body
        )
    else:
        template.subject = subject.strip()
        template.body = body
        template.save(update_fields=["subject", "body", "updated_at"])
    record_event(
        actor=changed_by,
        action=AuditEvent.Action.CREATED if before is None else AuditEvent.Action.CHANGED,
        subject=template,
        changes={"subject": [before[0] if before else None, template.subject]},
        partnership=partnership,
    )
    return template


@transaction.atomic
def reset_message_template(*, partnership: Partnership, kind: str, changed_by: Any) -> bool:
    """Go back to the default wording for ``kind``; False when there was no own wording."""
    template = MessageTemplate.objects.for_partnership(partnership).filter(kind=kind).first()
    if template is None:
        return False
    record_event(
        actor=changed_by,
        action=AuditEvent.Action.DELETED,
        subject=template,
        changes={"subject": [template.subject, None]},
        partnership=partnership,
    )
    template.delete()
    return True


def enqueue_send(message_id: int) -> None:
    """Ask the worker to send one message (after the commit that stored it)."""
    from interagency.notifications.tasks import send_outbox_message_task

    try:
        send_outbox_message_task.enqueue(message_id)
    except Exception:  # The change is committed; send-pending-mail picks the message up.
        logger.exception("Could not queue the sending of message %s", message_id)
