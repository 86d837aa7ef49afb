"""Read the audit trail, always within one partnership."""

from interagency.audit.models import AuditEvent, AuditQuerySet


def audit_events_for(partnership) -> AuditQuerySet:
    """The partnership's trail, newest first."""
    return AuditEvent.objects.for_partnership(partnership)


def audit_event_in(partnership, pk: int) -> AuditEvent:
    """One entry of the partnership's trail; another partnership's entry does not exist."""
    return audit_events_for(partnership).get(pk=pk)
