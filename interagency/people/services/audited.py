"""Saving agencies and people, which are personal data: each change is audited.

The shared steps of ``agencies`` and ``people``: refuse fields a service does
not take, and save a record with a before/after diff in the audit trail.
"""

from typing import TYPE_CHECKING

from django.db import models, transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.tenancy.models import Partnership


def refuse_unknown(fields: dict, allowed: frozenset[str] | set[str], noun: str) -> None:
    """A caller's mistake, not a person's: fields that are not the record's."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {noun} fields: {sorted(unknown)}")


def save_audited(
    instance: models.Model,
    *,
    actor: "_User",
    audited_fields: list[str],
    before: dict,
    partnership: "Partnership",
) -> None:
    """Save ``instance`` and audit what changed in ``audited_fields`` (created or changed).

    An existing record whose audited fields did not change is not saved again.
    """
    creating = instance.pk is None
    changes = diff(before, snapshot(instance, audited_fields))
    if not creating and not changes:
        return
    with transaction.atomic():
        instance.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATED if creating else AuditEvent.Action.CHANGED,
            subject=instance,
            changes=changes,
            partnership=partnership,
        )
