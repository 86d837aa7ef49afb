"""The rows a request names by id: the partnership's, else a field error.

Shared by the people, agencies and posts operations (``api_posts.py``).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from interagency.catalogue.selectors import roles_of
from interagency.core.permissions import Role
from interagency.people import selectors
from interagency.people.access import may_staff
from interagency.people.models import Agency
from interagency.people.visibility import visible_people
from interagency.tenancy.access import PartnershipAccess


def references(access: PartnershipAccess, fields: dict[str, Any]) -> dict[str, Any]:
    """Ids in ``fields`` turned into the partnership's rows; an unknown id is a field error."""
    partnership = access.partnership
    lookups = {
        "agency": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "service": lambda pk: selectors.services_of(partnership).filter(pk=pk).first(),
        "role": lambda pk: roles_of(partnership).filter(pk=pk).first(),
        "line_manager": lambda pk: (
            visible_people(partnership, None, [Role.COORDINATOR]).filter(pk=pk).first()
        ),
        "parent": lambda pk: selectors.agencies_of(partnership).filter(pk=pk).first(),
        "lead": lambda pk: selectors.agency_lead_candidates(partnership).filter(pk=pk).first(),
    }
    resolved = dict(fields)
    unknown = {}
    for name, lookup in lookups.items():
        if name in fields and fields[name] is not None:
            row = lookup(fields[name])
            if row is None:
                unknown[name] = f"There is no {name.replace('_', ' ')} with that id here."
            resolved[name] = row
    if unknown:
        raise DjangoValidationError(unknown)
    return resolved


def check_agency(access: PartnershipAccess, agency: Agency) -> None:
    """Agency leads add and move people only within the agencies they lead."""
    if not may_staff(access, agency):
        raise DjangoValidationError({"agency": "Choose an agency you lead."})
