"""The demo borough's money for the current financial year: synthetic demo data.

Every amount here is invented for the demo and is not a published figure. The
*shape* follows published charging policies (``published-facts.md`` §4): a
partner supplying a trainer day earns free places (Northumberland: 10 a day),
contributing partners attend free (Cambridgeshire), full-day and half-day
delegate rates with small charities exempt (Leeds). Budget lines and entries,
partner agreements in money and in kind, session costs, and the delegate
charges and free places of the year's closed registers, raised by the same
service a register's close calls. Made once: a partnership with finance
settings already is left alone. A few dozen rows and one pass over the year's
closed sessions, so ``seed --scale demo`` stays fast.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interagency.delivery.models import Session
from interagency.delivery.selectors.sessions import sessions_of
from interagency.finance import services
from interagency.finance.agreements import Terms, add_agreement
from interagency.finance.charging import exempt_agency, raise_delegate_charges, set_delegate_rate
from interagency.finance.models import BudgetCategory, Exemption, FinanceSettings, FreePlaces
from interagency.finance.rules import financial_year_of
from interagency.finance.selectors import year_bounds
from interagency.people.models import Agency, Sector
from interagency.tenancy.models import Partnership

C = BudgetCategory
# (category, description, agency name or "", planned £): invented demo figures.
DEMO_LINES: tuple[tuple[str, str, str, str], ...] = (
    (C.CONTRIBUTION, "Council contribution", "Demo Council Children's Services", "18000"),
    (C.CONTRIBUTION, "NHS trust contribution", "Demo Community Health NHS Trust", "12000"),
    (C.CONTRIBUTION, "Police contribution", "Demo Borough Police Safeguarding Unit", "6000"),
    (C.TRAINER_DAYS, "Trainer days from the NHS trust", "Demo Community Health NHS Trust", "2800"),
    (C.VENUE_DAYS, "Council venue days", "Demo Council Children's Services", "1600"),
    (C.DELEGATE_CHARGES, "Delegate charges to non-contributing agencies", "", "1500"),
    (C.NO_SHOW_CHARGES, "No-show charges", "", "600"),
    (C.TRAINER_FEES, "Commissioned trainers", "", "16000"),
    (C.VENUE_HIRE, "Venue hire", "", "4500"),
    (C.REFRESHMENTS, "Refreshments", "", "2400"),
    (C.MATERIALS, "Handouts and workbooks", "", "900"),
    (C.ADMINISTRATION, "Training administrator (share)", "", "9000"),
)
# Agreements: (agency, money £, trainer days, venue days, what it earns, places a day).
DEMO_AGREEMENTS: tuple[tuple[str, str, str, str, str, int | None], ...] = (
    ("Demo Council Children's Services", "18000", "0", "8", FreePlaces.UNLIMITED, None),
    ("Demo Community Health NHS Trust", "12000", "8", "0", FreePlaces.UNLIMITED, None),
    ("Demo Borough Police Safeguarding Unit", "6000", "0", "0", FreePlaces.UNLIMITED, None),
    ("Demo Youth Justice Service", "0", "2", "0", FreePlaces.PER_TRAINER_DAY, 10),
    ("Demo Academy", "0", "0", "1", FreePlaces.PER_VENUE_DAY, 5),
)
# Delegate rates by sector, for agencies that do not contribute (the current rates).
DEMO_RATES: tuple[tuple[str, str, str], ...] = (
    (Sector.EDUCATION, "50.00", "35.00"),
    (Sector.EARLY_YEARS, "50.00", "35.00"),
    (Sector.HEALTH, "50.00", "35.00"),
    (Sector.HOUSING, "50.00", "35.00"),
    (Sector.VOLUNTARY, "50.00", "35.00"),
    (Sector.OTHER, "50.00", "35.00"),
)
SMALL_CHARITY = "Demo Youth Project"


def seed_demo_finance(
    partnership: Partnership, coordinator: Any, *, now: datetime.datetime | None = None
) -> bool:
    """The demo borough's year of money, once; False when it was already there."""
    if FinanceSettings.objects.for_partnership(partnership).exists():
        return False
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    year = financial_year_of(today)
    rng = random.Random(f"finance:{partnership.code}")
    agencies = {a.name: a for a in Agency.objects.for_partnership(partnership)}
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("350.00"),
        venue_day_rate=Decimal("200.00"),
        changed_by=coordinator,
    )
    _budget(partnership, coordinator, year, today, agencies, rng)
    _agreements(partnership, coordinator, year, agencies)
    _charging_terms(partnership, coordinator, agencies)
    _session_costs_and_charges(partnership, coordinator, year, now, rng)
    return True


