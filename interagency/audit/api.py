"""A partnership's audit trail, for those whose roles may view it."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from interagency.audit import selectors
from interagency.audit.models import AuditEvent, AuditQuerySet
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.tenancy.access import access_for

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: AuditEvent.Action
    subject_type: str
    subject_id: str
    subject_label: str
    changes: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        # The label stays when the actor's account is gone.
        return obj.actor_label


@router.get(
    "/{code}/audit-events",
    response={200: list[AuditEventOut], **error_responses(400, 401, 403, 404)},
    url_name="audit-event-list",
    summary="Audit trail",
)
@paginate(PageNumberPagination)
def audit_event_list(request: HttpRequest, code: str) -> AuditQuerySet:
    """Changes to personal data in the partnership, newest first."""
    access = access_for(request.user, code, Action.VIEW_AUDIT)
    return selectors.audit_events_for(access.partnership)


@router.get(
    "/{code}/audit-events/{event_id}",
    response={200: AuditEventOut, **error_responses(400, 401, 403, 404)},
    url_name="audit-event-detail",
    summary="One audit entry",
)
def audit_event_detail(request: HttpRequest, code: str, event_id: int) -> AuditEvent:
    """One entry of the partnership's trail; another partnership's entry answers 404."""
    access = access_for(request.user, code, Action.VIEW_AUDIT)
    return selectors.audit_event_in(access.partnership, event_id)
