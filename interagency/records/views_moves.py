"""Portable records: a person shares theirs with a code; another partnership takes them in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interagency.core.errors import show_on_form
from interagency.core.permissions import Action
from interagency.records import access as records_access
from interagency.records.forms_sources import MoveInForm
from interagency.records.services.moves import SHARE_DAYS, create_share, find_moving, move_records
from interagency.tenancy.access import PartnershipRequest, partnership_view


@partnership_view(Action.VIEW_RECORDS)
def share(request: PartnershipRequest) -> HttpResponse:
    """Make a share code (POST): shown on this answer only, never stored or emailed."""
    person = records_access.own_person_for(request.access)
    code = ""
    if request.method == "POST":
        _share, code = create_share(person=person, created_by=request.user, now=timezone.now())
    context = {"person": person, "code": code, "days": SHARE_DAYS}
    response = render(request, "records/share.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(Action.VIEW_RECORDS)
def move_in(request: PartnershipRequest) -> HttpResponse:
    """Find the records shared under an email and code (preview), then take them in."""
    records_access.require_coordinator(request.access)
    form = MoveInForm(request.POST or None)
    moving = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        into, now = request.access.partnership, timezone.now()
        try:
            if request.POST.get("action") == "move":
                copies = move_records(
                    into=into,
                    email=data["email"],
                    code=data["code"],
                    moved_by=request.user,
                    now=now,
                )
                messages.success(
                    request,
                    f"{len(copies)} training record{'' if len(copies) == 1 else 's'} taken in.",
                )
                return redirect("records:move-in", code=into.code)
            moving = find_moving(into=into, email=data["email"], code=data["code"], now=now)
        except ValidationError as error:
            show_on_form(form, error)
    return render(request, "records/move_in.html", {"form": form, "moving": moving})
