"""A partnership's money: its budget by financial year, what came in and went out, and
what each session cost.

Every amount is pounds and pence in a ``DecimalField`` within ``core.validation.MONEY``
(validators and a CHECK constraint): never a float. A financial year is named by
its first year: 2025 is 1 April 2025 to 31 March 2026. In-kind contributions
(trainer days, venue days) are stored as days and valued at the partnership's
rates when entered, so a later change of rate does not rewrite the past
(decision 0031).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from interagency.core.validation import MONEY, MONEY_DIGITS, MONEY_PLACES, YEAR, Bound
from interagency.people.models import Sector
from interagency.tenancy.models import PartnershipOwned

# Days given in kind on one line or one session: half days allowed.
DAYS = Bound(Decimal("0.0"), Decimal("1000.0"))


def money(**options: object) -> models.DecimalField:
    return models.DecimalField(
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
        validators=MONEY.validators(),
        **options,  # type: ignore[arg-type]
    )


def days(**options: object) -> models.DecimalField:
    return models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=DAYS.validators(),
        **options,  # type: ignore[arg-type]
    )


class BudgetCategory(models.TextChoices):
    # Income
    CONTRIBUTION = "contribution", "Partner contributions (money)"
    TRAINER_DAYS = "trainer_days", "Partner contributions: trainer days"
    VENUE_DAYS = "venue_days", "Partner contributions: venue days"
    DELEGATE_CHARGES = "delegate_charges", "Delegate charges"
    NO_SHOW_CHARGES = "no_show_charges", "No-show charges"
    OTHER_INCOME = "other_income", "Other income"
    # Spending
    TRAINER_FEES = "trainer_fees", "Provider and trainer fees"
    VENUE_HIRE = "venue_hire", "Venue hire"
    REFRESHMENTS = "refreshments", "Refreshments"
    MATERIALS = "materials", "Materials"
    ADMINISTRATION = "administration", "Administration"
    OTHER_SPENDING = "other_spending", "Other spending"


INCOME = (
    BudgetCategory.CONTRIBUTION,
    BudgetCategory.TRAINER_DAYS,
    BudgetCategory.VENUE_DAYS,
    BudgetCategory.DELEGATE_CHARGES,
    BudgetCategory.NO_SHOW_CHARGES,
    BudgetCategory.OTHER_INCOME,
)
SPENDING = tuple(category for category in BudgetCategory if category not in INCOME)
IN_KIND = (BudgetCategory.TRAINER_DAYS, BudgetCategory.VENUE_DAYS)


class FinanceSettings(PartnershipOwned):
    """The rates at which the partnership values what partners give in kind."""

    trainer_day_rate = money(default=Decimal("0.00"), help_text="A trainer's day, in pounds.")
    venue_day_rate = money(default=Decimal("0.00"), help_text="A venue's day, in pounds.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="finance_settings_once"),
            MONEY.constraint("trainer_day_rate", "finance_trainer_day_rate_in_range"),
            MONEY.constraint("venue_day_rate", "finance_venue_day_rate_in_range"),
        ]

    def __str__(self) -> str:
        return f"Finance settings of {self.partnership_id}"


class BudgetLine(PartnershipOwned):
    """One planned line of income or spending in a financial year."""

    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    category = models.CharField(max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(max_length=200)
    # Whose contribution it is (partner agencies); blank for the partnership's own lines.
    agency = models.ForeignKey(
        "people.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned = money()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "category", "description", "id"]
        indexes = [models.Index(fields=["partnership", "year", "category"])]
        constraints = [MONEY.constraint("planned", "budget_line_planned_in_range")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description} ({self.year})"

    @property
    def is_income(self) -> bool:
        return self.category in INCOME

    @property
    def is_in_kind(self) -> bool:
        return self.category in IN_KIND


class Entry(PartnershipOwned):
    """Money received or spent against a budget line (or days given in kind, valued)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="entries")
    on = models.DateField()
    amount = money()
    # For an in-kind line: the days given; ``amount`` is their value at the rate of the day.
    days = days(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name_plural = "entries"
        constraints = [
            MONEY.constraint("amount", "finance_entry_amount_in_range"),
            DAYS.constraint("days", "finance_entry_days_in_range", nullable=True),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.on.isoformat()}"


# What a session costs, by part: the fields of a SessionCost, in the order pages show them.
COST_PARTS = (
    ("trainer_fee", "Provider or trainer fee", BudgetCategory.TRAINER_FEES),
    ("venue", "Venue hire", BudgetCategory.VENUE_HIRE),
    ("refreshments", "Refreshments", BudgetCategory.REFRESHMENTS),
    ("materials", "Materials", BudgetCategory.MATERIALS),
    ("other", "Other", BudgetCategory.OTHER_SPENDING),
)
COST_FIELDS = tuple(
    f"{part}_{stage}" for stage in ("planned", "actual") for part, _, _ in COST_PARTS
)


class SessionCost(PartnershipOwned):
    """What one of the partnership's sessions was planned to cost and did cost.

    Actual money counts towards the budget's spending by the session's month;
    days given in kind count in the session's full cost (unit costs), valued
    at the partnership's rates when entered.
    """

    session = models.OneToOneField(
        "delivery.Session", on_delete=models.CASCADE, related_name="cost"
    )
    trainer_fee_planned = money(null=True, blank=True)
    venue_planned = money(null=True, blank=True)
    refreshments_planned = money(null=True, blank=True)
    materials_planned = money(null=True, blank=True)
    other_planned = money(null=True, blank=True)
    trainer_fee_actual = money(null=True, blank=True)
    venue_actual = money(null=True, blank=True)
    refreshments_actual = money(null=True, blank=True)
    materials_actual = money(null=True, blank=True)
    other_actual = money(null=True, blank=True)
    trainer_days_in_kind = days(default=Decimal("0.0"))
    venue_days_in_kind = days(default=Decimal("0.0"))
    in_kind_value = money(default=Decimal("0.00"), editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            *(
                MONEY.constraint(name, f"session_cost_{name}_in_range", nullable=True)
                for name in COST_FIELDS
            ),
            DAYS.constraint("trainer_days_in_kind", "session_cost_trainer_days_in_range"),
            DAYS.constraint("venue_days_in_kind", "session_cost_venue_days_in_range"),
            MONEY.constraint("in_kind_value", "session_cost_in_kind_value_in_range"),
        ]

    def __str__(self) -> str:
        return f"Costs of session {self.session_id}"


class ClosedYear(PartnershipOwned):
    """A financial year the coordinator has closed: its lines, entries, agreements and
    session costs are kept as reported until someone reopens it, with a reason (audited)."""

    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="finance_year_closed_once")
        ]

    def __str__(self) -> str:
        return f"Financial year {self.year} closed"


