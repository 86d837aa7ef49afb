"""Responses: one person's answers to one wave, and the codes that link the waves.

A ``ResponseCode`` is the key between a booking and that person's answers:
responses carry the code, never the person. A pseudonymous evaluation shows
codes only; clearing the code's booking breaks the link for good while the
answers stay paired across waves. Anonymous responses have no code.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.evaluation.formats import LARGEST_ANSWER, SMALLEST_ANSWER
from interagency.evaluation.models.instruments import InstrumentVersion, Item
from interagency.evaluation.models.plans import EvaluationPlan, Wave
from interagency.tenancy.models import PartnershipOwned

# Unambiguous when read aloud or copied from paper: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


class ResponseCode(PartnershipOwned):
    plan = models.ForeignKey(EvaluationPlan, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=CODE_LENGTH)
    # The identity behind the code; SET_NULL keeps the answers when a booking goes.
    booking = models.ForeignKey(
        "delivery.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="response_code_unique"),
            models.UniqueConstraint(
                fields=["plan", "booking"],
                condition=Q(booking__isnull=False),
                name="response_code_one_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Respondent(models.TextChoices):
    LEARNER = "learner", "Learner"
    LINE_MANAGER = "line_manager", "Line manager"


class ResponseSource(models.TextChoices):
    ONLINE = "online", "Answered online"
    PAPER = "paper", "Entered from a paper form"
    IMPORT = "import", "Imported from a file"


class Response(PartnershipOwned):
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    # The version answered: a wave may ask a newer one later, these answers keep theirs.
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.CharField(
        max_length=12, choices=Respondent.choices, default=Respondent.LEARNER
    )
    response_code = models.ForeignKey(
        ResponseCode, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    # The session answered about; a course plan's responses are told apart by it.
    session = models.ForeignKey(
        "delivery.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consented = models.BooleanField(default=False)
    source = models.CharField(
        max_length=10, choices=ResponseSource.choices, default=ResponseSource.ONLINE
    )
    # Sent with the form: the same key again (a double click, a retry) is the same response.
    idempotency_key = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "idempotency_key"], name="response_idempotency_key_unique"
            ),
            models.UniqueConstraint(
                fields=["wave", "response_code", "respondent"],
                condition=Q(response_code__isnull=False),
                name="response_code_once_per_wave",
            ),
            models.CheckConstraint(
                condition=~Q(idempotency_key=""), name="response_has_idempotency_key"
            ),
        ]
        indexes = [models.Index(fields=["wave", "respondent"])]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.wave}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=Q(value__isnull=False, text="") | (Q(value__isnull=True) & ~Q(text="")),
                name="answer_is_number_or_text",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True)
                | Q(value__gte=SMALLEST_ANSWER, value__lte=LARGEST_ANSWER),
                name="answer_value_in_any_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.value if self.value is not None else '(text)'}"
