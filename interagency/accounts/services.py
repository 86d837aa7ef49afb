"""Changes to accounts: tokens and profile. Personal-data changes are audited."""

from django.db import transaction
from django.utils import timezone

from interagency.accounts.models import AccessToken, User, hash_token
from interagency.audit.models import AuditEvent
from interagency.audit.services import diff, record_event, snapshot


@transaction.atomic
def issue_access_token(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create a token for ``user``; returns it with its text, which is shown once only."""
    lookup, text = AccessToken.generate()
    token = AccessToken.objects.create(
        user=user,
        name=name.strip() or "Personal access token",
        lookup=lookup,
        token_hash=hash_token(text),
    )
    return token, text


def revoke_access_token(*, token: AccessToken) -> None:
    """Stop ``token`` working from now on. Revoking twice keeps the first time."""
    AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def note_token_use(*, token: AccessToken) -> None:
    """Record when a token was last used, at most once a minute to spare writes."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


PROFILE_FIELDS = ["full_name", "email"]


@transaction.atomic
def update_profile(*, user: User, changed_by: User, **fields: str) -> User:
    """Change a user's name or email and audit the change."""
    before = snapshot(user, PROFILE_FIELDS)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a profile field.")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    changes = diff(before, snapshot(user, PROFILE_FIELDS))
    if changes:
        record_event(
            actor=changed_by, action=AuditEvent.Action.CHANGED, subject=user, changes=changes
        )
    return user
