"""Who sees a region's benchmarks, and which partnerships share their figures with it.

A partnership appears in its region's benchmarks only once its coordinator
has chosen to share (``RegionalSharing``); only counts, sums, rates and
n/mean/SD leave it. A regional coordinator (``RegionalMembership``) is a
role in a region, not in a partnership: it gives no access to any
partnership's own pages.
"""

from django.conf import settings
from django.db import models

from interagency.tenancy.models import PartnershipOwned, Region


class RegionalSharing(PartnershipOwned):
    """A partnership's choice to share its aggregate figures with its region."""

    shares_with_region = models.BooleanField(
        default=False,
        help_text="The partnership's unit costs, training rates, compliance, participation "
        "and pooled outcomes appear in its region's benchmarks.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="regional_sharing_one_each"),
        ]

    def __str__(self) -> str:
        shared = "shares" if self.shares_with_region else "does not share"
        return f"{self.partnership} {shared} with its region"


class RegionalMembership(models.Model):
    """A user who coordinates a region: they read its opted-in partnerships' benchmarks."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regional_memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="coordinators")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="regional_membership_unique"),
        ]
        ordering = ["region", "user"]

    def __str__(self) -> str:
        return f"{self.user} – regional coordinator – {self.region}"
