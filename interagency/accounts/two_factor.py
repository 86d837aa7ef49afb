"""Who owes a second factor, and how an authenticator app is shown to be set up.

Members with a confirmed device must verify after every password sign-in;
partnership admins must set one up first.
"""

from base64 import b32encode
from enum import StrEnum

import segno
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from interagency.tenancy.selectors import user_is_admin_anywhere

QR_CODE_LABEL = "QR code to scan with your authenticator app"


class Step(StrEnum):
    VERIFY = "verify"
    SET_UP = "set-up"


def step_owed(user) -> Step | None:
    """The two-factor step a signed-in user must take before going on, if any.

    Checked on every request, so the common case (a verified session) costs
    the one query OTPMiddleware already makes, not three.
    """
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return Step.VERIFY
    if settings.INTERAGENCY_ENFORCE_ADMIN_2FA and user_is_admin_anywhere(user):
        return Step.SET_UP
    return None


def needs_verification(user) -> bool:
    """Signed in with a password, has a confirmed device, has not entered a code yet."""
    return user_has_device(user, confirmed=True) and not user.is_verified()


def needs_setup(user) -> bool:
    """A partnership admin without a confirmed device."""
    return not user_has_device(user, confirmed=True) and user_is_admin_anywhere(user)


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// URL as an inline SVG QR code.

    segno draws with attributes only (no style=""), which the Content Security
    Policy's style-src 'self' requires. The white background keeps the code
    scannable whatever the page colours are.
    """
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        title=QR_CODE_LABEL,
        omitsize=False,
    )
    # segno cannot add ARIA attributes; role="img" with a label makes screen
    # readers announce one image instead of an unnamed graphic.
    labelled = svg.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(QR_CODE_LABEL)}" focusable="false" ', 1
    )
    return mark_safe(labelled)  # noqa: S308 (segno's own markup; the only text is a constant)


def manual_entry_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
