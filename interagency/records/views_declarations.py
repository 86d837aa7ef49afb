"""Declarations pages: a learner declares training done elsewhere; a manager decides it.

Thin: each page finds what it acts on through ``records.access`` (as the API
does) and writes through ``records.services.declarations``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.errors import show_on_form
from interagency.core.permissions import Action, Role
from interagency.records import access as records_access
from interagency.records.access import DeclarationAct
from interagency.records.forms_sources import DecisionForm, DeclarationForm
from interagency.records.models import Declaration
from interagency.records.selectors import declarations as selectors
from interagency.records.services.declarations import (
    approve_declaration,
    declare_training,
    reject_declaration,
)
from interagency.tenancy.access import PartnershipRequest, partnership_view

LISTED = 50


@require_GET
@partnership_view(Action.VIEW_RECORDS)
def declarations(request: PartnershipRequest) -> HttpResponse:
    """The member's own declarations, and those awaiting their decision."""
    access = request.access
    person = selectors.own_person(access.partnership, access.user.pk)
    own = (
        list(selectors.declarations_of(access.partnership).filter(person=person)[:LISTED])
        if person is not None
        else []
    )
    awaiting = list(
        selectors.awaiting_decision(access.partnership, access.user.pk, access.roles)[:LISTED]
    )
    context = {
        "person": person,
        "own": own,
        "awaiting": awaiting,
        "listed": LISTED,
        "is_coordinator": Role.COORDINATOR in access.roles,
    }
    return render(request, "records/declarations.html", context)


@partnership_view(Action.VIEW_RECORDS)
def declaration_new(request: PartnershipRequest) -> HttpResponse:
    """Declare a course done elsewhere, with a certificate, for approval."""
    person = records_access.own_person_for(request.access)
    courses = catalogue_courses(request.access.partnership)
    form = DeclarationForm(request.POST or None, request.FILES or None, courses=courses)
    if request.method == "POST" and form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["evidence"]
        try:
            declare_training(
                person=person,
                course=data["course"],
                completed_on=data["completed_on"],
                hours=data["hours"],
                provider=data["provider"],
                inter_agency=data["inter_agency"] == "yes",
                evidence_name=upload.name,
                evidence_content=upload.read(),
                declared_by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Your training is declared. It now awaits approval.")
            return redirect("records:declarations", code=request.access.partnership.code)
    return render(request, "records/declaration_new.html", {"form": form, "person": person})


def _detail(request: PartnershipRequest, declaration: Declaration, form: DecisionForm):
    may_decide = declaration.status == Declaration.Status.PENDING and records_access.may_decide(
        request.access, declaration
    )
    context = {"declaration": declaration, "form": form, "may_decide": may_decide}
    return render(request, "records/declaration.html", context)


@require_GET
@partnership_view(Action.VIEW_RECORDS)
def declaration(request: PartnershipRequest, declaration_id: int) -> HttpResponse:
    found = records_access.declaration_for(request.access, declaration_id, to=DeclarationAct.VIEW)
    return _detail(request, found, DecisionForm())


@require_POST
@partnership_view(Action.VIEW_RECORDS)
def declaration_decide(request: PartnershipRequest, declaration_id: int) -> HttpResponse:
    """Approve (the record is written) or reject with a reason; both audited."""
    found = records_access.declaration_for(request.access, declaration_id, to=DeclarationAct.DECIDE)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                approve_declaration(declaration=found, approved_by=request.user)
                done = f"Approved: {found.course} is now in {found.person}'s training record."
            else:
                reject_declaration(
                    declaration=found, rejected_by=request.user, reason=form.cleaned_data["reason"]
                )
                done = f"Rejected {found.person}'s declaration of {found.course}."
        except ValidationError as error:
            show_on_form(form, error)
        else:
            messages.success(request, done)
            return redirect("records:declarations", code=request.access.partnership.code)
    return _detail(request, found, form)


@require_GET
@partnership_view(Action.VIEW_RECORDS)
def declaration_evidence(request: PartnershipRequest, declaration_id: int) -> FileResponse:
    """The certificate, only to those who may see the declaration; never cached or inlined
    as a page of this site."""
    found = records_access.declaration_for(request.access, declaration_id, to=DeclarationAct.VIEW)
    response = FileResponse(
        found.evidence.open("rb"),
        as_attachment=True,
        filename=found.evidence_name,
        content_type=found.evidence_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
