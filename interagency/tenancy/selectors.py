"""Read partnerships and memberships. The current partnership is always resolved here."""

from django.db.models import QuerySet

from interagency.tenancy.models import Membership, Partnership


def partnerships_of(user) -> QuerySet[Partnership]:
    """Partnerships where ``user`` holds at least one role, by name."""
    if not user.is_authenticated:
        return Partnership.objects.none()
    return (
        Partnership.objects.filter(membership_set__user=user)
        .select_related("region")
        .distinct()
        .order_by("name")
    )


def roles_in(user, partnership: Partnership) -> frozenset[str]:
    """The roles ``user`` holds in ``partnership`` (empty when not a member)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.for_partnership(partnership)
        .filter(user=user)
        .values_list("role", flat=True)
    )


def membership_context(user, code: str) -> tuple[Partnership, frozenset[str]] | None:
    """The partnership with ``code`` and the user's roles there, or None.

    None covers both an unknown code and a partnership the user does not
    belong to: callers answer 404 for both, so a code's existence never leaks.
    """
    if not user.is_authenticated:
        return None
    rows = list(
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


def user_is_admin_anywhere(user) -> bool:
    from interagency.core.permissions import ADMIN_ROLES

    return Membership.objects.filter(user=user, role__in=ADMIN_ROLES).exists()


def group_by_user(memberships) -> list[tuple]:
    """``[(user, [role labels])]`` from memberships ordered by user."""
    grouped: dict[int, tuple] = {}
    for membership in memberships:
        entry = grouped.setdefault(membership.user_id, (membership.user, []))
        entry[1].append(membership.get_role_display())
    return list(grouped.values())


def member_in(partnership: Partnership, user_id: int):
    """``(user, roles)`` for a member of ``partnership``, or None when not a member there."""
    rows = list(members_of(partnership).filter(user_id=user_id))
    if not rows:
        return None
    return rows[0].user, frozenset(row.role for row in rows)
