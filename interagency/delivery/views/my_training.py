"""The learner's "My training": their pathway's progress and what to book next.

Everyone may open it (``Action.VIEW_RECORDS``); it shows only the signed-in
member's own person records in the partnership of the address, so there is
nobody else's training to reach. Booking is the session's own Book action
(``sessions:book``), posted from here.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interagency.core.permissions import Action
from interagency.delivery.selectors.my_training import learner_training
from interagency.tenancy.access import PartnershipRequest, partnership_view


@require_GET
@partnership_view(Action.VIEW_RECORDS)
def my_training(request: PartnershipRequest) -> HttpResponse:
    """Done, booked, due and overdue courses of the learner's role(s), coming dates to book
    the ones still to do, their training records and certificates."""
    found = learner_training(
        request.access.partnership,
        request.user,
        today=timezone.localdate(),
        now=timezone.now(),
    )
    return render(request, "delivery/mine/my_training.html", {"found": found})
