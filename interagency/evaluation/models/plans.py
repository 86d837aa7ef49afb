"""Evaluation plans: which questionnaire a course or session asks, and when.

A plan belongs to a course (every session of it) or to one session (which
then uses it instead of its course's). Its waves are the moments people are
asked: at registration (the first baseline), at the start, at the end, and
after some weeks, with or without the line manager. Each wave asks one
instrument version; pointing a wave at a newer version changes what later
respondents answer, while earlier responses keep theirs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.core.validation import Bound
from interagency.evaluation.models.instruments import InstrumentVersion
from interagency.tenancy.models import PartnershipOwned

# A follow-up comes 1 to 104 weeks after the end of the course.
FOLLOW_UP_WEEKS = Bound(1, 104)


class ResponseMode(models.TextChoices):
    NAMED = "named", "Named: answers are shown with the person's name"
    PSEUDONYMOUS = (
        "pseudonymous",
        "Pseudonymous: a response code links the waves; names are never shown beside answers",
    )
    ANONYMOUS = "anonymous", "Anonymous: no name or code; waves cannot be linked"


class EvaluationPlan(PartnershipOwned):
    course = models.ForeignKey(
        "catalogue.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "delivery.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_mode = models.CharField(
        max_length=12, choices=ResponseMode.choices, default=ResponseMode.PSEUDONYMOUS
    )
    consent_text = models.TextField(help_text="What respondents agree to before they answer.")
    privacy_text = models.TextField(help_text="Who sees the answers, how long they are kept.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, session__isnull=True)
                | Q(course__isnull=True, session__isnull=False),
                name="plan_for_course_or_session",
            ),
            models.UniqueConstraint(
                fields=["partnership", "course"],
                condition=Q(course__isnull=False),
                name="plan_one_per_course",
            ),
            models.UniqueConstraint(
                fields=["session"], condition=Q(session__isnull=False), name="plan_one_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.session or self.course}"

    @property
    def links_waves(self) -> bool:
        """Whether a person's answers at different waves can be paired."""
        return self.response_mode != ResponseMode.ANONYMOUS


class WaveKind(models.TextChoices):
    REGISTRATION = "registration", "At registration"
    START = "start", "At the start of the course"
    END = "end", "At the end of the course"
    FOLLOW_UP = "follow_up", "Follow-up"


# Waves in time order; follow-ups after the end, sorted by their weeks.
WAVE_ORDER = {
    WaveKind.REGISTRATION: 0,
    WaveKind.START: 1,
    WaveKind.END: 2,
    WaveKind.FOLLOW_UP: 3,
}


class Wave(models.Model):
    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(max_length=12, choices=WaveKind.choices)
    weeks_after_end = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=FOLLOW_UP_WEEKS.validators()
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="+"
    )
    # A follow-up the line manager also answers, about the learner's practice.
    line_manager_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=WaveKind.FOLLOW_UP, weeks_after_end__isnull=False)
                | (~Q(kind=WaveKind.FOLLOW_UP) & Q(weeks_after_end__isnull=True)),
                name="wave_weeks_only_for_follow_up",
            ),
            FOLLOW_UP_WEEKS.constraint(
                "weeks_after_end", "wave_weeks_after_end_in_range", nullable=True
            ),
            models.CheckConstraint(
                condition=Q(line_manager_version__isnull=True) | Q(kind=WaveKind.FOLLOW_UP),
                name="wave_line_manager_only_at_follow_up",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=~Q(kind=WaveKind.FOLLOW_UP),
                name="wave_one_of_each_kind",
            ),
            models.UniqueConstraint(
                fields=["plan", "weeks_after_end"],
                condition=Q(kind=WaveKind.FOLLOW_UP),
                name="wave_one_follow_up_per_week",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == WaveKind.FOLLOW_UP:
            return f"Follow-up after {self.weeks_after_end} weeks"
        return str(WaveKind(self.kind).label)

    @property
    def key(self) -> str:
        """A short name for columns and analysis: ``start``, ``follow_up_8``."""
        if self.kind == WaveKind.FOLLOW_UP:
            return f"follow_up_{self.weeks_after_end}"
        return str(self.kind)

    @property
    def sort_key(self) -> tuple[int, int]:
        return WAVE_ORDER[WaveKind(self.kind)], self.weeks_after_end or 0
