"""What the partnership plans from: headcounts, planned places, and the mapping survey."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.core.validation import PEOPLE, YEAR
from interagency.people.models.agencies import Agency, Service
from interagency.tenancy.models import PartnershipOwned


class Headcount(PartnershipOwned):
    """Staff numbers for an agency that will not give named lists."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="headcounts")
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="headcounts"
    )
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        "catalogue.Tier", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveIntegerField(validators=PEOPLE.validators())
    as_of = models.DateField(help_text="The date the figure describes.")
    source = models.CharField(max_length=200, help_text="Where the figure came from.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__name", "-as_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__isnull=False) | Q(tier__isnull=False),
                name="headcount_counts_a_role_or_tier",
            ),
            PEOPLE.constraint("count", "headcount_count_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.count} ({self.as_of})"


class PlannedPlaces(PartnershipOwned):
    """Places the partnership offers or plans on a course in a year (until sessions exist)."""

    course = models.ForeignKey("catalogue.Course", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    places = models.PositiveIntegerField(validators=PEOPLE.validators())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "course", "year"], name="planned_places_unique"
            ),
            YEAR.constraint("year", "planned_places_year_in_range"),
            PEOPLE.constraint("places", "planned_places_places_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.places} places in {self.year}"


class SurveyRequest(PartnershipOwned):
    """The mapping survey sent to one agency: a private link to a form its lead fills in."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        REPLIED = "replied", "Replied"
        ACCEPTED = "accepted", "Accepted"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="survey_requests")
    sent_to = models.EmailField()
    # The link carries a random token; only its hash is stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField(auto_now_add=True)
    chased_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The lead's return: [{"service": "...", "role_id": 1 | null, "tier_id": 2 | null,
    # "count": 12}], held until the coordinator accepts it into services and headcounts.
    reply = models.JSONField(default=list, blank=True)
    respondent_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["agency__name", "-sent_at"]

    def __str__(self) -> str:
        return f"Survey for {self.agency} ({self.get_status_display()})"