class FreePlaces(models.TextChoices):
    """What a partner's contribution earns its staff."""

    NONE = "none", "No free places"
    PER_TRAINER_DAY = "per_trainer_day", "Free places for each trainer day given"
    PER_VENUE_DAY = "per_venue_day", "Free places for each venue day given"
    PER_POUNDS = "per_pounds", "A free place for each sum of money given"
    UNLIMITED = "unlimited", "Free attendance (a contributing partner)"


# Free places earned per day given: a bound like a session's places.
PLACES_PER_DAY = Bound(0, 1_000)


class PartnerAgreement(PartnershipOwned):
    """One agency's contribution to a financial year and the free places it earns.

    Days in kind are valued at the partnership's rates when saved (decision 0031).
    """

    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="+")
    # The contribution in money, in pounds.
    amount = money(default=Decimal("0.00"))
    trainer_days = days(default=Decimal("0.0"))
    venue_days = days(default=Decimal("0.0"))
    in_kind_value = money(default=Decimal("0.00"), editable=False)
    earns = models.CharField(max_length=20, choices=FreePlaces.choices, default=FreePlaces.NONE)
    places_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=PLACES_PER_DAY.validators()
    )
    pounds_per_place = money(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "agency__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "agency"], name="finance_agreement_once_a_year"
            ),
            MONEY.constraint("amount", "finance_agreement_amount_in_range"),
            DAYS.constraint("trainer_days", "finance_agreement_trainer_days_in_range"),
            DAYS.constraint("venue_days", "finance_agreement_venue_days_in_range"),
            MONEY.constraint("in_kind_value", "finance_agreement_in_kind_in_range"),
            PLACES_PER_DAY.constraint(
                "places_per_day", "finance_agreement_places_in_range", nullable=True
            ),
            MONEY.constraint(
                "pounds_per_place", "finance_agreement_pounds_in_range", nullable=True
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement with agency {self.agency_id} for {self.year}"

    @property
    def total_value(self) -> Decimal:
        return self.amount + self.in_kind_value

    @property
    def free_places(self) -> int | None:
        """The free places earned; None for free attendance (no limit)."""
        if self.earns == FreePlaces.UNLIMITED:
            return None
        per_day = Decimal(self.places_per_day or 0)
        if self.earns == FreePlaces.PER_TRAINER_DAY:
            return int(self.trainer_days * per_day)
        if self.earns == FreePlaces.PER_VENUE_DAY:
            return int(self.venue_days * per_day)
        if self.earns == FreePlaces.PER_POUNDS and self.pounds_per_place:
            return int(self.amount // self.pounds_per_place)
        return 0


class DelegateRate(PartnershipOwned):
    """What a delegate of an agency in ``sector`` pays for a place: a full day (over four
    hours) and a half day. ``year`` None is the current rates, for a year without its own."""

    year = models.PositiveSmallIntegerField(null=True, blank=True, validators=YEAR.validators())
    sector = models.CharField(max_length=30, choices=Sector.choices)
    full_day = money()
    half_day = money()

    class Meta:
        ordering = ["sector", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "sector"],
                condition=models.Q(year__isnull=False),
                name="finance_rate_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "sector"],
                condition=models.Q(year__isnull=True),
                name="finance_current_rate_once",
            ),
            MONEY.constraint("full_day", "finance_rate_full_day_in_range"),
            MONEY.constraint("half_day", "finance_rate_half_day_in_range"),
        ]

    def __str__(self) -> str:
        return f"Delegate rate for {self.sector} ({self.year or 'current'})"


class Exemption(models.TextChoices):
    NAMED = "named", "Named by the partnership"
    SMALL_CHARITY = "small_charity", "Small charity"


class ChargeExemption(PartnershipOwned):
    """An agency whose delegates are never charged (no-show charges are not affected)."""

    agency = models.ForeignKey("people.Agency", on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20, choices=Exemption.choices, default=Exemption.NAMED)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "agency"], name="finance_exemption_once")
        ]

    def __str__(self) -> str:
        return f"Exemption of agency {self.agency_id}"


class FreePlaceUse(PartnershipOwned):
    """A delegate's place an agency's agreement paid for instead of a charge."""

    booking = models.OneToOneField(
        "delivery.Booking", on_delete=models.CASCADE, related_name="free_place"
    )
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(validators=YEAR.validators())
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "year", "agency"])]

    def __str__(self) -> str:
        return f"Free place for booking {self.booking_id}"
