"""Every write of the regional app: one transaction each, audited."""

from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.regional.models import RegionalMembership, RegionalSharing
from interagency.tenancy.models import Partnership, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


@transaction.atomic
def set_sharing(*, partnership: Partnership, shares: bool, changed_by: "_User | None") -> bool:
    """Share the partnership's aggregates with its region, or stop; True when it changed."""
    sharing, _ = (
        RegionalSharing.objects.for_partnership(partnership)
        .select_for_update()
        .get_or_create(partnership=partnership)
    )
    before = sharing.shares_with_region
    if before == shares:
        return False
    sharing.shares_with_region = shares
    sharing.save()
    record_event(
        actor=changed_by,
        action=AuditEvent.Action.CHANGED,
        subject=sharing,
        changes={"shares_with_region": [before, shares]},
        partnership=partnership,
    )
    return True


@transaction.atomic
def grant_regional_coordinator(
    *, user: "_User", region: Region, granted_by: "_User | None"
) -> RegionalMembership:
    """Make ``user`` a coordinator of ``region`` (again is nothing new), audited."""
    membership, created = RegionalMembership.objects.get_or_create(user=user, region=region)
    if created:
        record_event(
            actor=granted_by,
            action=AuditEvent.Action.CREATED,
            subject=membership,
            changes={"user": [None, user.email], "region": [None, region.code]},
        )
    return membership


@transaction.atomic
def revoke_regional_coordinator(
    *, user: "_User", region: Region, revoked_by: "_User | None"
) -> bool:
    """End ``user``'s coordination of ``region``; True when they held it."""
    membership = RegionalMembership.objects.filter(user=user, region=region).first()
    if membership is None:
        return False
    record_event(
        actor=revoked_by,
        action=AuditEvent.Action.DELETED,
        subject=membership,
        changes={"user": [user.email, None], "region": [region.code, None]},
    )
    membership.delete()
    return True
