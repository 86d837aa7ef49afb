"""Who is asking, in which partnership, allowed to do what: resolved once per request.

Pages and the API ask the same function, :func:`access_for`, in the same
order: a member of the partnership with that code (else 404, whether the code
exists or not, so a code's existence never leaks), allowed the action (else
403). It answers a :class:`PartnershipAccess`, which pages read from their
typed request (:class:`PartnershipRequest`, set by :func:`partnership_view`)
and API endpoints hold as a local. What a member may do to one object (a
booking, a session's register) is decided further by each app's selectors,
from this same access.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

from interagency.core.permissions import Action, allowed_actions
from interagency.tenancy.models import Partnership
from interagency.tenancy.selectors import membership_context, partnership_by_code

if TYPE_CHECKING:
    # django-stubs' name for settings.AUTH_USER_MODEL (accounts.User), which
    # tenancy, below accounts, may not import.
    from django.contrib.auth.models import _AnyUser, _User

NOT_A_MEMBER = "No partnership with that code among yours."
FORBIDDEN = "Your roles in this partnership do not allow this."


@dataclass(frozen=True)
class PartnershipAccess:
    """A signed-in member's partnership, their roles there and what those roles allow."""

    partnership: Partnership
    user: "_User"
    roles: frozenset[str]
    actions: frozenset[Action]

    def allows(self, action: Action) -> bool:
        return action in self.actions

    def require(self, action: Action) -> None:
        """Raise the one 403 unless the member's roles allow ``action``."""
        if not self.allows(action):
            raise PermissionDenied(FORBIDDEN)


def resolve_access(user: "_AnyUser", code: str) -> PartnershipAccess | None:
    """The access of ``user`` to the partnership with ``code``, or None when not a member.

    None covers an anonymous user, an unknown code and a partnership the user
    does not belong to alike.
    """
    if not user.is_authenticated:
        return None
    context = membership_context(user, code)
    if context is None:
        return None
    partnership, roles = context
    return PartnershipAccess(
        partnership=partnership, user=user, roles=roles, actions=allowed_actions(roles)
    )


def access_for(user: "_AnyUser", code: str, action: Action) -> PartnershipAccess:
    """The access of ``user`` to the partnership with ``code``, once ``action`` is allowed.

    Not a member (or no such code): ``Http404``. A member whose roles do not
    allow ``action``: ``PermissionDenied``. Pages and the API answer both in
    their own format.
    """
    access = resolve_access(user, code)
    if access is None:
        raise Http404(NOT_A_MEMBER)
    access.require(action)
    return access


class PartnershipRequest(HttpRequest):
    """A request to a page behind :func:`partnership_view`.

    ``access`` is what views read. ``partnership``, ``partnership_roles`` and
    ``partnership_actions`` repeat it for templates, which read them as
    ``request.partnership`` and so on. ``htmx`` is django-htmx's.
    """

    access: PartnershipAccess
    user: "_User"  # signed in: partnership_view sends anyone else to sign in
    partnership: Partnership
    partnership_roles: frozenset[str]
    partnership_actions: frozenset[Action]
    htmx: HtmxDetails


class PublicPartnershipRequest(HttpRequest):
    """A request to a page behind :func:`public_partnership_view`.

    ``access`` is the reader's when they are a member of the partnership, else
    None; the roles and actions are then empty.
    """

    access: PartnershipAccess | None
    partnership: Partnership
    partnership_roles: frozenset[str]
    partnership_actions: frozenset[Action]
    htmx: HtmxDetails


def partnership_view(
    action: Action,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A page of the partnership in the address, for members whose roles allow ``action``.

    Not signed in: the sign-in page. Otherwise the steps of :func:`access_for`
    (:func:`resolve_access`, then ``require``: 404, then 403), with
    ``request.access`` set between them, so the 403 page shows the member's
    navigation too.
    """

    # HttpResponseBase: a page may stream (StreamingHttpResponse), as a large CSV does.
    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: PartnershipRequest, code: str, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = resolve_access(request.user, code)
            if access is None:
                raise Http404(NOT_A_MEMBER)
            request.access = access
            request.partnership = access.partnership
            request.partnership_roles = access.roles
            request.partnership_actions = access.actions
            access.require(action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public_partnership_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page anyone may read (the catalogue), shown within one partnership.

    An unknown code is a 404. A signed-in member also gets their access, so the
    page shows their navigation; nobody gets more than the public content.
    """

    @wraps(view)
    def wrapped(request: PublicPartnershipRequest, code: str, *args: Any, **kwargs: Any) -> Any:
        partnership = partnership_by_code(code)
        if partnership is None:
            raise Http404("No partnership with that code.")
        access = resolve_access(request.user, code)
        request.access = access
        request.partnership = partnership
        request.partnership_roles = access.roles if access else frozenset()
        request.partnership_actions = access.actions if access else frozenset()
        return view(request, *args, **kwargs)

    return wrapped
