"""Bookings and the waiting list: one row per person per attempt to attend a session.

A live booking (awaiting approval, confirmed, waiting or offered) is unique
per person and session, by a partial unique constraint, so nobody is booked
twice however many requests race. Bookings that hold a place (confirmed,
offered) are counted in ``Session.places_taken``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.tenancy.models import PartnershipOwned


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", "Awaiting approval"
    CONFIRMED = "confirmed", "Confirmed"
    WAITING = "waiting", "On the waiting list"
    OFFERED = "offered", "Place offered"
    CANCELLED = "cancelled", "Cancelled"
    REFUSED = "refused", "Not approved"
    DECLINED = "declined", "Offer declined"
    EXPIRED = "expired", "Offer expired"
    SESSION_CANCELLED = "session_cancelled", "Session cancelled"


# A person has at most one of these per session.
LIVE_STATUSES = (
    BookingStatus.AWAITING_APPROVAL,
    BookingStatus.CONFIRMED,
    BookingStatus.WAITING,
    BookingStatus.OFFERED,
)
# These count in Session.places_taken.
PLACE_HOLDING_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)


class Booking(PartnershipOwned):
    """A person's booking on a session; ``partnership`` is the session's (the host's).

    A person from another partnership of the region may hold a booking here
    (``is_regional``); the host sees them on its session, nothing more.
    """

    session = models.ForeignKey(
        "delivery.Session", on_delete=models.CASCADE, related_name="bookings"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="bookings")
    # The person's agency when they booked: the mix, quotas and no-show charges use it.
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    is_regional = models.BooleanField(default=False)

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Queue order: the time the person joined the waiting list, then id.
    waiting_since = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who approved or refused the booking.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    is_late_cancellation = models.BooleanField(default=False)
    # Plain words only: the reason for a refusal or cancellation, never about a child.
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "booked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(status__in=LIVE_STATUSES),
                name="booking_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.WAITING) | Q(waiting_since__isnull=False),
                name="booking_waiting_has_queue_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=BookingStatus.OFFERED) | Q(offer_expires_at__isnull=False),
                name="booking_offer_has_deadline",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "waiting_since"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.session} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def holds_place(self) -> bool:
        return self.status in PLACE_HOLDING_STATUSES
