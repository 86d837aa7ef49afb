"""Changes to accounts: tokens, profile, passwords and two-factor devices.

Personal-data and sign-in changes are audited.
"""

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from axes.utils import reset as reset_sign_in_failures
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from interagency.accounts.models import AccessToken, User, hash_token, normalise_email
from interagency.accounts.selectors import pending_totp_device
from interagency.audit.models import AuditEvent
from interagency.audit.services import REDACTED, diff, record_event, snapshot


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


@transaction.atomic
def note_password_changed(*, user: User, changed_by: User) -> None:
    """Call after ``user``'s password has been set (changed or reset by email).

    Whoever can set a new password has proved they own the account, so the
    sign-in lockout for it ends, as the lockout page promises.
    """
    reset_sign_in_failures(username=normalise_email(user.email))
    record_event(
        actor=changed_by,
        action=AuditEvent.Action.CHANGED,
        subject=user,
        changes={"password": [REDACTED, REDACTED]},
    )


class CodeOutcome(enum.Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    TOO_MANY_ATTEMPTS = "too many attempts"


@dataclass(frozen=True)
class CodeCheck:
    outcome: CodeOutcome
    # When a throttled device will take a code again.
    retry_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome is CodeOutcome.ACCEPTED


def start_two_factor_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device for ``user``, created on first need.

    Reusing it means reloading the set-up page keeps the QR code the person
    may already have scanned.
    """
    return pending_totp_device(user) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )


@transaction.atomic
def check_two_factor_code(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Whether ``code`` is the device's current code, respecting its throttling.

    The device row is locked so two requests cannot both spend the same code;
    django-otp records the code as used and counts failures, which slow down
    guessing (1, 2, 4, 8… seconds between attempts).
    """
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = locked.verify_is_allowed()
    if not allowed:
        return CodeCheck(CodeOutcome.TOO_MANY_ATTEMPTS, (details or {}).get("locked_until"))
    if locked.verify_token(code):
        return CodeCheck(CodeOutcome.ACCEPTED)
    return CodeCheck(CodeOutcome.WRONG)


@transaction.atomic
def confirm_two_factor_device(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Turn two-factor sign-in on once the person proves their app shows ``code``."""
    check = check_two_factor_code(device=device, code=code)
    if check.accepted:
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        # After signing in with a recovery code: the new phone's app replaces the lost one.
        replaced, _ = (
            TOTPDevice.objects.filter(user=device.user, confirmed=True)
            .exclude(pk=device.pk)
            .delete()
        )
        record_event(
            actor=device.user,
            action=AuditEvent.Action.CHANGED,
            subject=device.user,
            changes={"two_factor": ["on", "on: a new app"] if replaced else ["off", "on"]},
        )
    return check


# Recovery codes: one-time codes that stand in for the authenticator app when it is lost
# (decision 0027). django-otp's static device keeps them; each is deleted as it is used.

RECOVERY_CODES = 10
DEVICE_NAME = "Recovery codes"


def shown(code: str) -> str:
    """A code as people read it: two groups of four, e.g. ``abcd-2345``."""
    return f"{code[:4]}-{code[4:]}"


def typed(text: str) -> str:
    """What a person typed, as the code is stored: no spaces or dashes, lower case."""
    return re.sub(r"[\s-]", "", text).lower()


@transaction.atomic
def make_recovery_codes(*, user: User) -> list[str]:
    """A new set of recovery codes for ``user`` (the old set stops working); returns them
    as shown, the only time they are."""
    device, _ = StaticDevice.objects.select_for_update().get_or_create(
        user=user, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    replaced = device.token_set.exists()
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record_event(
        actor=user,
        action=AuditEvent.Action.CHANGED,
        subject=user,
        changes={"recovery_codes": [REDACTED if replaced else None, REDACTED]},
    )
    return [shown(code) for code in codes]


@transaction.atomic
def sign_in_with_recovery_code(*, device: StaticDevice, code: str) -> CodeCheck:
    """Whether ``code`` is one of the device's unused codes; an accepted code is spent.

    The device row is locked so two requests cannot both spend the same code,
    and wrong codes slow down guessing as the authenticator app's do.
    """
    locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = locked.verify_is_allowed()
    if not allowed:
        return CodeCheck(CodeOutcome.TOO_MANY_ATTEMPTS, (details or {}).get("locked_until"))
    if not locked.verify_token(typed(code)):
        return CodeCheck(CodeOutcome.WRONG)
    record_event(
        actor=locked.user,
        action=AuditEvent.Action.CHANGED,
        subject=locked.user,
        changes={"signed_in_with": [None, "a recovery code"]},
    )
    return CodeCheck(CodeOutcome.ACCEPTED)
