"""A small borough's financial year 2025 (April 2025 to March 2026), built from factories.

The tests count what they expect straight from these rows, never through the
report's selectors.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
)
from interagency.delivery.models import Attendance, AttendanceOutcome, Session
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.finance import services as finance
from interagency.finance.models import BudgetCategory
from interagency.local_statistics.models import Authority, ChildPopulation, ChildrenInNeed
from interagency.people.models import Agency, Headcount
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership

YEAR = 2025
CAMDEN = "E09000007"
IN_NEED = 1808
CHILDREN = 40000
LONG_AGO = datetime.date(2015, 1, 1)


@dataclass
class Borough:
    partnership: Partnership
    agencies: dict[str, Agency]
    sessions: list[Session] = field(default_factory=list)


def official_figures(partnership, *, in_need: int | None = IN_NEED) -> None:
    partnership.local_authority_codes = [CAMDEN]
    partnership.save()
    Authority.objects.get_or_create(
        gss_code=CAMDEN, name="Camden", upper_tier_code=CAMDEN, upper_tier_name="Camden"
    )
    ChildrenInNeed.objects.create(
        gss_code=CAMDEN, name="Camden", year=YEAR + 1, at_31_march=in_need
    )
    ChildPopulation.objects.create(gss_code=CAMDEN, name="Camden", year=YEAR, aged_0_to_17=CHILDREN)


def session_with_register(partnership, course, start, outcomes, *, days=1, **kwargs):
    """A session starting on ``start`` whose register holds one booking per outcome
    (``None``: a confirmed booking with no register line)."""
    session = SessionFactory.create(
        partnership=partnership, course=course, parts=days, parts__start=start, **kwargs
    )
    for agency, outcome in outcomes:
        booking = BookingFactory.create(
            session=session, person__agency=agency, agency=agency, person__partnership=partnership
        )
        if outcome is not None:
            Attendance.objects.create(booking=booking, outcome=outcome)
    return session


def workforce(partnership, agencies) -> None:
    """Practitioners, three of four trained lately; one named GP untrained, a headcount of 40."""
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework, name="Group B", order=2)
    practitioner = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    gp = RoleFactory.create(framework=framework, tier=tier, name="General Practitioner")
    core = CourseFactory.create(tier=tier, title="Core")
    PathwayItemFactory.create(
        pathway=PathwayFactory.create(role=practitioner, window_months=12),
        course=core,
        repeat_every_months=36,
    )
    for index in range(4):
        person = PersonFactory.create(
            partnership=partnership,
            agency=agencies["health"],
            role=practitioner,
            started_on=LONG_AGO,
        )
        if index < 3:
            TrainingRecord.objects.create(
                partnership=partnership,
                person=person,
                course=core,
                completed_on=datetime.date(2026, 1, 10),
                hours=3,
                source=TrainingRecord.Source.EXTERNAL,
            )
    PersonFactory.create(
        partnership=partnership, agency=agencies["health"], role=gp, started_on=LONG_AGO
    )
    Headcount.objects.create(
        partnership=partnership,
        agency=agencies["health"],
        role=gp,
        count=40,
        as_of=datetime.date(2026, 1, 10),
        source="HR",
    )


def year_of_training(borough: Borough, user, *, extra_sessions: int = 0) -> None:
    """Sessions of the year (one over two days, one cancelled), the years either side,
    and the year's money."""
    partnership, health, police = (
        borough.partnership,
        borough.agencies["health"],
        borough.agencies["police"],
    )
    attended, partly, no_show = (
        AttendanceOutcome.ATTENDED,
        AttendanceOutcome.PARTLY,
        AttendanceOutcome.NO_SHOW,
    )
    course = CourseFactory.create(title="Working Together")
    first = session_with_register(
        partnership, course, datetime.date(2025, 5, 1),
        [(health, attended), (health, partly), (police, no_show), (police, attended)],
        days=2, capacity=10,
    )  # fmt: skip
    second = session_with_register(
        partnership, course, datetime.date(2026, 3, 31),
        [(police, attended), (health, AttendanceOutcome.ABSENT_WITH_NOTICE), (health, None)],
        capacity=12,
    )  # fmt: skip
    cancelled = session_with_register(
        partnership, course, datetime.date(2025, 6, 1), [], status=Session.Status.CANCELLED
    )
    for day in range(extra_sessions):
        session_with_register(
            partnership, course, datetime.date(2025, 10, 1) + datetime.timedelta(days=day),
            [(health, attended), (police, no_show)],
        )  # fmt: skip
    # Not in the year: the day before it starts, and the day after it ends.
    session_with_register(partnership, course, datetime.date(2025, 3, 31), [(health, attended)])
    session_with_register(partnership, course, datetime.date(2026, 4, 1), [(police, no_show)])
    borough.sessions += [first, second, cancelled]
    finance.set_session_cost(
        session=first, costs={"trainer_fee_actual": Decimal("600")}, changed_by=user
    )
    line = finance.add_budget_line(
        partnership=partnership, year=YEAR, category=BudgetCategory.CONTRIBUTION,
        description="Police contribution", planned=Decimal("1000"), agency=police, added_by=user,
    )  # fmt: skip
    finance.record_entry(
        line=line, on=datetime.date(2025, 7, 1), amount=Decimal("750"), recorded_by=user
    )
    fees = finance.add_budget_line(
        partnership=partnership, year=YEAR, category=BudgetCategory.TRAINER_FEES,
        description="Trainers", planned=Decimal("2000"), added_by=user,
    )  # fmt: skip
    finance.record_entry(
        line=fees, on=datetime.date(2025, 9, 1), amount=Decimal("400"), recorded_by=user
    )


@pytest.fixture
def borough(partnership, coordinator) -> Borough:
    agencies = {
        "health": AgencyFactory.create(partnership=partnership, name="Royal Free", sector="health"),
        "police": AgencyFactory.create(partnership=partnership, name="Met Police", sector="police"),
    }
    made = Borough(partnership, agencies)
    official_figures(partnership)
    workforce(partnership, agencies)
    year_of_training(made, coordinator)
    return made
