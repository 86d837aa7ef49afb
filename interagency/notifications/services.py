"""Writes of the notifications app: queueing emails, retrying failed ones, editing wording.

Call :func:`queue_message` (or :func:`queue_messages` for many people at once)
inside the transaction that makes the change the message reports; the message
is sent by a background task after commit.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.notifications.models import (
    MessageKind,
    MessageTemplate,
    OutboxMessage,
    priority_for,
)
from interagency.notifications.rendering import (
    check_template_source,
    render_messages,
)
from interagency.tenancy.models import Partnership

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One message for :func:`queue_messages`: the arguments of :func:`queue_message`
    that differ from one recipient to the next."""

    to_email: str
    key: str
    context: dict[str, Any] = field(default_factory=dict)
    booking: Any = None
    session: Any = None
    calendar: str = ""
    missing_address: str = ""
    # A source registered with rendering.register_source writes the message when it is
    # sent; ``context`` is then what the source needs (ids, values known now), stored as
    # JSON, and nothing is rendered while the change's transaction holds its locks.
    source: str = ""


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
    notice = Notice(
        to_email=to_email,
        key=key,
        context=context,
        booking=booking,
        session=session,
        calendar=calendar,
        missing_address=missing_address,
    )
    queued = queue_messages(partnership=partnership, kind=kind, notices=[notice])
    return queued[0] if queued else None


def queue_messages(
    *,
    partnership: Partnership,
    kind: MessageKind,
    notices: Sequence[Notice],
    new_keys: bool = False,
) -> list[OutboxMessage]:
    """Store many messages of one kind in the same few queries however many; returns the new.

    The rules of :func:`queue_message` for each notice (a key already queued
    is skipped, no address is FAILED), with the wording read once and the rows
    inserted together: a session's change reaches thirty attendees inside its
    transaction without thirty rounds of queries. Each message gets its own
    sending task after commit.

    ``new_keys``: every key names a row inserted in this transaction (a booking
    just made; primary keys are never reused), so none can be queued yet and the
    insert needs no savepoint: one round trip fewer each way while the caller
    holds its lock.
    """
    fresh = _not_yet_queued(partnership, notices)
    if not fresh:
        return []
    eager = [notice for notice in fresh if not notice.source]
    rendered = dict(
        zip(
            (notice.key for notice in eager),
            render_messages(
                partnership=partnership, kind=kind, contexts=[notice.context for notice in eager]
            )
            if eager
            else [],
            strict=True,
        )
    )
    rows = [
        _outbox_fields(partnership, kind, notice, *rendered.get(notice.key, ("", "")))
        for notice in fresh
    ]
    if new_keys:
        created = OutboxMessage.objects.bulk_create([OutboxMessage(**row) for row in rows])
    else:
        created = _insert_or_find(partnership, rows)
    _enqueue([message.pk for message in created if message.to_email])
    return created


def _insert_or_find(partnership: Partnership, rows: list[dict[str, Any]]) -> list[OutboxMessage]:
    """Insert the rows; the new messages (a key queued meanwhile keeps its first message)."""
    try:
        with transaction.atomic():  # a savepoint: a clash leaves the transaction usable
            return OutboxMessage.objects.bulk_create([OutboxMessage(**row) for row in rows])
    except IntegrityError:
        # A concurrent request queued one of these keys since: one by one, each
        # in its own savepoint, so the other's message is found, not raised.
        created = []
        for row in rows:
            message, was_created = OutboxMessage.objects.for_partnership(partnership).get_or_create(
                key=row.pop("key"), defaults=row
            )
            if was_created:
                created.append(message)
        return created


def _not_yet_queued(partnership: Partnership, notices: Sequence[Notice]) -> list[Notice]:
    """The notices whose key is not queued yet, each key once.

    One notice (a booking's) is not looked up first: its insert finds a clash.
    """
    queued: set[str] = set()
    if len({notice.key for notice in notices}) > 1:
        queued = set(
            OutboxMessage.objects.for_partnership(partnership)
            .filter(key__in={notice.key for notice in notices})
            .values_list("key", flat=True)
        )
    fresh: list[Notice] = []
    for notice in notices:
        if notice.key not in queued:
            queued.add(notice.key)  # the same key twice in one call is one message too
            fresh.append(notice)
    return fresh


def _outbox_fields(
    partnership: Partnership, kind: MessageKind, notice: Notice, subject: str, body: str
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "partnership": partnership,
        "kind": kind,
        "priority": priority_for(kind),
        "key": notice.key,
        "to_email": notice.to_email,
        "subject": subject,
        "body": body,
        "calendar": notice.calendar,
        "source": notice.source,
        "context": notice.context if notice.source else {},
        "booking": notice.booking,
        "session": notice.session,
    }
    if not notice.to_email:
        fields["status"] = OutboxMessage.Status.FAILED
        fields["last_error"] = (
            f"Not sent: {notice.missing_address or 'no email address for the recipient'}."
        )
    return fields


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
    """Raise ``ServiceError`` by field when the wording is not plain text with placeholders."""
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
        raise ServiceError(field_errors=errors)


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

    _enqueue(ids)
    return len(ids)


@transaction.atomic
def save_message_template(
    *, partnership: Partnership, kind: str, subject: str, body: str, changed_by: Any
) -> MessageTemplate:
    """Store the partnership's own wording for ``kind``; refuses tags and unknown placeholders."""
    if kind not in MessageKind.values:
        raise ServiceError(field_errors={"kind": f"{kind!r} is not a kind of message."})
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


def _enqueue(message_ids: list[int]) -> None:
    """Ask for the messages to be sent, with the transaction that stored them.

    One task is enough however many messages: each run sends everything due, in
    batches over one connection. The database task backend (what runs in
    production) stores the task in the same transaction as the messages: both
    commit or neither, and the change's transaction needs no second one afterwards
    (on SQLite another turn at the write lock). Any other backend may run the task
    at once, so it is asked for after commit.
    """
    if not message_ids:
        return
    first = message_ids[0]
    if _tasks_in_this_database():
        _enqueue_now(first)
    else:
        transaction.on_commit(lambda: enqueue_send(first))


def _tasks_in_this_database() -> bool:
    from interagency.notifications.tasks import send_outbox_message_task

    backend = send_outbox_message_task.get_backend()
    return type(backend).__module__.startswith("django_tasks_db") and (
        transaction.get_connection().in_atomic_block
    )


def _enqueue_now(message_id: int) -> None:
    from interagency.notifications.tasks import send_outbox_message_task

    try:
        with transaction.atomic():  # a savepoint: a failure leaves the change's transaction
            send_outbox_message_task.enqueue(message_id)
    except Exception:  # The message is stored; send-pending-mail picks it up.
        logger.exception("Could not queue the sending of message %s", message_id)


def enqueue_send(message_id: int) -> None:
    """Ask the worker to send one message (after the commit that stored it)."""
    from interagency.notifications.tasks import send_outbox_message_task

    try:
        # Its own short transaction: on SQLite a write queues for its turn like any other
        # (core/sqlite_backend) rather than polling for the lock.
        with transaction.atomic():
            send_outbox_message_task.enqueue(message_id)
    except Exception:  # The change is committed; send-pending-mail picks the message up.
        logger.exception("Could not queue the sending of message %s", message_id)
