"""Change memberships. Every change is audited: roles decide who sees personal data."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.permissions import Role
from interagency.tenancy.models import Membership, Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


@transaction.atomic
def set_member_roles(
    *, partnership: Partnership, user: "_User", roles: Iterable[str], changed_by: "_User"
) -> None:
    """Give ``user`` exactly ``roles`` in ``partnership``, auditing what changed.

    Removing every role ends the membership.
    """
    wanted = {Role(role) for role in roles}
    current = {
        Role(role)
        for role in Membership.objects.for_partnership(partnership)
        .filter(user=user)
        .values_list("role", flat=True)
    }
    added, removed = wanted - current, current - wanted
    if not added and not removed:
        return
    Membership.objects.bulk_create(
        [Membership(partnership=partnership, user=user, role=role) for role in sorted(added)]
    )
    Membership.objects.for_partnership(partnership).filter(user=user, role__in=removed).delete()
    if not current:
        action = AuditEvent.Action.CREATED
    elif not wanted:
        action = AuditEvent.Action.DELETED
    else:
        action = AuditEvent.Action.CHANGED
    record_event(
        actor=changed_by,
        action=action,
        subject=user,
        partnership=partnership,
        changes={"roles": [sorted(current), sorted(wanted)]},
    )


TRAINING_EMAIL_SWITCHES = ("sends_manager_digests", "sends_training_reminders")


@transaction.atomic
def set_training_emails(
    *, partnership: Partnership, switched_on: Iterable[str], changed_by: "_User"
) -> None:
    """Switch the partnership's training emails on or off (those named are on), audited."""
    wanted = set(switched_on)
    unknown = wanted - set(TRAINING_EMAIL_SWITCHES)
    if unknown:
        raise ValueError(f"Not a training email: {', '.join(sorted(unknown))}.")
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    changes = {
        name: [getattr(current, name), name in wanted]
        for name in TRAINING_EMAIL_SWITCHES
        if getattr(current, name) != (name in wanted)
    }
    if not changes:
        return
    Partnership.objects.filter(pk=partnership.pk).update(
        **{name: values[1] for name, values in changes.items()}
    )
    for name, values in changes.items():
        setattr(partnership, name, values[1])
    record_event(
        actor=changed_by,
        action=AuditEvent.Action.CHANGED,
        subject=partnership,
        changes=changes,
        partnership=partnership,
    )
