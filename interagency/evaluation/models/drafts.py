"""Drafts: answers a learner saved to finish later, kept on the server until sent.

A draft is held by what the learner's link names (their response code, or for
an anonymous evaluation a random key the link carries), never by the person:
a pseudonymous draft carries no more identity than the answers it becomes.
"""

from django.db import models

from interagency.evaluation.models.plans import Wave
from interagency.tenancy.models import PartnershipOwned

HOLDER_LENGTH = 80


class ResponseDraft(PartnershipOwned):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="drafts")
    # ``learner:<code>``, ``line_manager:<code>`` or ``learner:key:<random>``.
    holder = models.CharField(max_length=HOLDER_LENGTH)
    # Item key to the text typed or the option chosen, as the form sent them.
    answers = models.JSONField(default=dict)
    consented = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "holder"], name="response_draft_once"),
        ]

    def __str__(self) -> str:
        return f"Draft for {self.wave} by {self.holder}"
