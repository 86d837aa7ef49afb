"""Read the audit trail, always within one partnership."""

from typing import TYPE_CHECKING

from interagency.audit.models import AuditEvent, AuditQuerySet

if TYPE_CHECKING:
    from interagency.tenancy.models import Partnership


def audit_events_for(partnership: "Partnership") -> AuditQuerySet:
    """The partnership's trail, newest first."""
    return AuditEvent.objects.for_partnership(partnership)


def audit_event_in(partnership: "Partnership", pk: int) -> AuditEvent:
    """One entry of the partnership's trail; another partnership's entry does not exist."""
    return audit_events_for(partnership).get(pk=pk)
