"""Reads of the regional app: who coordinates which region, and who shares with it."""

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from interagency.regional.models import RegionalMembership, RegionalSharing
from interagency.tenancy.models import Partnership, Region

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser


def coordinated_region(user: "_AnyUser", region_code: str) -> Region | None:
    """The region with ``region_code`` when ``user`` coordinates it, else None."""
    if not user.is_authenticated:
        return None
    membership = (
        RegionalMembership.objects.filter(user_id=user.pk, region__code=region_code)
        .select_related("region")
        .first()
    )
    return membership.region if membership is not None else None


def regions_coordinated_by(user: "_AnyUser") -> QuerySet[Region]:
    """The regions ``user`` coordinates, by name (none for anyone signed out)."""
    if not user.is_authenticated:
        return Region.objects.none()
    return Region.objects.filter(coordinators__user_id=user.pk).order_by("name")


def shares_with_region(partnership: Partnership) -> bool:
    """Whether the partnership has chosen to share its aggregates (not yet chosen: no)."""
    return (
        RegionalSharing.objects.for_partnership(partnership)
        .filter(shares_with_region=True)
        .exists()
    )


def sharing_partnerships(region: Region) -> list[Partnership]:
    """The partnerships of ``region`` that share their aggregates with it, by name."""
    # cross-partnership: the region's opted-in partnerships, read for their aggregates only.
    return list(
        Partnership.objects.filter(
            region=region,
            regionalsharing_set__shares_with_region=True,
        ).order_by("name", "pk")
    )
