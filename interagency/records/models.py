"""Training records: the courses a person has completed, from a register or from elsewhere."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.core.dates import govuk_date
from interagency.core.validation import HOURS
from interagency.tenancy.models import PartnershipOwned


class TrainingRecord(PartnershipOwned):
    class Source(models.TextChoices):
        SESSION = "session", "Attended a session"
        EXTERNAL = "external", "Recorded from elsewhere"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey("catalogue.Course", on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, validators=HOURS.validators())
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SESSION)
    # Set when the record came from closing a register; one record per booking.
    booking = models.OneToOneField(
        "delivery.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_record",
    )
    partly_completed = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="session") | Q(booking__isnull=False),
                name="training_record_session_has_booking",
            ),
            HOURS.constraint("hours", "training_record_hours_in_range"),
        ]
        indexes = [models.Index(fields=["person", "course", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.course} on {govuk_date(self.completed_on)}"
