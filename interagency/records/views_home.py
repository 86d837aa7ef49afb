"""The Records area's landing page: each member's ways into records, by what they may do."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from interagency.core.permissions import Action, Role
from interagency.records import access as records_access
from interagency.tenancy.access import PartnershipAccess, PartnershipRequest, partnership_view


@dataclass(frozen=True)
class Way:
    """One link of the Records page, and what it is for."""

    label: str
    href: str
    summary: str


def ways_in(access: PartnershipAccess) -> list[Way]:
    """The member's links, their own training first, then the partnership's."""
    code = access.partnership.code
    found: list[Way] = []
    if records_access.has_own_person(access):
        found += [
            Way(
                "Training done elsewhere",
                reverse("records:declarations", kwargs={"code": code}),
                "Declare training from another provider, with its certificate, for approval.",
            ),
            Way(
                "Share your training record",
                reverse("records:share", kwargs={"code": code}),
                "A code that lets another partnership take in your record when you move.",
            ),
        ]
    elif access.roles & {Role.COORDINATOR, Role.LINE_MANAGER, Role.AGENCY_LEAD}:
        found.append(
            Way(
                "Declarations to decide",
                reverse("records:declarations", kwargs={"code": code}),
                "Training done elsewhere that staff declared, waiting for approval.",
            )
        )
    if access.allows(Action.VIEW_PEOPLE):
        found.append(
            Way(
                "Training status",
                reverse("records:training-status", kwargs={"code": code}),
                "Who is overdue, due soon, booked or done, person by person.",
            )
        )
    if access.allows(Action.VIEW_COMPLIANCE):
        found.append(
            Way(
                "Partnership compliance",
                reverse("records:compliance", kwargs={"code": code}),
                "Staff up to date by sector, agency and tier, and participation by profession.",
            )
        )
    if Role.COORDINATOR in access.roles:
        found += [
            Way(
                "Import e-learning completions",
                reverse("records:import-new", kwargs={"code": code}),
                "A CSV or Excel file from an e-learning platform, checked before it is applied.",
            ),
            Way(
                "Take in a record from another partnership",
                reverse("records:move-in", kwargs={"code": code}),
                "With the person's email and the code they were given.",
            ),
        ]
    return found


@partnership_view(Action.VIEW_RECORDS)
def home(request: PartnershipRequest) -> HttpResponse:
    """The Records area: where each member's work with training records starts."""
    return render(request, "records/home.html", {"ways": ways_in(request.access)})