def _budget(
    partnership: Partnership,
    coordinator: Any,
    year: int,
    today: datetime.date,
    agencies: dict[str, Agency],
    rng: random.Random,
) -> None:
    """The year's lines; contributions entered as received, spending month by month."""
    first = datetime.date(year, 4, 1)
    for category, description, agency_name, planned in DEMO_LINES:
        line = services.add_budget_line(
            partnership=partnership,
            year=year,
            category=category,
            description=description,
            planned=Decimal(planned),
            agency=agencies.get(agency_name),
            added_by=coordinator,
        )
        if category == C.CONTRIBUTION and today >= first + datetime.timedelta(days=30):
            services.record_entry(
                line=line,
                on=first + datetime.timedelta(days=30),
                amount=Decimal(planned),
                description="Received in full",
                recorded_by=coordinator,
            )
        elif category in (C.ADMINISTRATION, C.MATERIALS):
            _monthly(line, Decimal(planned), first, today, coordinator, rng)


def _monthly(line, planned: Decimal, first, today, coordinator, rng: random.Random) -> None:
    """A twelfth of the plan, give or take, on the last working week of each month so far."""
    month = first
    while month.replace(day=25) <= today:
        share = planned / 12 * Decimal(rng.uniform(0.85, 1.1))
        services.record_entry(
            line=line,
            on=month.replace(day=25),
            amount=share.quantize(Decimal("0.01")),
            recorded_by=coordinator,
        )
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _agreements(
    partnership: Partnership, coordinator: Any, year: int, agencies: dict[str, Agency]
) -> None:
    for name, amount, trainer_days, venue_days, earns, per_day in DEMO_AGREEMENTS:
        if name not in agencies:
            continue
        add_agreement(
            partnership=partnership,
            year=year,
            terms=Terms(
                agency=agencies[name],
                amount=Decimal(amount),
                trainer_days=Decimal(trainer_days),
                venue_days=Decimal(venue_days),
                earns=earns,
                places_per_day=per_day,
                note="Demo agreement (synthetic figures).",
            ),
            added_by=coordinator,
        )


def _charging_terms(partnership: Partnership, coordinator: Any, agencies) -> None:
    for sector, full_day, half_day in DEMO_RATES:
        set_delegate_rate(
            partnership=partnership,
            sector=sector,
            year=None,
            full_day=Decimal(full_day),
            half_day=Decimal(half_day),
            changed_by=coordinator,
        )
    if SMALL_CHARITY in agencies:
        exempt_agency(
            partnership=partnership,
            agency=agencies[SMALL_CHARITY],
            basis=Exemption.SMALL_CHARITY,
            note="Registered charity with a small income.",
            exempted_by=coordinator,
        )


def _session_costs_and_charges(
    partnership: Partnership,
    coordinator: Any,
    year: int,
    now: datetime.datetime,
    rng: random.Random,
) -> None:
    """Costs of the year's sessions so far, and the closed registers' delegate charges."""
    start, end = year_bounds(year)
    sessions = (
        sessions_of(partnership)
        .filter(starts_at__gte=start, starts_at__lt=min(end, now))
        .select_related("partnership")
        .order_by("starts_at")
    )
    for session in sessions:
        commissioned = rng.random() < 0.6
        fee = Decimal(rng.choice([450, 550, 650])) if commissioned else None
        services.set_session_cost(
            session=session,
            costs={
                "trainer_fee_planned": fee,
                "trainer_fee_actual": fee,
                "venue_actual": Decimal(rng.choice([0, 150, 220])),
                "refreshments_actual": Decimal(rng.choice([60, 85, 120])),
                "materials_actual": Decimal(rng.choice([20, 35])),
            },
            trainer_days_in_kind=Decimal("0.0") if commissioned else Decimal("1.0"),
            changed_by=coordinator,
        )
        if session.status == Session.Status.CLOSED:
            raise_delegate_charges(session=session, closed_by=coordinator)
