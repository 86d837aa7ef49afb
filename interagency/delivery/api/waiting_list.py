"""A session's waiting list, for its coordinators."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.delivery.api_schemas import BookingOut
from interagency.delivery.selectors import bookings as booking_reads
from interagency.delivery.selectors.access import SessionAct, session_for
from interagency.tenancy.access import access_for

router = Router()


@router.get(
    "/{code}/sessions/{session_id}/waiting-list",
    response={200: list[BookingOut], **error_responses(400, 401, 403, 404)},
    url_name="waiting-list",
    summary="A session's waiting list, first in line first",
)
@paginate(PageNumberPagination)
def waiting_list(request: HttpRequest, code: str, session_id: int) -> Any:
    """Coordinators see the queue in order; ``waiting_position`` counts from 1."""
    access = access_for(request.user, code, Action.MANAGE_SESSIONS)
    session = session_for(access, session_id, to=SessionAct.MANAGE)
    return booking_reads.waiting_list_with_positions(session)
