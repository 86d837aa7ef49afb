"""The partnership an API request is about, and whether the caller may act on it.

The API's counterpart of :func:`interagency.tenancy.access.partnership_view`,
in the same order: a member of that partnership (else 404, whether the code
exists or not), allowed the action (else 403). Every partnership-scoped
endpoint starts by calling :func:`partnership_for`.
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest
from ninja.errors import AuthorizationError

from interagency.api.auth import caller
from interagency.core.permissions import Action, role_allows
from interagency.tenancy.models import Partnership
from interagency.tenancy.selectors import membership_context

FORBIDDEN = "Your roles in this partnership do not allow this."


@dataclass(frozen=True)
class PartnershipAccess:
    partnership: Partnership
    roles: frozenset[str]


def partnership_for(request: HttpRequest, code: str, action: Action) -> PartnershipAccess:
    """The caller's partnership with ``code`` once ``action`` is allowed there."""
    context = membership_context(caller(request), code)
    if context is None:
        raise Http404("No partnership with that code among yours.")
    partnership, roles = context
    if not role_allows(roles, action):
        raise AuthorizationError(message=FORBIDDEN)
    return PartnershipAccess(partnership=partnership, roles=roles)
