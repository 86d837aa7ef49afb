"""The records API: a person's training record, and declarations of training done elsewhere.

Every operation goes through the same ``records.access`` function as its page:
a person's record through ``person_record_for``, a declaration through
``declaration_for`` (404 when the caller may not see it, 403 when they may not
decide it), then a selector or a service, whose refusal answers 400.
"""

import base64
import binascii
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from interagency.catalogue.selectors import course_in
from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action
from interagency.records import access as records_access
from interagency.records.access import DeclarationAct
from interagency.records.api_schemas import (
    DeclarationFilters,
    DeclarationIn,
    DeclarationOut,
    RejectIn,
    TrainingRecordOut,
)
from interagency.records.models import Declaration
from interagency.records.selectors.records import records_of_person
from interagency.records.services import declarations as services
from interagency.tenancy.access import access_for

router = Router(tags=["records"])


@router.get(
    "/{code}/people/{person_id}/training-records",
    response={200: list[TrainingRecordOut], **error_responses(400, 401, 403, 404)},
    url_name="person-training-records",
    summary="A person's training record",
)
@paginate(PageNumberPagination)
def person_training_records(request: HttpRequest, code: str, person_id: int) -> Any:
    """Every completion of a person the caller may see (a learner: themselves), newest
    first, with its source, hours, tier and level and the framework version it counts
    under."""
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    person = records_access.person_record_for(access, person_id)
    return records_of_person(access.partnership, person).select_related(
        "framework", "tier", "moved_from"
    )


@router.get(
    "/{code}/declarations",
    response={200: list[DeclarationOut], **error_responses(400, 401, 403, 404)},
    url_name="declaration-list",
    summary="Declarations",
)
@paginate(PageNumberPagination)
def declaration_list(request: HttpRequest, code: str, filters: Query[DeclarationFilters]) -> Any:
    """The caller's own declarations and those they may decide (a coordinator: all;
    a line manager: their team's), newest first."""
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    found = records_access.declarations_for(access)
    if filters.status is not None:
        found = found.filter(status=filters.status)
    return found


@router.post(
    "/{code}/declarations",
    response={201: DeclarationOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="declaration-list",
    summary="Declare training done elsewhere",
)
def declaration_create(request: HttpRequest, code: str, payload: DeclarationIn) -> Any:
    """The caller declares a course they completed elsewhere, with their certificate (a PDF,
    PNG or JPEG image, or office document, base64-encoded); it awaits approval."""
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    person = records_access.own_person_for(access)
    try:
        course = course_in(access.partnership, payload.course)
    except ObjectDoesNotExist:
        raise ValidationError({"course": "There is no course with that id here."}) from None
    try:
        content = base64.b64decode(payload.evidence.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            {"evidence.content_base64": "The certificate must be base64-encoded."}
        ) from None
    declaration = services.declare_training(
        person=person,
        course=course,
        completed_on=payload.completed_on,
        hours=payload.hours,
        provider=payload.provider,
        inter_agency=payload.inter_agency,
        evidence_name=payload.evidence.name,
        evidence_content=content,
        declared_by=access.user,
        today=timezone.localdate(),
    )
    return Status(201, _read(access, declaration.pk))


def _read(access: Any, declaration_id: int) -> Declaration:
    return records_access.declaration_for(access, declaration_id, to=DeclarationAct.VIEW)


@router.get(
    "/{code}/declarations/{declaration_id}",
    response={200: DeclarationOut, **error_responses(400, 401, 403, 404)},
    url_name="declaration-detail",
    summary="A declaration",
)
def declaration_detail(request: HttpRequest, code: str, declaration_id: int) -> Any:
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    return _read(access, declaration_id)


@router.post(
    "/{code}/declarations/{declaration_id}/approve",
    response={200: DeclarationOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="declaration-approve",
    summary="Approve a declaration",
)
def declaration_approve(request: HttpRequest, code: str, declaration_id: int) -> Any:
    """A coordinator, or the person's line manager, approves it: the person's training
    record gains the course, from elsewhere."""
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    found = records_access.declaration_for(access, declaration_id, to=DeclarationAct.DECIDE)
    services.approve_declaration(declaration=found, approved_by=access.user)
    return _read(access, declaration_id)


@router.post(
    "/{code}/declarations/{declaration_id}/reject",
    response={200: DeclarationOut, **error_responses(400, 401, 403, 404, 413)},
    url_name="declaration-reject",
    summary="Reject a declaration",
)
def declaration_reject(
    request: HttpRequest, code: str, declaration_id: int, payload: RejectIn
) -> Any:
    """Reject it with a reason the person reads."""
    access = access_for(request.user, code, Action.VIEW_RECORDS)
    found = records_access.declaration_for(access, declaration_id, to=DeclarationAct.DECIDE)
    services.reject_declaration(declaration=found, rejected_by=access.user, reason=payload.reason)
    return _read(access, declaration_id)
