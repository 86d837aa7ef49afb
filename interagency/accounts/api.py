"""The caller's own account: ``/me``."""

from typing import Any

from django.http import HttpRequest
from django_otp import user_has_device
from ninja import Router, Schema
from pydantic import field_validator

from interagency.accounts.api_auth import caller
from interagency.accounts.models import User
from interagency.accounts.services import update_profile
from interagency.core.api_errors import error_responses
from interagency.tenancy.api import RoleInPartnership, partnerships_with_roles

router = Router(tags=["account"])

FULL_NAME_MAX = 150


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    two_factor_enabled: bool
    partnerships: list[RoleInPartnership]


class ProfileIn(Schema):
    """Fields left out stay as they are."""

    full_name: str | None = None

    @field_validator("full_name")
    @classmethod
    def full_name_present(cls, value: str | None) -> str:
        value = (value or "").strip()
        if not value:
            raise ValueError("Enter your full name.")
        if len(value) > FULL_NAME_MAX:
            raise ValueError(f"Full name must be {FULL_NAME_MAX} characters or fewer.")
        return value


def _me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "two_factor_enabled": user_has_device(user, confirmed=True),
        "partnerships": list(partnerships_with_roles(user)),
    }


@router.get(
    "/me", response={200: MeOut, **error_responses(401, 403)}, url_name="me", summary="Your account"
)
def me(request: HttpRequest) -> dict:
    """Who you are and the roles you hold in each of your partnerships."""
    return _me(caller(request))


@router.patch(
    "/me",
    response={200: MeOut, **error_responses(400, 401, 403, 413)},
    url_name="me",  # the same resource as GET: one name for the address
    summary="Change your name",
)
def update_me(request: HttpRequest, payload: ProfileIn) -> dict:
    """Change your full name. The change is recorded in the audit trail."""
    user = caller(request)
    changes = payload.dict(exclude_unset=True)
    if changes:
        update_profile(user=user, changed_by=user, **changes)
    return _me(user)
