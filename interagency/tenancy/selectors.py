"""Read partnerships and memberships. The current partnership is always resolved here."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from interagency.tenancy.models import Membership, Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User


def partnerships_of(user: "_AnyUser") -> QuerySet[Partnership]:
    """Partnerships where ``user`` holds at least one role, by name."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    return (
        Partnership.objects.filter(membership_set__user=user)
        .select_related("region")
        .distinct()
        .order_by("name")
    )


def roles_in(user: "_AnyUser", partnership: Partnership) -> frozenset[str]:
    """The roles ``user`` holds in ``partnership`` (empty when not a member)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.for_partnership(partnership)
        .filter(user=user)
        .values_list("role", flat=True)
    )


def membership_context(user: "_AnyUser", code: str) -> tuple[Partnership, frozenset[str]] | None:
    """The partnership with ``code`` and the user's roles there, or None.

    None covers both an unknown code and a partnership the user does not
    belong to: callers answer 404 for both, so a code's existence never leaks.
    """
    if not user.is_authenticated:
        return None
    rows = list(
        # cross-partnership: the user's own memberships decide which partnership this is
        Membership.objects.filter(user=user, partnership__code=code)
        .select_related("partnership__region")
        .only("role", "partnership")
    )
    if not rows:
        return None
    return rows[0].partnership, frozenset(row.role for row in rows)


def members_of(partnership: Partnership) -> QuerySet[Membership]:
    """The partnership's memberships with their users, by name."""
    return (
        Membership.objects.for_partnership(partnership)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )


def user_is_admin_anywhere(user: "_User") -> bool:
    from interagency.core.permissions import ADMIN_ROLES

    # cross-partnership: an admin of any partnership must use two-factor everywhere
    return Membership.objects.filter(user=user, role__in=ADMIN_ROLES).exists()


def member_users(partnership: Partnership, *, search: str = "") -> QuerySet:
    """Users holding any role in ``partnership``, by name; ``search`` matches name or email."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    users = get_user_model().objects.filter(
        pk__in=Membership.objects.for_partnership(partnership).values("user_id")
    )
    if search:
        users = users.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return users.order_by("full_name", "email", "pk")


def member_count(partnership: Partnership, *, search: str = "") -> int:
    """How many users :func:`member_users` lists.

    Without a search the memberships alone are counted (COUNT DISTINCT sorts in memory):
    counting the users through the memberships joined every account in the
    database and took most of the members page's time at county scale.
    """
    if search:
        return member_users(partnership, search=search).count()
    from django.db.models import Count

    counted = Membership.objects.for_partnership(partnership).aggregate(
        users=Count("user_id", distinct=True)
    )
    return counted["users"]


def roles_by_user(
    partnership: Partnership, users: Iterable["_User"]
) -> list[tuple["_User", list[str]]]:
    """``[(user, [role labels])]`` for ``users`` (one page of them), in their order."""
    labels: dict[int, list[str]] = {user.pk: [] for user in users}
    memberships = Membership.objects.for_partnership(partnership).filter(user_id__in=list(labels))
    for membership in memberships.order_by("role"):
        labels[membership.user_id].append(membership.get_role_display())
    return [(user, labels[user.pk]) for user in users]


def member_in(partnership: Partnership, user_id: int) -> tuple["_User", frozenset[str]] | None:
    """``(user, roles)`` for a member of ``partnership``, or None when not a member there."""
    rows = list(members_of(partnership).filter(user_id=user_id))
    if not rows:
        return None
    return rows[0].user, frozenset(row.role for row in rows)


def partnership_by_code(code: str) -> Partnership | None:
    """Any partnership by its code, for public pages; None when there is none."""
    return Partnership.objects.select_related("region").filter(code=code).first()
