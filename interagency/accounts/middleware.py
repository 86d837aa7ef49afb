"""Send signed-in users who owe a second factor to the two-factor pages."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from interagency.accounts import two_factor


class TwoFactorMiddleware:
    # Pages a user may reach before completing two-factor sign-in. The rest of
    # /account/ is not here: someone holding only a password must not be able
    # to issue an API token or change the password.
    EXEMPT_PREFIXES = (
        "/account/sign-in/",
        "/account/sign-out/",
        "/account/two-factor/",
        "/account/password-reset/",
        "/static/",
        "/healthz",
        "/accessibility",
        "/privacy",
        "/api/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.EXEMPT_PREFIXES):
            query = urlencode({"next": request.get_full_path()})
            step = two_factor.step_owed(user)
            if step is two_factor.Step.VERIFY:
                return redirect(f"{reverse('accounts:two-factor-verify')}?{query}")
            if step is two_factor.Step.SET_UP:
                return redirect(f"{reverse('accounts:two-factor-setup')}?{query}")
        return self.get_response(request)
