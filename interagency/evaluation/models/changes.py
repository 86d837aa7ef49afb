"""Each plan's main change kept per person, so pages across plans read no answers.

Results across courses and the board's annual report need, for every plan and
scale, the scores of the people paired into the end of the course
(``analysis.breakdowns``). Scoring them means reading every answer of every
wave. ``PairedScore`` keeps each pair's two scores, computed by the same code
from the same answers, so those pages read a few rows a person instead;
``ChangeScores`` says what the rows were computed from, so that a plan whose
learners' responses or waves changed since is computed again before it is read
(``services.changes``). The rows are as personal as the answers: they are read
only into the figures the pages already show, where groups under five are
suppressed as before.
"""

from django.db import models

from interagency.evaluation.models.plans import EvaluationPlan
from interagency.evaluation.models.responses import Response, ResponseCode
from interagency.tenancy.models import PartnershipOwned


class ChangeScores(PartnershipOwned):
    """What a plan's ``PairedScore`` rows were computed from, and its scales' main changes."""

    plan = models.OneToOneField(EvaluationPlan, on_delete=models.CASCADE, related_name="+")
    # The learners' responses then: how many, and the newest (responses are never changed).
    responses = models.PositiveIntegerField(default=0)
    last_response = models.PositiveBigIntegerField(default=0)
    # The plan's response mode and each wave's kind and version, as ``changes.waves_asked`` says.
    waves = models.TextField(blank=True)
    # Every response answered the version its wave asks (or an older one with no other
    # scales), so a filter narrows the rows and never changes how a score is computed.
    scored_alike = models.BooleanField(default=True)
    # [{"key", "name", "unit", "waves"}] for each scale with a main change, in the plan's order.
    scales = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Main changes of plan {self.plan_id}"


class PairedScore(PartnershipOwned):
    """One person's scores of one scale before and after the course (both present)."""

    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="+")
    scale_key = models.SlugField(max_length=60)
    code = models.ForeignKey(ResponseCode, on_delete=models.CASCADE, related_name="+")
    before_response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    after_response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="+")
    before = models.FloatField()
    after = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "scale_key", "code"], name="paired_score_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale_key}: {self.before} to {self.after}"
