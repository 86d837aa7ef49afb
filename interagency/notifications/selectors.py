"""Reads of the notifications app, scoped to one partnership."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.notifications.rendering import DEFAULTS
from interagency.tenancy.models import Partnership


def outbox_messages(
    partnership: Partnership, *, status: str = "", kind: str = ""
) -> QuerySet[OutboxMessage]:
    """The partnership's emails, newest first, optionally of one status and kind."""
    messages = OutboxMessage.objects.for_partnership(partnership).defer("calendar")
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    return messages.order_by("-created_at", "-id")


def outbox_counts(partnership: Partnership) -> dict[str, int]:
    """How many of the partnership's emails are in each status (every status present)."""
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    rows = (
        OutboxMessage.objects.for_partnership(partnership)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for status, n in rows:
        counts[status] = n
    return counts


def outbox_message(partnership: Partnership, message_id: int) -> OutboxMessage:
    """One of the partnership's emails; raises ``OutboxMessage.DoesNotExist`` otherwise."""
    return OutboxMessage.objects.for_partnership(partnership).get(pk=message_id)


@dataclass(frozen=True)
class TemplateRow:
    kind: str
    label: str
    subject: str
    body: str
    is_own: bool


def message_templates(partnership: Partnership) -> list[TemplateRow]:
    """Every kind of message with the wording in use: the partnership's own or the default."""
    own = {
        template.kind: template for template in MessageTemplate.objects.for_partnership(partnership)
    }
    rows = []
    for kind in MessageKind:
        template = own.get(kind.value)
        subject, body = (template.subject, template.body) if template else DEFAULTS[kind]
        rows.append(TemplateRow(kind.value, kind.label, subject, body, template is not None))
    return rows


def message_template(partnership: Partnership, kind: str) -> TemplateRow:
    """The wording in use for ``kind``; raises ``KeyError`` for a kind that does not exist."""
    if kind not in MessageKind.values:
        raise KeyError(kind)
    template = MessageTemplate.objects.for_partnership(partnership).filter(kind=kind).first()
    subject, body = (template.subject, template.body) if template else DEFAULTS[kind]
    return TemplateRow(kind, MessageKind(kind).label, subject, body, template is not None)


def calendars_sent_for(partnership: Partnership, bookings: Sequence[Any]) -> dict[int, list[str]]:
    """Every calendar document queued for each of the partnership's ``bookings``, oldest
    first (what each person's calendar holds), in one query whatever the bookings."""
    sent: dict[int, list[str]] = {booking.pk: [] for booking in bookings}
    if not sent:
        return sent
    rows = (
        OutboxMessage.objects.for_partnership(partnership)
        .filter(booking_id__in=sent.keys())
        .exclude(calendar="")
        .order_by("created_at", "pk")
        .values_list("booking_id", "calendar")
    )
    for booking_id, document in rows:
        sent[booking_id].append(document)
    return sent
