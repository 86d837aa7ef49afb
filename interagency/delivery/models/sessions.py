"""Sessions: dated runs of a course, with their parts, venue, trainers and booking rules.

``Session.places_taken`` counts the bookings that hold a place (confirmed, or
offered from the waiting list and not yet answered). It is raised only by a
conditional UPDATE (``places_taken < capacity``) and a check constraint keeps
it at or below capacity, so no interleaving of bookings can overfill a
session on SQLite or PostgreSQL (see ``delivery/services/bookings.py``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from interagency.core.dates import govuk_date
from interagency.core.validation import CAPACITY, MONEY, ORDER, PLACES, Bound
from interagency.people.models import Sector
from interagency.tenancy.models import PartnershipOwned, PartnershipScopedQuerySet

OFFER_HOURS = Bound(1, 24 * 14)
REMINDER_DAYS = Bound(0, 60)


class WaitingListMode(models.TextChoices):
    AUTO_CONFIRM = "auto", "Give the place to the next person straight away"
    OFFER = "offer", "Offer the place, to be accepted before a deadline"


class DeliverySettings(PartnershipOwned):
    """How one partnership runs bookings; one row per partnership, created on first use."""

    requires_manager_approval = models.BooleanField(
        default=False, help_text="A line manager or agency lead approves each booking."
    )
    waiting_list_mode = models.CharField(
        max_length=10, choices=WaitingListMode.choices, default=WaitingListMode.OFFER
    )
    offer_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=OFFER_HOURS.validators(),
        help_text="How long a waiting-list offer stays open.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=3,
        validators=REMINDER_DAYS.validators(),
        help_text="Days before a session that attendees get a reminder.",
    )
    default_no_show_charge = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=MONEY.validators()
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"], name="delivery_settings_one_per_partnership"
            ),
            OFFER_HOURS.constraint("offer_hours", "delivery_settings_offer_hours_in_range"),
            REMINDER_DAYS.constraint("reminder_days", "delivery_settings_reminder_days_in_range"),
            MONEY.constraint("default_no_show_charge", "delivery_settings_no_show_charge_in_range"),
        ]
        verbose_name_plural = "delivery settings"

    def __str__(self) -> str:
        return f"Delivery settings of {self.partnership}"


class Venue(PartnershipOwned):
    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=10, blank=True)
    access_information = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, accessible toilets."
    )
    parking = models.TextField(blank=True)
    refreshments = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="venue_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class SessionQuerySet(PartnershipScopedQuerySet):
    def scheduled(self) -> "SessionQuerySet":
        return self.filter(status=Session.Status.SCHEDULED)


class Session(PartnershipOwned):
    """One run of a course: one or more dated parts, a place, and the rules for booking it."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        CLOSED = "closed", "Register closed"

    course = models.ForeignKey(
        "catalogue.Course", on_delete=models.PROTECT, related_name="sessions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    format = models.CharField(
        max_length=10, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    # Released to confirmed attendees only (pages, reminders, invitations).
    joining_link = models.URLField(blank=True)
    joining_instructions = models.TextField(blank=True)

    capacity = models.PositiveIntegerField(validators=CAPACITY.validators())
    minimum_numbers = models.PositiveIntegerField(
        default=0,
        validators=PLACES.validators(),
        help_text="Fewer bookings than this a week before puts the session at risk.",
    )
    places_taken = models.PositiveIntegerField(default=0, editable=False)

    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    cancellation_cutoff = models.DateTimeField(
        null=True, blank=True, help_text="Cancelling after this is a late cancellation."
    )
    # Mix rules: no agency above this share of the places (percent); sector holds below.
    max_agency_share = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="No single agency may take more than this percentage of the places.",
    )
    # Places other partnerships of the region may book.
    regional_places = models.PositiveIntegerField(default=0, validators=PLACES.validators())
    no_show_charge = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00"), validators=MONEY.validators()
    )

    # Denormalised from the parts so lists sort and filter on one table.
    starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    # iCalendar SEQUENCE: raised whenever dates, place or status change.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    notes = models.TextField(blank=True, help_text="Shown to attendees.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    register_closed_at = models.DateTimeField(null=True, blank=True)
    register_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")), name="session_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(minimum_numbers__lte=F("capacity")),
                name="session_minimum_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(regional_places__lte=F("capacity")),
                name="session_regional_places_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(max_agency_share__isnull=True)
                | Q(max_agency_share__gte=1, max_agency_share__lte=100),
                name="session_agency_share_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
            ),
            CAPACITY.constraint("capacity", "session_capacity_in_range"),
            PLACES.constraint("minimum_numbers", "session_minimum_numbers_in_range"),
            PLACES.constraint("regional_places", "session_regional_places_in_range"),
            MONEY.constraint("no_show_charge", "session_no_show_charge_in_range"),
        ]
        indexes = [
            models.Index(fields=["partnership", "status", "starts_at"]),
            models.Index(fields=["course", "starts_at"]),
        ]

    def __str__(self) -> str:
        when = govuk_date(self.starts_at) if self.starts_at else "undated"
        return f"{self.course} – {when}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.capacity is not None and self.minimum_numbers > self.capacity:
            errors["minimum_numbers"] = "Minimum numbers must not be more than the capacity."
        if self.capacity is not None and self.regional_places > self.capacity:
            errors["regional_places"] = "Places for the region must not be more than the capacity."
        if (
            self.booking_opens_at
            and self.booking_closes_at
            and self.booking_closes_at <= self.booking_opens_at
        ):
            errors["booking_closes_at"] = "Booking must close after it opens."
        if self.format == SessionFormat.IN_PERSON and self.venue_id is None:
            errors["venue"] = "Choose a venue for an in-person session."
        if self.format == SessionFormat.ONLINE and not self.joining_link:
            errors["joining_link"] = "Enter the joining link for an online session."
        if errors:
            raise ValidationError(errors)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class SessionPart(models.Model):
    """One dated sitting of a session: a whole day, or one twilight part of a modular course.

    Times are stored in UTC and entered and shown in Europe/London, so a part
    on the day the clocks change keeps its wall-clock times.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="parts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    order = models.PositiveSmallIntegerField(default=0, validators=ORDER.validators())

    class Meta:
        ordering = ["session", "starts_at"]
        constraints = [
            ORDER.constraint("order", "session_part_order_in_range"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_part_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Part {self.order + 1} of {self.session}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end time must be after the start time."})

    @property
    def hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class SessionTrainer(models.Model):
    """Who delivers a session: a member with the trainer role, a person, or a provider."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="trainers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        help_text="The trainer's account: lets them take the register.",
    )
    name = models.CharField(max_length=150, help_text="As shown to attendees.")
    provider_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["session", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="session_trainer_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SectorHold(models.Model):
    """Places kept for one sector until a date, so the room stays multi-agency."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sector_holds")
    sector = models.CharField(max_length=30, choices=Sector.choices)
    places = models.PositiveIntegerField(validators=CAPACITY.validators())
    until = models.DateTimeField(help_text="After this the held places are open to everyone.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "sector"], name="sector_hold_once"),
            CAPACITY.constraint("places", "sector_hold_places_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.places} places for {self.get_sector_display()}"
