"""Write audit entries. Every service that changes personal data calls one of these."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models

from interagency.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

    from interagency.tenancy.models import Partnership

# Free-text fields may mention children: the trail records that they changed,
# never what they said.
REDACTED = "(changed)"


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of ``instance`` as plain JSON values."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        values[name] = value if isinstance(value, str | int | float | bool | None) else str(value)
    return values


def diff(
    before: dict[str, Any], after: dict[str, Any], *, redact: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    changes: dict[str, list[Any]] = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [REDACTED, REDACTED] if name in redact else [old, new]
    return changes


def _event(
    *,
    actor: "_AnyUser | None",
    action: AuditEvent.Action,
    subject: models.Model,
    changes: dict[str, Any] | None,
    partnership: "Partnership | None",
) -> AuditEvent:
    return AuditEvent(
        partnership=partnership,
        actor_user_id=actor.pk if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "email", "") or "system",
        action=action,
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:254],
        changes=changes or {},
    )


def record_event(
    *,
    actor: "_AnyUser | None",
    action: AuditEvent.Action,
    subject: models.Model,
    changes: dict[str, Any] | None = None,
    partnership: "Partnership | None" = None,
) -> AuditEvent:
    """Append one entry: ``actor`` did ``action`` to ``subject``."""
    event = _event(
        actor=actor, action=action, subject=subject, changes=changes, partnership=partnership
    )
    event.save(force_insert=True)
    return event


def record_events(
    *,
    actor: "_AnyUser | None",
    action: AuditEvent.Action,
    changes: Iterable[tuple[models.Model, dict[str, Any] | None]],
    partnership: "Partnership | None" = None,
) -> list[AuditEvent]:
    """Append one entry per ``(subject, changes)`` in one insert: one act on many subjects.

    The rows are those :func:`record_event` writes one at a time.
    """
    return AuditEvent.objects.bulk_create(
        _event(
            actor=actor,
            action=action,
            subject=subject,
            changes=subject_changes,
            partnership=partnership,
        )
        for subject, subject_changes in changes
    )
