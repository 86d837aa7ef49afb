"""The one access check of a region's pages and API: its regional coordinators only.

``region_for`` answers the region, or the one 404 whether the code is
unknown or the user does not coordinate it (so a region's existence never
leaks, as with partnerships). A partnership role, coordinator included, gives
no regional access.
"""

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from interagency.regional.selectors import coordinated_region
from interagency.tenancy.models import Region

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User

NOT_A_REGIONAL_COORDINATOR = "No region with that code among yours."


def region_for(user: "_AnyUser", region_code: str) -> Region:
    """The region ``user`` coordinates with ``region_code``; else the one 404."""
    region = coordinated_region(user, region_code)
    if region is None:
        raise Http404(NOT_A_REGIONAL_COORDINATOR)
    return region


class RegionRequest(HttpRequest):
    """A request to a page behind :func:`region_view`: ``region`` is the one coordinated."""

    user: "_User"
    region: Region


def region_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page of the region in the address: sign in first, then :func:`region_for`."""

    @wraps(view)
    def wrapped(request: RegionRequest, region_code: str, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.region = region_for(request.user, region_code)
        return view(request, *args, **kwargs)

    return wrapped
