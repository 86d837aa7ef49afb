"""A coordinator reads the board's annual report of a year and writes its narrative.

Every page is checked with axe, and the watch fails the test on console errors
(CSP) or script errors.
"""

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.annual_reports.tests.conftest import (
    Borough,
    official_figures,
    workforce,
    year_of_training,
)
from interagency.core.permissions import Role
from interagency.people.tests.factories import AgencyFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(partnership):
    user = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=user, role=Role.COORDINATOR)
    agencies = {
        "health": AgencyFactory.create(partnership=partnership, name="Royal Free", sector="health"),
        "police": AgencyFactory.create(partnership=partnership, name="Met Police", sector="police"),
    }
    official_figures(partnership)
    workforce(partnership, agencies)
    year_of_training(Borough(partnership, agencies), user)
    return user


def test_a_coordinator_reads_the_annual_report_and_writes_its_narrative(
    browser, live_server, coordinator, watch: PageWatch, partnership
):
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/reports/")
    follow(page, page.get_by_role("link", name="The board's annual report"))
    page.get_by_label("Financial year").select_option(label="April 2025 to March 2026")
    follow(page, page.get_by_role("button", name="Show"))
    assert heading(page) == "Annual report: April 2025 to March 2026"
    assert "General Practitioner" in page.locator("#under-represented").inner_text()
    watch.check_accessibility(page, "annual report")

    follow(page, page.get_by_role("link", name="Write the narrative for April 2025 to March 2026"))
    assert heading(page) == "The annual report's narrative"
    watch.check_accessibility(page, "annual report narrative")
    page.get_by_label("The board's priorities").fill("Reach general practice.")
    follow(page, page.get_by_role("button", name="Save the narrative"))
    assert heading(page) == "Annual report: April 2025 to March 2026"
    assert "Reach general practice." in page.locator("main").inner_text()
    watch.check_accessibility(page, "annual report with its narrative")
    watch.assert_clean()
