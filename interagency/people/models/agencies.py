"""Agencies of a partnership, the sectors they work in, their services and other names."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from interagency.tenancy.models import PartnershipOwned


class Sector(models.TextChoices):
    HEALTH = "health", "Health"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years and childminding"
    POLICE = "police", "Police"
    PROBATION_YOUTH_JUSTICE = "probation_youth_justice", "Probation and youth justice"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary and community"
    FAITH = "faith", "Faith"
    SPORT_LEISURE = "sport_leisure", "Sport and leisure"
    OTHER = "other", "Other"


class Agency(PartnershipOwned):
    name = models.CharField(max_length=200)
    # Staff lists may name the agency by a short code (an ODS or school URN) instead.
    code = models.CharField(
        max_length=30, blank=True, help_text="A short code staff lists may use, like an ODS code."
    )
    sector = models.CharField(max_length=30, choices=Sector.choices)
    is_statutory_partner = models.BooleanField(
        default=False, help_text="One of the statutory safeguarding partners."
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    # The agency lead's account, when they have one: they see this agency's people.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_agencies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                F("partnership"), Lower("name"), name="agency_unique_name_in_partnership"
            ),
            models.UniqueConstraint(
                F("partnership"),
                Lower("code"),
                condition=~Q(code=""),
                name="agency_unique_code_in_partnership",
            ),
        ]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class AgencyAlias(PartnershipOwned):
    """Another name a staff list's organisation column gives an agency, remembered once chosen.

    ``text`` is normalised (``importing.organisations.organisation_key``): the
    same words in any case and spacing are one alias.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "text"], name="agency_alias_unique_in_partnership"
            ),
        ]
        verbose_name_plural = "agency aliases"

    def __str__(self) -> str:
        return f"{self.text} → {self.agency}"


class Service(PartnershipOwned):
    """A team or department of an agency (a hospital's A&E, a council's homeless persons team)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                F("agency"), Lower("name"), name="service_unique_name_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.name}"
