"""Who is calling the API: a personal access token, or the website's signed-in session.

A request with an ``Authorization: Bearer`` header is judged on its token
alone: a revoked or unknown token is a 401 even if a session cookie came too,
so a script never silently acts as whoever is signed in to the browser.
Session calls keep Django's CSRF check on unsafe methods, and owe the same
second factor the website's pages ask for (``TwoFactorMiddleware`` leaves
``/api/`` alone because tokens are a factor in themselves).
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer

from interagency.accounts import two_factor
from interagency.accounts.models import User
from interagency.accounts.selectors import access_token_for
from interagency.accounts.services import note_token_use

BAD_TOKEN = "The access token is not valid: it may have been revoked. Create a new one."  # noqa: S105 (a message)
NEEDS_VERIFICATION = (
    "Your session has not completed two-factor sign-in. Enter a code from your "
    "authenticator app on the website, or use a personal access token."
)
NEEDS_SETUP = (
    "Partnership coordinators must set up two-factor sign-in before using the API with "
    "their session. Set it up on the website, or use a personal access token."
)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ia_…``: a personal access token from the account pages."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = access_token_for(token.strip())
        if found is None:
            raise AuthenticationError(message=BAD_TOKEN)
        note_token_use(token=found)
        # Code that reads request.user sees the token's owner, not a session's.
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The website's session cookie, with CSRF protection on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # Nobody signed in: a plain 401, not a CSRF failure, for an unsafe method.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)  # checks CSRF, then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        step = two_factor.step_owed(user)
        if step is two_factor.Step.VERIFY:
            raise AuthorizationError(message=NEEDS_VERIFICATION)
        if step is two_factor.Step.SET_UP:
            raise AuthorizationError(message=NEEDS_SETUP)
        return user


def caller(request: HttpRequest) -> User:
    """The authenticated user, whichever way they authenticated.

    Both ways answer the user, and ninja keeps what they answered as
    ``request.auth``; an operation with ``auth=None`` has no caller.
    """
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
