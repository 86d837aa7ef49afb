"""Unit costs: per session, participant, participant-day and attended place, by course or tier."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from interagency.core.permissions import Role
from interagency.delivery.models import Attendance, AttendanceOutcome, Session
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.finance import services
from interagency.finance.unit_costs import GroupBy, unit_costs

# Written around named dates (2025 and 2026): they stand at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)


def costed_session(partnership, user, course, start, *, days=1, fee="600", attended=(), **kwargs):
    session = SessionFactory.create(
        partnership=partnership, course=course, parts=days, parts__start=start, **kwargs
    )
    services.set_session_cost(
        session=session, costs={"trainer_fee_actual": Decimal(fee)}, changed_by=user
    )
    for person, outcome in attended:
        booking = BookingFactory.create(session=session, person=person, agency=person.agency)
        Attendance.objects.create(booking=booking, outcome=outcome, recorded_by=user)
    return session


@pytest.fixture
def year_of_sessions(partnership, coordinator):
    """Two courses of 2025 to 2026: one run twice (the second over two days), one once."""
    from interagency.catalogue.tests.factories import CourseFactory
    from interagency.people.tests.factories import PersonFactory

    first = CourseFactory.create(title="Working Together")
    second = CourseFactory.create(title="Neglect", tier=first.tier)
    ana, ben, cy = (PersonFactory.create(agency__partnership=partnership) for _ in range(3))
    attended, no_show = AttendanceOutcome.ATTENDED, AttendanceOutcome.NO_SHOW
    costed_session(
        partnership, coordinator, first, datetime.date(2025, 5, 1),
        attended=[(ana, attended), (ben, AttendanceOutcome.PARTLY), (cy, no_show)],
    )  # fmt: skip
    costed_session(
        partnership, coordinator, first, datetime.date(2025, 9, 1), days=2, fee="900",
        attended=[(ana, attended)],
    )  # fmt: skip
    costed_session(partnership, coordinator, second, datetime.date(2026, 1, 5), fee="300")
    # Not counted: a cancelled session, and one of the next year.
    costed_session(
        partnership, coordinator, second, datetime.date(2025, 6, 1), status=Session.Status.CANCELLED
    )
    costed_session(partnership, coordinator, second, datetime.date(2026, 4, 1))
    return first, second


def test_unit_costs_by_course_and_for_all_sessions(
    partnership, year_of_sessions, django_assert_num_queries
):
    with django_assert_num_queries(3):
        rows = {row.label: row for row in unit_costs(partnership, 2025, GroupBy.COURSE)}
    working = rows["Working Together"]
    assert (working.sessions, working.cost) == (2, Decimal("1500.00"))
    # Ana twice and Ben once: 3 places, 2 people, 1 + 1 + 2 participant-days.
    assert (working.places, working.participants, working.participant_days) == (3, 2, 4)
    assert working.per_session == Decimal("750.00")
    assert working.per_participant == Decimal("750.00")
    assert working.per_participant_day == Decimal("375.00")
    assert working.per_place == Decimal("500.00")
    neglect = rows["Neglect"]
    assert (neglect.sessions, neglect.per_session, neglect.per_place) == (1, Decimal("300"), None)
    everything = rows["All sessions"]
    assert (everything.sessions, everything.cost, everything.participants) == (
        3,
        Decimal("1800.00"),
        2,
    )


def test_by_tier_the_courses_of_one_tier_are_one_row(partnership, year_of_sessions):
    rows = unit_costs(partnership, 2025, GroupBy.TIER)
    assert [row.sessions for row in rows] == [3, 3]
    assert rows[0].label == year_of_sessions[0].tier.name


def test_the_page_and_api_show_unit_costs(
    partnership, year_of_sessions, member_with, sign_in, client, token_client
):
    board = member_with(Role.BOARD_MEMBER)
    sign_in(board)
    url = reverse("finance:unit-costs", kwargs={"code": partnership.code})
    text = client.get(url, {"year": 2025, "by": "course"}).content.decode()
    assert "Working Together" in text and "£375.00" in text
    assert "not available" in text  # Neglect's per place: nobody attended
    costs = client.get(reverse("finance:costs", kwargs={"code": partnership.code}), {"year": 2025})
    assert "Working Together" in costs.content.decode()
    body = (
        token_client(board)
        .get(
            reverse("api:finance-unit-costs", kwargs={"code": partnership.code}),
            {"year": 2025, "by": "tier"},
        )
        .json()
    )
    assert body[-1]["label"] == "All sessions" and body[-1]["cost"] == "1800.00"


def test_by_provider_a_session_counts_to_its_first_trainers_organisation(
    partnership, year_of_sessions, django_assert_max_num_queries
):
    from interagency.delivery.models import SessionTrainer

    first_session = Session.objects.filter(course=year_of_sessions[0]).order_by("starts_at")[0]
    SessionTrainer.objects.create(
        session=first_session, name="Tess Trainer", provider_name="Safe Minds Training"
    )
    with django_assert_max_num_queries(3):
        rows = {row.label: row for row in unit_costs(partnership, 2025, GroupBy.PROVIDER)}
    assert (rows["Safe Minds Training"].sessions, rows["Safe Minds Training"].cost) == (
        1,
        Decimal("600.00"),
    )
    assert rows["Delivered in-house"].sessions == 2
    assert rows["All sessions"].cost == Decimal("1800.00")


def test_by_agency_each_sessions_cost_is_shared_over_its_attended_places(
    partnership, year_of_sessions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        rows = unit_costs(partnership, 2025, GroupBy.AGENCY)
    by_agency = {row.label: row for row in rows[:-1]}
    # The £600 session had Ana and Ben (£300 each); the £900 session Ana alone.
    costs = sorted(row.cost for row in by_agency.values())
    assert costs == [Decimal("300.00"), Decimal("1200.00")]
    assert rows[-1].cost == Decimal("1500.00")  # Neglect's £300: nobody attended, not shared
    assert rows[-1].places == 3


def test_the_page_shows_five_years_of_unit_costs(
    partnership, year_of_sessions, coordinator_client, django_assert_max_num_queries
):
    url = reverse("finance:unit-costs", kwargs={"code": partnership.code})
    with django_assert_max_num_queries(30):
        page = coordinator_client.get(url, {"year": 2025, "by": "agency"})
    trend = page.context["trend"]
    assert [year for year, _ in trend] == [2021, 2022, 2023, 2024, 2025]
    assert trend[-1][1].cost == Decimal("1800.00")
    assert "April 2021 to March 2022" in page.content.decode()
