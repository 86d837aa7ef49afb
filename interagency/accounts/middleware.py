"""Send signed-in users who owe a second factor to the two-factor pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from interagency.accounts import two_factor


class TwoFactorMiddleware:
    # Pages a user may reach before completing two-factor sign-in.
    EXEMPT_PREFIXES = ("/account/", "/static/", "/healthz", "/accessibility", "/privacy", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            if two_factor.needs_verification(user):
                return redirect(f"{reverse('accounts:two-factor-verify')}?next={request.path}")
            if settings.INTERAGENCY_ENFORCE_ADMIN_2FA and two_factor.needs_setup(user):
                return redirect(reverse("accounts:two-factor-setup"))
        return self.get_response(request)
