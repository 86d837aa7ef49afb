"""The trainer's start page: the sessions they deliver, and the registers to take.

Needs ``Action.TAKE_REGISTER``; lists only sessions with a ``SessionTrainer``
row for the signed-in member, so a coordinator who also trains sees their own
sessions here (and every register on the registers page).
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interagency.core.permissions import Action
from interagency.delivery.selectors.registers import sessions_delivered_by
from interagency.delivery.selectors.sessions import london_midnight
from interagency.tenancy.access import PartnershipRequest, partnership_view


@require_GET
@partnership_view(Action.TAKE_REGISTER)
def my_sessions(request: PartnershipRequest) -> HttpResponse:
    """Registers still open, today's sessions and the coming ones, each with its register."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    found = sessions_delivered_by(
        request.access.partnership,
        request.user,
        now=timezone.now(),
        today_ends=london_midnight(tomorrow),
    )
    return render(request, "delivery/mine/my_sessions.html", found)
