"""Agencies and their services (teams, departments).

Agency contacts are personal data: every change of an agency is audited with a
before/after diff; a service is not personal data, so adding one is not.
Callers check permission first (Action.MANAGE_AGENCIES); the services check
that every row they join belongs to the same partnership.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction

from interagency.audit.services import snapshot
from interagency.core.errors import ServiceError
from interagency.people.models import Agency, Service
from interagency.people.services.audited import refuse_unknown, save_audited
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

AGENCY_AUDITED_FIELDS = [
    "name",
    "code",
    "sector",
    "is_statutory_partner",
    "parent_id",
    "contact_name",
    "contact_email",
    "lead_id",
]
AGENCY_FIELDS = frozenset(
    {
        "name",
        "code",
        "sector",
        "is_statutory_partner",
        "parent",
        "contact_name",
        "contact_email",
        "lead",
    }
)


def _validate_agency(agency: Agency) -> None:
    """Model validation plus the partnership's rules: unique name, parent in the partnership."""
    agency.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    same_name = Agency.objects.for_partnership(agency.partnership).filter(
        name__iexact=agency.name.strip()
    )
    if agency.pk:
        same_name = same_name.exclude(pk=agency.pk)
    if same_name.exists():
        errors["name"] = "The partnership already has an agency with this name."
    code = agency.code.strip()
    if code:
        same_code = Agency.objects.for_partnership(agency.partnership).filter(code__iexact=code)
        if agency.pk:
            same_code = same_code.exclude(pk=agency.pk)
        if same_code.exists():
            errors["code"] = "The partnership already has an agency with this code."
    parent = agency.parent
    if parent is not None and (
        parent.partnership_id != agency.partnership_id or parent.pk == agency.pk
    ):
        errors["parent"] = "Choose another agency of this partnership as the parent."
    if errors:
        raise ServiceError(field_errors=errors)


def create_agency(
    *, partnership: Partnership, created_by: "_User", name: str, sector: str, **fields: Any
) -> Agency:
    """Add an agency to the partnership; its contact details are audited."""
    refuse_unknown(fields, AGENCY_FIELDS, "agency")
    if "code" in fields:
        fields["code"] = fields["code"].strip()
    agency = Agency(partnership=partnership, name=name.strip(), sector=sector, **fields)
    _validate_agency(agency)
    save_audited(
        agency,
        actor=created_by,
        audited_fields=AGENCY_AUDITED_FIELDS,
        before={},
        partnership=partnership,
    )
    return agency


def update_agency(*, agency: Agency, changed_by: "_User", **fields: Any) -> Agency:
    """Change an agency's details; a change of contact or lead is audited."""
    refuse_unknown(fields, AGENCY_FIELDS, "agency")
    before = snapshot(agency, AGENCY_AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(agency, name, value.strip() if name in ("name", "code") else value)
    _validate_agency(agency)
    save_audited(
        agency,
        actor=changed_by,
        audited_fields=AGENCY_AUDITED_FIELDS,
        before=before,
        partnership=agency.partnership,
    )
    return agency


def add_service(*, agency: Agency, name: str) -> Service:
    """Add a team or department to an agency (not personal data, so not audited)."""
    name = name.strip()
    service = Service(partnership=agency.partnership, agency=agency, name=name)
    service.full_clean(validate_constraints=False)
    if agency.services.filter(name__iexact=name).exists():
        raise ServiceError(
            field_errors={"name": "This agency already has a service with this name."}
        )
    with transaction.atomic():
        service.save()
    return service
