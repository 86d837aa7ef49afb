"""Partnerships the caller belongs to, and their members.

Lists aggregate roles in the database (one row per partnership or member with
its roles joined), so a page costs the same queries whatever its length.
"""

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, StringAgg, Value
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from interagency.core.api_errors import error_responses
from interagency.core.api_pagination import PageNumberPagination
from interagency.core.permissions import Action, Role
from interagency.tenancy.access import access_for
from interagency.tenancy.models import Membership, Partnership
from interagency.tenancy.selectors import members_of, partnerships_of

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

router = Router(tags=["partnerships"])


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split(",")) if joined else []


class RoleInPartnership(Schema):
    code: str
    name: str
    roles: list[Role]

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:  # a Partnership with its role_list
        return _split(obj.role_list)


class PartnershipOut(RoleInPartnership):
    region: str
    local_authority_codes: list[str]

    @staticmethod
    def resolve_region(obj: Partnership) -> str:
        return obj.region.name


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[Role]

    @staticmethod
    def resolve_id(obj: dict[str, Any]) -> int:
        return obj["user_id"]

    @staticmethod
    def resolve_email(obj: dict[str, Any]) -> str:
        return obj["user__email"]

    @staticmethod
    def resolve_full_name(obj: dict[str, Any]) -> str:
        return obj["user__full_name"]

    @staticmethod
    def resolve_roles(obj: dict[str, Any]) -> list[str]:
        return _split(obj["role_list"])


def partnerships_with_roles(user: "_AnyUser") -> QuerySet[Partnership]:
    """The user's partnerships, each with ``role_list``: their roles there, comma-joined."""
    # partnerships_of joins the user's memberships; the aggregate reuses that join.
    return partnerships_of(user).annotate(
        role_list=StringAgg("membership_set__role", delimiter=Value(","))
    )


@router.get(
    "",
    response={200: list[PartnershipOut], **error_responses(400, 401, 403)},
    url_name="partnership-list",
    summary="Your partnerships",
)
@paginate(PageNumberPagination)
def partnership_list(request: HttpRequest) -> QuerySet:
    """The partnerships where you hold a role, by name, with your roles in each."""
    return partnerships_with_roles(request.user)


@router.get(
    "/{code}",
    response={200: PartnershipOut, **error_responses(401, 403, 404)},
    url_name="partnership-detail",
    summary="One of your partnerships",
)
def partnership_detail(request: HttpRequest, code: str) -> Partnership:
    """A partnership you belong to; any other code answers 404."""
    access = access_for(request.user, code, Action.VIEW_DASHBOARD)
    partnership = access.partnership
    partnership.role_list = ",".join(access.roles)  # type: ignore[attr-defined]
    return partnership


@router.get(
    "/{code}/members",
    response={200: list[MemberOut], **error_responses(400, 401, 403, 404)},
    url_name="member-list",
    summary="Members of a partnership",
)
@paginate(PageNumberPagination)
def member_list(request: HttpRequest, code: str) -> QuerySet[Membership, Any]:
    """Everyone holding a role in the partnership, by name, with their roles.

    Needs a role that may view members (a coordinator).
    """
    access = access_for(request.user, code, Action.VIEW_MEMBERS)
    return (
        members_of(access.partnership)
        .order_by("user__full_name", "user__email", "user_id")
        .values("user_id", "user__email", "user__full_name")
        .annotate(role_list=StringAgg("role", delimiter=Value(",")))
    )
