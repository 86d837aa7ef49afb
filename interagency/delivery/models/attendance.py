"""The register: what happened to each booking, charges for its places, and certificates."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from interagency.core.validation import HOURS, MINUTES, MONEY
from interagency.tenancy.models import PartnershipOwned


class AttendanceOutcome(models.TextChoices):
    ATTENDED = "attended", "Attended"
    PARTLY = "partly", "Partly attended"
    ABSENT_WITH_NOTICE = "absent", "Absent with notice"
    NO_SHOW = "no_show", "Did not attend"


class Attendance(models.Model):
    """One confirmed booking's line on the register."""

    booking = models.OneToOneField(
        "delivery.Booking", on_delete=models.CASCADE, related_name="attendance"
    )
    outcome = models.CharField(max_length=10, choices=AttendanceOutcome.choices)
    # For modular sessions: the parts the person was present at.
    parts_attended = models.ManyToManyField("delivery.SessionPart", blank=True, related_name="+")
    arrived_late = models.BooleanField(default=False)
    late_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MINUTES.validators()
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            MINUTES.constraint("late_minutes", "attendance_late_minutes_in_range", nullable=True)
        ]

    def __str__(self) -> str:
        return f"{self.booking.person}: {self.get_outcome_display()}"


class ChargeKind(models.TextChoices):
    NO_SHOW = "no_show", "No-show"
    DELEGATE = "delegate", "Delegate place"


class Charge(PartnershipOwned):
    """What an agency owes for one booking: a place its staff member booked and did not use
    (a no-show, raised here when the register closes) or a delegate's place (raised by the
    charging rules of an app above delivery, from the same close). One booking has at most
    one charge: a person either came or did not."""

    booking = models.OneToOneField(
        "delivery.Booking", on_delete=models.PROTECT, related_name="charge"
    )
    kind = models.CharField(max_length=10, choices=ChargeKind.choices, default=ChargeKind.NO_SHOW)
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=MONEY.validators())
    waived = models.BooleanField(default=False)
    # Why the coordinator let the agency off (e.g. absent with notice the trainer did not
    # record); kept on the row so the invoice export can say it, and in the audit trail.
    waived_reason = models.CharField(max_length=300, blank=True)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "kind"], name="delivery_charge_kind")]
        constraints = [
            # Names kept from when every charge was a no-show's: renaming them is churn.
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")), name="no_show_charge_positive"
            ),
            MONEY.constraint("amount", "no_show_charge_amount_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} for {self.booking}"


# Unambiguous characters only: no 0/O, 1/I/L.
CERTIFICATE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_certificate_number() -> str:
    groups = ("".join(secrets.choice(CERTIFICATE_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


class Certificate(PartnershipOwned):
    """A certificate of attendance. Holds exactly what is printed, so verifying it reveals
    nothing more, and it still reads the same after the course or person changes."""

    number = models.CharField(max_length=20, unique=True, default=new_certificate_number)
    booking = models.OneToOneField(
        "delivery.Booking", on_delete=models.PROTECT, related_name="certificate"
    )
    person_name = models.CharField(max_length=150)
    course_title = models.CharField(max_length=200)
    tier_name = models.CharField(max_length=100)
    attended_on = models.DateField(help_text="The date of the session's last part.")
    hours = models.DecimalField(max_digits=5, decimal_places=1, validators=HOURS.validators())
    outcomes = models.JSONField(default=list, blank=True)
    partnership_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [HOURS.constraint("hours", "certificate_hours_in_range")]

    def __str__(self) -> str:
        return f"Certificate {self.number}"
