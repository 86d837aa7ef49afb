"""The coordinator's to-do list: what is waiting for them, counted, each with its page.

The start page shows it first, so a coordinator sees the day's work without
opening every area. Each item is one count read by one query (five in all,
whatever the number of sessions, bookings or imports), and links to the page
where the work is done. An item with nothing waiting is still listed, as
"none", so the list reads the same every day.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.urls import reverse

from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.delivery.selectors.bookings import awaiting_approval
from interagency.delivery.selectors.mix import AT_RISK_WINDOW
from interagency.delivery.selectors.sessions import sessions_of
from interagency.people.models import PeopleImport
from interagency.people.selectors import people_imports
from interagency.records.selectors.declarations import awaiting_decision_count
from interagency.tenancy.access import PartnershipAccess

# A waiting-list offer expiring within this is "about to expire".
OFFER_EXPIRY_WINDOW = datetime.timedelta(hours=24)
# A failed import, or one that left rows out, stays on the list this long.
IMPORT_PROBLEM_WINDOW = datetime.timedelta(days=30)


@dataclass(frozen=True)
class ToDo:
    """One line of the to-do list: how many, what, and where to act on them."""

    key: str
    count: int
    label: str
    href: str


def approvals_waiting(access: PartnershipAccess, now: datetime.datetime) -> list[ToDo]:
    """Bookings waiting for the coordinator's approval (as the approvals page lists them)."""
    count = awaiting_approval(access.partnership, access.user, access.roles).count()
    href = reverse("sessions:approvals", kwargs={"code": access.partnership.code})
    return [ToDo("approvals", count, "bookings waiting for approval", href)]


def session_problems(access: PartnershipAccess, now: datetime.datetime) -> list[ToDo]:
    """Registers still open after their session ended, and sessions starting within a week
    with fewer bookings than their minimum numbers: one query for both."""
    counts = sessions_of(access.partnership).aggregate(
        to_close=Count("pk", filter=Q(status=Session.Status.SCHEDULED, ends_at__lt=now)),
        under_minimum=Count(
            "pk",
            filter=Q(
                status=Session.Status.SCHEDULED,
                starts_at__gte=now,
                starts_at__lte=now + AT_RISK_WINDOW,
                places_taken__lt=F("minimum_numbers"),
            ),
        ),
    )
    code = access.partnership.code
    return [
        ToDo(
            "registers",
            counts["to_close"],
            "registers not closed after the session ended",
            reverse("sessions:registers", kwargs={"code": code}),
        ),
        ToDo(
            "under_minimum",
            counts["under_minimum"],
            "sessions starting within a week under their minimum numbers",
            reverse("sessions:index", kwargs={"code": code}),
        ),
    ]


def offers_expiring(access: PartnershipAccess, now: datetime.datetime) -> list[ToDo]:
    """Waiting-list offers nobody has answered that expire within a day."""
    count = (
        Booking.objects.for_partnership(access.partnership)
        .filter(
            status=BookingStatus.OFFERED,
            offer_expires_at__gt=now,
            offer_expires_at__lte=now + OFFER_EXPIRY_WINDOW,
        )
        .count()
    )
    href = reverse("sessions:index", kwargs={"code": access.partnership.code})
    return [ToDo("offers", count, "waiting-list offers expiring within a day", href)]


def imports_with_errors(access: PartnershipAccess, now: datetime.datetime) -> list[ToDo]:
    """Staff-list imports of the last 30 days that failed or left rows out."""
    count = (
        people_imports(access.partnership, access.user, access.roles)
        .filter(uploaded_at__gte=now - IMPORT_PROBLEM_WINDOW)
        .filter(
            Q(status=PeopleImport.Status.FAILED)
            | Q(status=PeopleImport.Status.APPLIED, rejected__gt=0)
        )
        .count()
    )
    href = reverse("people:imports", kwargs={"code": access.partnership.code})
    return [ToDo("imports", count, "staff-list imports that failed or left rows out", href)]


def declarations_to_approve(access: PartnershipAccess, now: datetime.datetime) -> list[ToDo]:
    """Training done elsewhere that learners declared, waiting for this member's decision."""
    count = awaiting_decision_count(access.partnership, access.user.pk, access.roles)
    href = reverse("records:declarations", kwargs={"code": access.partnership.code})
    return [ToDo("declarations", count, "declarations of training waiting for approval", href)]


ToDoItems = Callable[[PartnershipAccess, datetime.datetime], list[ToDo]]

# The to-do list's lines, in the order shown. Each reads with a fixed number of queries.
COORDINATOR_TO_DO: tuple[ToDoItems, ...] = (
    approvals_waiting,
    declarations_to_approve,
    session_problems,
    offers_expiring,
    imports_with_errors,
)


def coordinator_to_do(access: PartnershipAccess, *, now: datetime.datetime) -> list[ToDo]:
    """Every line of the coordinator's to-do list, waiting work first, in a fixed order."""
    return [item for builder in COORDINATOR_TO_DO for item in builder(access, now)]
