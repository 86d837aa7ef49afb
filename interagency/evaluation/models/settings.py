"""A partnership's evaluation settings: whether a certificate waits for the end questionnaire."""

from django.conf import settings
from django.db import models

from interagency.tenancy.models import PartnershipOwned


class EvaluationSettings(PartnershipOwned):
    # A learner gets their certificate once they have answered the end-of-course questionnaire
    # of a named or pseudonymous evaluation (an anonymous one cannot say who answered).
    certificate_after_end_questionnaire = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "evaluation settings"
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="evaluation_settings_one_each"),
        ]

    def __str__(self) -> str:
        return f"Evaluation settings of {self.partnership_id}"
