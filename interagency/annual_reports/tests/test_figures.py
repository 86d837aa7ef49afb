"""The annual report's figures, counted again here straight from the rows the borough holds."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from interagency.annual_reports.selectors.report import report_figures
from interagency.annual_reports.tests.conftest import (
    CHILDREN,
    IN_NEED,
    YEAR,
    official_figures,
    year_of_training,
)
from interagency.delivery.models import Attendance, Booking, BookingStatus, Session, SessionPart
from interagency.delivery.tests.factories import SessionFactory
from interagency.evaluation.models import WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import code_for, full_answers, make_plan
from interagency.tenancy.tests.factories import PartnershipFactory

# Written around a named financial year (2025): it stands at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

TODAY = datetime.date(2026, 6, 10)
START = datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC) - datetime.timedelta(hours=1)
END = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC) - datetime.timedelta(hours=1)


def in_year(partnership):
    """The year's sessions, counted here without the report: 1 April to 31 March, London."""
    return Session.objects.filter(partnership=partnership, starts_at__gte=START, starts_at__lt=END)


def per(count: int, population: int, scale: int) -> Decimal:
    return (Decimal(count) * scale / population).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_outputs_match_the_sessions_bookings_and_register(borough):
    partnership = borough.partnership
    found = report_figures(partnership, YEAR, today=TODAY).outputs
    sessions = in_year(partnership)
    delivered = sessions.exclude(status=Session.Status.CANCELLED)
    bookings = Booking.objects.filter(session__in=delivered)
    register = Attendance.objects.filter(booking__in=bookings)
    assert found.sessions == delivered.count() == 2
    assert found.cancelled_sessions == sessions.filter(status=Session.Status.CANCELLED).count()
    assert found.training_days == SessionPart.objects.filter(session__in=delivered).count() == 3
    assert found.places == sum(s.capacity for s in delivered) == 22
    assert found.confirmed == bookings.filter(status=BookingStatus.CONFIRMED).count() == 7
    assert found.fill_percent == round(100 * 7 / 22)
    assert found.attendances == register.filter(outcome__in=("attended", "partly")).count() == 4
    assert found.no_shows == register.filter(outcome="no_show").count() == 1
    by_agency = {row.name: row for row in found.by_agency}
    assert (by_agency["Met Police"].attendances, by_agency["Met Police"].no_shows) == (2, 1)
    assert (by_agency["Royal Free"].attendances, by_agency["Royal Free"].confirmed) == (2, 4)


def test_money_matches_the_entries_and_costs_entered(borough):
    found = report_figures(borough.partnership, YEAR, today=TODAY)
    contribution = next(row for row in found.income if row.label.startswith("Partner"))
    assert (contribution.planned, contribution.actual) == (Decimal("1000"), Decimal("750"))
    # Spending: the fee entry (£400) and the first session's actual trainer fee (£600).
    assert found.actual_spending == Decimal("1000.00")
    assert found.planned_spending == Decimal("2000.00")
    assert [(c.label, c.actual) for c in found.contributions] == [("Met Police", Decimal("750"))]
    everything = found.unit_costs[-1]
    assert (everything.label, everything.sessions, everything.cost) == ("All sessions", 1, 600)
    # Three attended places on the costed session: £200 each.
    assert everything.per_place == Decimal("200.00")


def test_rates_per_children_match_the_official_figures(borough):
    found = report_figures(borough.partnership, YEAR, today=TODAY)
    assert (found.children_in_need, found.children) == (IN_NEED, CHILDREN)
    rates = {row.label: row.value for row in found.ratios}
    assert rates["Sessions per 1,000 children in need"] == per(2, IN_NEED, 1_000)
    assert rates["Places per 1,000 children in need"] == per(22, IN_NEED, 1_000)
    assert rates["Attendances per 1,000 children in need"] == per(4, IN_NEED, 1_000)
    assert rates["Sessions per 10,000 children"] == per(2, CHILDREN, 10_000)
    assert rates["Attendances per 10,000 children"] == per(4, CHILDREN, 10_000)


