"""A coordinator plans the budget, records spending and enters a session's costs.

Every page is checked with axe, and the watch fails the test on console errors
(CSP) or script errors.
"""

import datetime

import pytest
from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery.tests.factories import SessionFactory
from interagency.local_statistics.models import ChildPopulation, ChildrenInNeed
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(partnership):
    user = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=user, role=Role.COORDINATOR)
    return user


def test_a_coordinator_plans_the_budget_and_enters_a_sessions_costs(
    browser, live_server, coordinator, watch: PageWatch, partnership
):
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    follow(page, page.get_by_role("link", name="Reports").first)
    assert heading(page) == "Reports"
    watch.check_accessibility(page, "reports")
    follow(page, page.get_by_role("link", name="Budget"))
    assert heading(page) == "Budget"
    watch.check_accessibility(page, "budget")

    follow(page, page.get_by_role("link", name="Add a budget line"))
    page.get_by_label("Kind of income or spending").select_option(label="Venue hire")
    page.get_by_label("Description").fill("Room hire")
    page.get_by_label("Planned amount in £").fill("twelve hundred")
    follow(page, page.get_by_role("button", name="Add the line"))
    assert "must be an amount in pounds" in page.get_by_role("alert").inner_text()
    watch.check_accessibility(page, "budget line with an error")
    page.get_by_label("Planned amount in £").fill("1200")
    follow(page, page.get_by_role("button", name="Add the line"))
    assert "£1,200.00" in page.locator("#spending").inner_text()

    follow(page, page.get_by_role("link", name="Room hire", exact=True))
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Amount in £").fill("450")
    follow(page, page.get_by_role("button", name="Record it"))
    assert "£450.00" in page.locator("#entries").inner_text()
    watch.check_accessibility(page, "budget line")

    session = SessionFactory.create(
        partnership=partnership,
        course__title="Working Together",
        parts__start=today - datetime.timedelta(days=3),
    )
    page.goto(f"{live_server.url}/p/{partnership.code}/reports/costs/sessions/{session.pk}/")
    assert heading(page) == "Costs of Working Together"
    watch.check_accessibility(page, "session costs")
    page.get_by_label("Venue hire, actual, in £").fill("-3")
    follow(page, page.get_by_role("button", name="Save the costs"))
    assert "must be between £0.00 and £100,000.00" in page.get_by_role("alert").inner_text()
    watch.check_accessibility(page, "session costs with an error")
    page.get_by_label("Venue hire, actual, in £").fill("250")
    follow(page, page.get_by_role("button", name="Save the costs"))
    assert page.get_by_label("Venue hire, actual, in £").input_value() == "250.00"
    watch.assert_clean()


def test_the_board_reads_training_beside_children_in_need(
    browser, live_server, watch: PageWatch, partnership
):
    partnership.local_authority_codes = ["E09000007"]
    partnership.save()
    ChildrenInNeed.objects.create(gss_code="E09000007", name="Camden", year=2025, at_31_march=None)
    ChildPopulation.objects.create(gss_code="E09000007", name="Camden", year=2024, aged_0_to_17=1)
    board = UserFactory.create(full_name="Bo Ard")
    MembershipFactory.create(partnership=partnership, user=board, role=Role.BOARD_MEMBER)
    page = signed_in_page(browser, live_server, board, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/reports/")
    follow(page, page.get_by_role("link", name="Training beside children in need"))
    assert "not available" in page.locator("#figures").inner_text()
    watch.check_accessibility(page, "training beside children in need")
    watch.assert_clean()
