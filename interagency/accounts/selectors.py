"""Read accounts and tokens."""

import hmac

from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from interagency.accounts.models import TOKEN_PREFIX, AccessToken, User, hash_token


def access_token_for(text: str) -> AccessToken | None:
    """The active token whose text is ``text``, with its user, or None."""
    if not text.startswith(TOKEN_PREFIX):
        return None
    lookup = text[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = (
        AccessToken.objects.active()
        .select_related("user")
        .filter(lookup=lookup, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(text)):
        return None
    return token


def access_tokens_of(user: User) -> QuerySet[AccessToken]:
    """The user's tokens, newest first, revoked ones included."""
    return AccessToken.objects.filter(user=user).order_by("-created_at")


def user_with_email(email: str) -> User | None:
    """The account signed in with ``email``, whatever its case, or None."""
    return User.objects.filter(email__iexact=email.strip()).first()


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """The authenticator app the user signs in with, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp_device(user: User) -> TOTPDevice | None:
    """An authenticator app the user started to set up but has not confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    """How many of the user's recovery codes are still unused (0 if none were made)."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_device(user: User) -> StaticDevice | None:
    """The device holding the user's recovery codes, if they have made any."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
