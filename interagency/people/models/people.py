"""People who work with children, and their further posts; "current" is one rule for both.

``Person`` is personal data: it is changed only through ``services/`` (which
audits), and read through ``selectors.py`` with the visibility rules of
``visibility.py``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from interagency.people.models.agencies import Agency, Service
from interagency.tenancy.models import PartnershipOwned, PartnershipScopedQuerySet


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY_LOCUM = "agency_locum", "Agency or locum"
    VOLUNTEER = "volunteer", "Volunteer"
    TEMPORARY = "temporary", "Temporary"
    # Students on placement are neither employed nor volunteering, and are trained differently.
    STUDENT = "student", "Student or trainee on placement"


def current_on(day: datetime.date, prefix: str = "") -> Q:
    """Who is current on ``day``: no leaving date, or one still to come (they leave that day)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})


class PersonQuerySet(PartnershipScopedQuerySet):
    def current(self, today: datetime.date | None = None) -> "PersonQuerySet":
        """People not yet gone: a leaving date in the future keeps them current until then."""
        return self.filter(current_on(today or timezone.localdate()))


class Person(PartnershipOwned):
    """A professional or volunteer who works with children, parents or families."""

    full_name = models.CharField(max_length=150)
    work_email = models.EmailField(blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    external_id = models.CharField(
        max_length=64, blank=True, help_text="The agency's own id, such as an HR number."
    )
    registration_number = models.CharField(
        max_length=64, blank=True, help_text="Professional registration (GMC, NMC, SWE...)."
    )
    # The person's sign-in account, when they have one.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    # Set when a coordinator merged this record into another; kept for history.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    # When the leaving took effect in the records: at once for a day already come, else the
    # daily ``mark-leavers`` job on the day (people.services.people.mark_due_leavers).
    leaving_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_id"],
                condition=~Q(external_id=""),
                name="person_unique_external_id_in_agency",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(left_on__gte=F("started_on")),
                name="person_leaves_after_starting",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "agency", "left_on"]),
            models.Index(Lower("work_email"), name="person_work_email_ci"),
            models.Index(fields=["partnership", "registration_number"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.left_on is None or self.left_on > (today or timezone.localdate())

    def clean(self) -> None:
        if self.left_on and self.started_on and self.left_on < self.started_on:
            raise ValidationError(
                {"left_on": "The leaving date must be on or after the start date."}
            )
        service = self.service
        if service is not None and self.agency_id and service.agency_id != self.agency_id:
            raise ValidationError({"service": "Choose a service of the person's own agency."})


class PostQuerySet(PartnershipScopedQuerySet):
    def current(self, today: datetime.date | None = None) -> "PostQuerySet":
        """Posts not yet ended, by the same rule as people (``current_on``)."""
        return self.filter(current_on(today or timezone.localdate()))


class Post(PartnershipOwned):
    """A further post a person holds besides their main one (the ``Person``'s own fields).

    HR systems export one row per post; the first is the person's main post, the
    others are kept here so their roles' training counts too (decision 0015).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="posts")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    role = models.ForeignKey(
        "catalogue.Role", on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    job_title = models.CharField(max_length=150, blank=True)
    line_manager = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="post_reports"
    )
    employment_type = models.CharField(
        max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    started_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(left_on__gte=F("started_on")),
                name="post_ends_after_starting",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "person", "left_on"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.title}"

    @property
    def title(self) -> str:
        """What the post is called: its job title, else its role, else its agency."""
        return self.job_title or str(self.role or self.agency)

    def is_current(self, today: datetime.date | None = None) -> bool:
        return self.left_on is None or self.left_on > (today or timezone.localdate())

    def clean(self) -> None:
        if self.left_on and self.started_on and self.left_on < self.started_on:
            raise ValidationError(
                {"left_on": "The leaving date must be on or after the start date."}
            )
        service = self.service
        if service is not None and self.agency_id and service.agency_id != self.agency_id:
            raise ValidationError({"service": "Choose a service of the post's own agency."})
