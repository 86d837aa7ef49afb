"""Who owes a second factor: members with a device must verify; admins must set one up."""

from django_otp import user_has_device

from interagency.tenancy.selectors import user_is_admin_anywhere


def needs_verification(user) -> bool:
    """Signed in with a password, has a confirmed device, has not entered a code yet."""
    return user_has_device(user, confirmed=True) and not user.is_verified()


def needs_setup(user) -> bool:
    """A partnership admin without a confirmed device."""
    return not user_has_device(user, confirmed=True) and user_is_admin_anywhere(user)
