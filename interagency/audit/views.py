"""The audit trail, for coordinators."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from interagency.audit import selectors
from interagency.audit.models import AuditEvent
from interagency.core.permissions import Action
from interagency.tenancy.access import PartnershipRequest, partnership_view

PAGE_SIZE = 50


@partnership_view(Action.VIEW_AUDIT)
def audit_list(request: PartnershipRequest) -> HttpResponse:
    events = selectors.audit_events_for(request.access.partnership)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page})


@partnership_view(Action.VIEW_AUDIT)
def audit_detail(request: PartnershipRequest, pk: int) -> HttpResponse:
    try:
        event = selectors.audit_event_in(request.access.partnership, pk)
    except AuditEvent.DoesNotExist:
        raise Http404("No such audit entry in this partnership.") from None
    return render(request, "audit/detail.html", {"event": event})
