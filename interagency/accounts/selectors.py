"""Read accounts and tokens."""

import hmac

from django.db.models import QuerySet

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
