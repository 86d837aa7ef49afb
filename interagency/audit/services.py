"""Write audit entries. Every service that changes personal data calls one of these."""

from typing import Any

from django.db import models

from interagency.audit.models import AuditEvent

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


def diff(before: dict[str, Any], after: dict[str, Any], *, redact: frozenset[str] = frozenset()):
    """``{field: [old, new]}`` for the fields whose value changed."""
    changes = {}
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [REDACTED, REDACTED] if name in redact else [old, new]
    return changes


def record_event(
    *,
    actor,
    action: AuditEvent.Action,
    subject: models.Model,
    changes: dict[str, Any] | None = None,
    partnership=None,
) -> AuditEvent:
    """Append one entry: ``actor`` did ``action`` to ``subject``."""
    return AuditEvent.objects.create(
        partnership=partnership,
        actor_user_id=actor.pk if actor is not None and actor.is_authenticated else None,
        actor_label=getattr(actor, "email", "") or "system",
        action=action,
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:254],
        changes=changes or {},
    )