def test_a_suppressed_official_figure_is_not_available_never_zero(db, coordinator):
    partnership = PartnershipFactory.create()
    official_figures(partnership, in_need=None)
    found = report_figures(partnership, YEAR, today=TODAY)
    rates = {row.label: row.value for row in found.ratios}
    assert found.children_in_need is None
    assert rates["Sessions per 1,000 children in need"] is None
    assert rates["Sessions per 10,000 children"] == Decimal("0.0")


def test_reach_marks_the_general_practitioners_under_represented(borough):
    reach = report_figures(borough.partnership, YEAR, today=TODAY).reach
    professions = {row.name: row for row in reach.professions}
    assert (professions["Practitioner"].trained, professions["Practitioner"].workforce) == (3, 4)
    gp = professions["General Practitioner"]
    assert (gp.trained, gp.workforce, gp.under_represented) == (0, 40, True)
    assert [row.name for row in reach.under_represented] == ["General Practitioner"]
    assert reach.as_at == datetime.date(2026, 3, 31)  # the year's end, not today


def answered(partnership, start: datetime.date, people: int) -> None:
    """A plan on a session of ``start`` whose learners' confidence rose from start to end."""
    plan = make_plan(partnership, session=SessionFactory.create(
        partnership=partnership, parts__start=start
    ))  # fmt: skip
    for n in range(people):
        code = code_for(plan)
        for kind, c1 in ((WaveKind.START, 1 + n % 2), (WaveKind.END, 3 + n % 2 + (n % 3 == 0))):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=full_answers(c1=c1),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )


def test_outcomes_show_effect_sizes_and_say_when_a_group_is_under_five(
    partnership, other_partnership
):
    answered(partnership, datetime.date(2025, 9, 1), people=6)
    answered(other_partnership, datetime.date(2025, 10, 1), people=3)
    answered(partnership, datetime.date(2024, 9, 1), people=6)  # the year before: left out
    found = report_figures(partnership, YEAR, today=TODAY)
    outcome = next(row for row in found.outcomes if row.scale == "Confidence")
    assert outcome.own.n == 6 and outcome.own.d_z is not None and outcome.own.d_z > 0
    # Item c1 of five rose by 3, 2, 2, 3, 2, 2: the scale's mean change is 14 / 30.
    assert outcome.own.mean == round(14 / 30, 2)
    # The region pools each partnership's own group of 5 or more: the other's 3 are left out.
    assert outcome.region.n == 6
    assert "fewer than 5 people are not shown" in found.suppressed_words
    lonely = PartnershipFactory.create()
    answered(lonely, datetime.date(2025, 9, 1), people=3)
    hidden = next(
        row for row in report_figures(lonely, YEAR, today=TODAY).outcomes
        if row.scale == "Confidence"
    )  # fmt: skip
    assert hidden.own.n is None and hidden.own.note == "Fewer than 5 people: not shown."


def test_the_figures_cost_the_same_queries_for_a_small_and_a_larger_year(
    partnership, coordinator, django_assert_max_num_queries
):
    from interagency.annual_reports.tests.conftest import Borough, workforce
    from interagency.people.tests.factories import AgencyFactory

    agencies = {
        "health": AgencyFactory.create(partnership=partnership, sector="health"),
        "police": AgencyFactory.create(partnership=partnership, sector="police"),
    }
    borough = Borough(partnership, agencies)
    official_figures(partnership)
    workforce(partnership, agencies)
    year_of_training(borough, coordinator)
    answered(partnership, datetime.date(2025, 9, 1), people=6)
    reset_queries()
    with CaptureQueriesContext(connection) as small:
        report_figures(partnership, YEAR, today=TODAY)
    counted = len(small.captured_queries)  # read before the log is cleared below
    for _ in range(3):
        agencies["health"] = AgencyFactory.create(partnership=partnership, sector="education")
        year_of_training(borough, coordinator, extra_sessions=4)
    answered(partnership, datetime.date(2025, 9, 1), people=6)
    reset_queries()  # the query log is capped: building the larger year must not fill it
    with django_assert_max_num_queries(counted):
        found = report_figures(partnership, YEAR, today=TODAY)
    assert counted > 0 and found.outputs.sessions == (2 + 1) + 3 * (2 + 4) + 1
