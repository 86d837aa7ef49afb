"""Declarations pages: a learner declares training done elsewhere; a manager decides it.

Thin: each page finds what it acts on through ``records.access`` (as the API
does) and writes through ``records.services.declarations``.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from interagency.catalogue.selectors import catalogue_courses
from interagency.core.errors import found_or_404, show_on_form
from interagency.core.permissions import Action, Role
from interagency.records import access as records_access
from interagency.records.access import DeclarationAct
from interagency.records.forms_sources import COUNTS_FOR_NONE, DecisionForm, DeclarationForm
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
                external_title=data["external_title"],
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


def _decision_form(
    request: PartnershipRequest, declaration: Declaration, data: Any = None
) -> DecisionForm:
    """The decision form; for training described in words, with the catalogue's courses and
    the course saved for its name, if any, chosen to begin with."""
    if not (declaration.is_described and declaration.status == Declaration.Status.PENDING):
        return DecisionForm(data)
    partnership = request.access.partnership
    suggested = selectors.suggested_course(partnership, declaration.external_title)
    return DecisionForm(
        data,
        courses=list(catalogue_courses(partnership)),
        initial={"counts_as": str(suggested.pk) if suggested else ""},
    )


def _detail(request: PartnershipRequest, declaration: Declaration, form: DecisionForm):
    may_decide = declaration.status == Declaration.Status.PENDING and records_access.may_decide(
        request.access, declaration
    )
    context = {
        "declaration": declaration,
        "form": form,
        "may_decide": may_decide,
        "suggested": form.initial.get("counts_as"),
        "may_save_equivalence": records_access.may_save_equivalence(request.access),
    }
    return render(request, "records/declaration.html", context)


@require_GET
@partnership_view(Action.VIEW_RECORDS)
def declaration(request: PartnershipRequest, declaration_id: int) -> HttpResponse:
    found = records_access.declaration_for(request.access, declaration_id, to=DeclarationAct.VIEW)
    return _detail(request, found, _decision_form(request, found))


def _approve(request: PartnershipRequest, found: Declaration, data: dict[str, Any]) -> str:
    """Approve with the course described training counts as; what to tell the approver."""
    chosen = data["counts_as"]
    counts_as = None
    if chosen and chosen != COUNTS_FOR_NONE:
        counts_as = found_or_404(
            lambda: catalogue_courses(request.access.partnership).get(pk=int(chosen))
        )
    save = data["save_equivalence"] and records_access.may_save_equivalence(request.access)
    record = approve_declaration(
        declaration=found,
        approved_by=request.user,
        counts_as=counts_as,
        counts_for_none=chosen == COUNTS_FOR_NONE,
        save_equivalence=save,
    )
    if record is None:
        return f"Approved {found.person}'s {found.training_title}: it counts for no course."
    return f"Approved: {found.course} is now in {found.person}'s training record."


@require_POST
@partnership_view(Action.VIEW_RECORDS)
def declaration_decide(request: PartnershipRequest, declaration_id: int) -> HttpResponse:
    """Approve (the record is written) or reject with a reason; both audited."""
    found = records_access.declaration_for(request.access, declaration_id, to=DeclarationAct.DECIDE)
    form = _decision_form(request, found, request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                done = _approve(request, found, form.cleaned_data)
            else:
                reject_declaration(
                    declaration=found, rejected_by=request.user, reason=form.cleaned_data["reason"]
                )
                done = f"Rejected {found.person}'s declaration of {found.training_title}."
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
