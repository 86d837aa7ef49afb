"""Instruments: questionnaires of scales and items, versioned.

An instrument's content lives in its versions. A version is never changed
once made: a changed instrument is a new version, and every response keeps
the version it answered, so old answers are always read against the items
they answered. Scales carry a Barr/Kirkpatrick outcome level and the share
of their items a person must answer for a score.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from interagency.core.validation import ORDER, Bound
from interagency.evaluation.formats import KEYED, MAX_CHOICES, RATINGS, ResponseFormat
from interagency.tenancy.models import PartnershipOwned

# The least share of a scale's items (percent) answered for a score; 80 unless set.
ANSWERED_PERCENT = Bound(1, 100)
DEFAULT_ANSWERED_PERCENT = 80


class OutcomeLevel(models.TextChoices):
    """Kirkpatrick's levels as elaborated by Barr et al. for inter-professional education."""

    REACTION = "1", "1 Reaction"
    ATTITUDES = "2a", "2a Attitudes and perceptions"
    KNOWLEDGE_AND_SKILLS = "2b", "2b Knowledge and skills"
    BEHAVIOUR = "3", "3 Behavioural change"
    ORGANISATIONAL_PRACTICE = "4a", "4a Change in organisational practice"
    BENEFITS = "4b", "4b Benefits to children and families"


class Scoring(models.TextChoices):
    MEAN = "mean", "Mean of the answered items"
    PERCENT_CORRECT = "percent_correct", "Percent correct of the answered items"


class Instrument(PartnershipOwned):
    """A questionnaire a partnership uses, under one name, through its versions."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The shipped templates it was made from, if any (their keys, in order).
    templates = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="instrument_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class InstrumentVersion(PartnershipOwned):
    """One fixed content of an instrument; the partnership is the instrument's."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    introduction = models.TextField(blank=True)
    # What changed from the version before, in the coordinator's words.
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="instrument_version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} (version {self.number})"


class Scale(models.Model):
    """A set of items scored together; a subscale names its parent scale."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="scales")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subscales"
    )
    # Stable across versions and instruments: analysis pairs waves by it.
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=2, choices=OutcomeLevel.choices)
    scoring = models.CharField(max_length=20, choices=Scoring.choices, default=Scoring.MEAN)
    min_answered_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_ANSWERED_PERCENT, validators=ANSWERED_PERCENT.validators()
    )
    # Read before the items: a knowledge scale's case vignette.
    preamble = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, validators=ORDER.validators())

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="scale_unique_key"),
            ANSWERED_PERCENT.constraint("min_answered_percent", "scale_answered_percent_in_range"),
            ORDER.constraint("order", "scale_order_in_range"),
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One question. Its number answers lie within its format's range."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    # Null for items scored in no scale (free text, a question for the record).
    scale = models.ForeignKey(
        Scale, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    key = models.SlugField(max_length=60)
    text = models.TextField()
    response_format = models.CharField(max_length=20, choices=ResponseFormat.choices)
    # The options of a multiple-choice item, answered by number from 1.
    choices = models.JSONField(default=list, blank=True)
    # The right answer of a knowledge item (a choice's number; 1 yes, 0 no).
    correct_answer = models.SmallIntegerField(null=True, blank=True)
    reverse_keyed = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0, validators=ORDER.validators())

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="item_unique_key"),
            models.CheckConstraint(
                condition=Q(correct_answer__isnull=True) | Q(response_format__in=KEYED),
                name="item_answer_key_only_on_keyed_formats",
            ),
            models.CheckConstraint(
                condition=Q(reverse_keyed=False) | Q(response_format__in=RATINGS),
                name="item_reverse_keyed_only_on_ratings",
            ),
            models.CheckConstraint(
                condition=~Q(response_format=ResponseFormat.FREE_TEXT) | Q(scale__isnull=True),
                name="item_free_text_in_no_scale",
            ),
            ORDER.constraint("order", "item_order_in_range"),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        choices = self.choices or []
        if self.response_format == ResponseFormat.MULTIPLE_CHOICE:
            if not 2 <= len(choices) <= MAX_CHOICES:
                raise ValidationError(
                    {"choices": f"Give between 2 and {MAX_CHOICES} options for {self.key}."}
                )
        elif choices:
            raise ValidationError(
                {"choices": f"Only multiple-choice items have options: {self.key}."}
            )


class ItemOutcome(models.Model):
    """An item measures a learning outcome of a course, or a competence of a framework tier.

    The outcome's words are kept as they were when linked: the catalogue keeps
    outcomes as a list of text that a new framework version may reword.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="outcomes")
    course = models.ForeignKey(
        "catalogue.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    tier = models.ForeignKey(
        "catalogue.Tier", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, tier__isnull=True)
                | Q(course__isnull=True, tier__isnull=False),
                name="item_outcome_course_or_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.outcome[:60]}"
