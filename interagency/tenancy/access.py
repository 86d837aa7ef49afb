"""Resolve the current partnership from the URL and check the member's permission.

Every page and API endpoint under ``/p/<code>/`` passes through
:func:`partnership_view`, so the order is always the same: signed in, member of
that partnership (else 404), allowed the action (else 403).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from interagency.core.permissions import Action, allowed_actions, role_allows
from interagency.tenancy.selectors import membership_context


def partnership_view(action: Action) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            context = membership_context(request.user, code)
            if context is None:
                raise Http404("No partnership with that code among yours.")
            partnership, roles = context
            request.partnership = partnership  # type: ignore[attr-defined]
            request.partnership_roles = roles  # type: ignore[attr-defined]
            request.partnership_actions = allowed_actions(roles)  # type: ignore[attr-defined]
            if not role_allows(roles, action):
                raise PermissionDenied("Your roles in this partnership do not allow this.")
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public_partnership_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page anyone may read (the catalogue), shown within one partnership.

    An unknown code is a 404. A signed-in member also gets their roles, so the
    page shows their navigation; nobody gets more than the public content.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, code: str, *args, **kwargs) -> HttpResponse:
        from interagency.tenancy.selectors import partnership_by_code

        partnership = partnership_by_code(code)
        if partnership is None:
            raise Http404("No partnership with that code.")
        context = membership_context(request.user, code)
        roles = context[1] if context else frozenset()
        request.partnership = partnership  # type: ignore[attr-defined]
        request.partnership_roles = roles  # type: ignore[attr-defined]
        request.partnership_actions = allowed_actions(roles)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapped.public = True  # type: ignore[attr-defined]
    return wrapped
