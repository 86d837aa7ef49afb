"""A board member's start page: this financial year's key figures beside last year's."""

import re

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.annual_reports.selectors.outputs import outputs
from interagency.annual_reports.start_page import key_figures
from interagency.annual_reports.tests.conftest import year_of_training
from interagency.core.permissions import Role

# At the pinned instant (10 June 2026) this financial year is 2026 and the borough's is last year.
pytestmark = pytest.mark.clock(fixed=True)


def start_page(client, partnership) -> str:
    response = client.get(reverse("tenancy:dashboard", kwargs={"code": partnership.code}))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def row(text: str, label: str) -> str:
    return text.split(f">{label}</th>")[1].split("</tr>")[0]


def test_a_board_member_sees_the_years_key_figures_and_the_trend(
    borough, client, sign_in, member_with
):
    partnership = borough.partnership
    sign_in(member_with(Role.BOARD_MEMBER))
    text = start_page(client, partnership)
    assert "The year so far: April 2026 to March 2027" in text
    # This year: the one session of 1 April 2026; last year: two.
    sessions = row(text, "Sessions delivered")
    assert ">1</td>" in sessions and ">2</td>" in sessions and "Down on last year" in sessions
    assert "The same as last year" in row(text, "No-shows")  # one each year
    assert "£1,000.00" in row(text, "Spending")
    report = reverse("annual_reports:report", kwargs={"code": partnership.code})
    assert f'href="{report}?year=2026"' in text and f'href="{report}?year=2025"' in text


def test_other_members_do_not_get_the_section(borough, client, sign_in, member_with):
    sign_in(member_with(Role.LEARNER))
    assert "The year so far" not in start_page(client, borough.partnership)


def test_the_key_figures_cost_the_same_queries_with_more_sessions(
    borough, coordinator, django_assert_num_queries
):
    reset_queries()
    with CaptureQueriesContext(connection) as few:
        key_figures(borough.partnership, 2026)
    counted = len(few.captured_queries)  # read before the log is cleared below
    year_of_training(borough, coordinator, extra_sessions=5)
    reset_queries()  # the query log is capped: building the larger year must not fill it
    with django_assert_num_queries(counted):
        found = key_figures(borough.partnership, 2026)
    assert counted > 0 and found.figures[0].before == 2 + 2 + 5


def test_the_key_figures_are_the_annual_reports_for_both_years(borough, coordinator):
    year_of_training(borough, coordinator, extra_sessions=3)
    found = key_figures(borough.partnership, 2026)
    for year, column in ((2026, "now"), (2025, "before")):
        report = outputs(borough.partnership, year)
        shown = {figure.label: getattr(figure, column) for figure in found.figures}
        assert shown["Sessions delivered"] == report.sessions
        assert shown["Training days"] == report.training_days
        assert shown["Attendances"] == report.attendances
        assert shown["Places filled"] == report.fill_percent
        assert shown["No-shows"] == report.no_shows
        assert shown["Sessions cancelled"] == report.cancelled_sessions
