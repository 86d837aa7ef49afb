"""Emails to people: editable templates and an outbox that never loses a message.

A service writes an :class:`OutboxMessage` in the same transaction as the
change it reports (a booking, an offer, a cancellation), and a background
task sends it. The ``key`` is unique, so queueing the same notice twice
stores one message; the sender claims a message with a conditional UPDATE
before sending, so a retried task never sends a second copy. Each message
has a priority from its kind, so an offer that expires in hours is not
stuck behind a burst of booking confirmations.
"""

from django.db import models

from interagency.tenancy.models import PartnershipOwned


class MessageKind(models.TextChoices):
    BOOKING_CONFIRMED = "booking_confirmed", "Booking confirmed"
    BOOKING_WAITING = "booking_waiting", "Added to the waiting list"
    BOOKING_CANCELLED = "booking_cancelled", "Booking cancelled"
    APPROVAL_REQUESTED = "approval_requested", "Approval requested"
    BOOKING_REFUSED = "booking_refused", "Booking not approved"
    PLACE_OFFERED = "place_offered", "Waiting-list place offered"
    OFFER_EXPIRED = "offer_expired", "Waiting-list offer ended"
    REMINDER = "reminder", "Reminder before the session"
    SESSION_CHANGED = "session_changed", "Session changed"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"
    EVALUATION_INVITATION = "evaluation_invitation", "Evaluation questionnaire"
    EVALUATION_REMINDER = "evaluation_reminder", "Evaluation questionnaire reminder"
    TRAINING_DIGEST = "training_digest", "Monthly training digest to line managers"
    TRAINING_DUE = "training_due", "Reminder before training falls due"
    DECLARATION_MADE = "declaration_made", "Training declared, to whoever decides it"
    DECLARATION_APPROVED = "declaration_approved", "Declared training approved"
    DECLARATION_REJECTED = "declaration_rejected", "Declared training rejected"


class Priority(models.IntegerChoices):
    """The order the sender takes messages in: highest first, then oldest."""

    LOW = 10, "Low"
    NORMAL = 20, "Normal"
    HIGH = 30, "High"


# Kinds whose news loses its worth by the hour: a place offered for a limited
# time, a session moved or called off. Reminders can wait behind everything.
_PRIORITY_OF_KIND = {
    MessageKind.PLACE_OFFERED: Priority.HIGH,
    MessageKind.SESSION_CHANGED: Priority.HIGH,
    MessageKind.SESSION_CANCELLED: Priority.HIGH,
    MessageKind.REMINDER: Priority.LOW,
    MessageKind.EVALUATION_INVITATION: Priority.LOW,
    MessageKind.EVALUATION_REMINDER: Priority.LOW,
    MessageKind.TRAINING_DIGEST: Priority.LOW,
    MessageKind.TRAINING_DUE: Priority.LOW,
}


def priority_for(kind: str) -> Priority:
    """The sending priority of a message of ``kind`` (normal unless listed above)."""
    return _PRIORITY_OF_KIND.get(MessageKind(kind), Priority.NORMAL)


class MessageTemplate(PartnershipOwned):
    """A partnership's own wording for one kind of message (defaults live in code)."""

    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind"], name="message_template_once")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class OutboxMessage(PartnershipOwned):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=MessageKind.choices)
    # Always priority_for(kind): stored so the sender's claim can order by it.
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    key = models.CharField(max_length=200, unique=True, help_text="One message per key.")
    to_email = models.EmailField()
    # Blank until written: a message with a ``source`` is written by the sender, just
    # before it goes (rendering.write_messages), and keeps what was sent.
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # An iCalendar attachment (METHOD:REQUEST or CANCEL), when the message carries one.
    calendar = models.TextField(blank=True)
    # Who writes the message when it is sent: a name registered with
    # rendering.register_source (e.g. delivery's "booking"), blank when it was written
    # when queued. ``context`` is what the source needs besides the row's own keys
    # (ids, the values known when queued), never the wording.
    source = models.CharField(max_length=30, blank=True)
    context = models.JSONField(default=dict, blank=True)
    booking = models.ForeignKey(
        "delivery.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        "delivery.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # While SENDING: the claim's batch, and until when it holds the message. The
    # worker renews the lease as it sends; once it has passed (the worker was
    # killed), another worker may claim the message again.
    claimed_by = models.CharField(max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # After a failed attempt: the earliest time to try again (backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["partnership", "status", "created_at"]),
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["status", "-priority", "created_at"], name="outbox_sending_order"),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email or 'nobody'}"
