"""The trainer's post-course summary of a session: what went well, what to change.

Written by a trainer of the session after it has run and read by the
partnership's coordinators beside the session's evaluation. One per session;
a later edit replaces the words (each change is audited).
"""

from django.conf import settings
from django.db import models

from interagency.tenancy.models import PartnershipOwned

SUMMARY_LENGTH = 5_000


class TrainerSummary(PartnershipOwned):
    session = models.OneToOneField(
        "delivery.Session", on_delete=models.CASCADE, related_name="trainer_summary"
    )
    went_well = models.TextField(max_length=SUMMARY_LENGTH)
    to_change = models.TextField(max_length=SUMMARY_LENGTH, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(went_well=""), name="trainer_summary_says_what_went_well"
            ),
        ]

    def __str__(self) -> str:
        return f"Trainer's summary of {self.session}"
