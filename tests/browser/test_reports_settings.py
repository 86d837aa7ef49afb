"""The Reports area's newer pages: partner agreements, delegate charges, the partnership's
local authorities, sharing with the region and the region's benchmarks.

Every page is checked with axe, errors included, and works as a plain form post.
"""

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.local_statistics.models import Authority
from interagency.regional.services import grant_regional_coordinator
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


def test_a_coordinator_sets_up_agreements_charges_authorities_and_sharing(
    browser, live_server, coordinator, watch: PageWatch, partnership
):
    Authority.objects.create(
        gss_code="E09000007", name="Camden", upper_tier_code="E09000007", upper_tier_name="Camden"
    )
    page = signed_in_page(browser, live_server, coordinator, watch)
    base = f"{live_server.url}/p/{partnership.code}"

    page.goto(f"{base}/reports/agreements/")
    watch.check_accessibility(page, "partner agreements")
    follow(page, page.get_by_role("link", name="Add an agreement"))
    follow(page, page.get_by_role("button", name="Save the agreement"))
    assert page.get_by_role("alert").is_visible()
    watch.check_accessibility(page, "new agreement with errors")

    page.goto(f"{base}/reports/delegate-charges/")
    watch.check_accessibility(page, "delegate charges")

    page.goto(f"{base}/reports/local-statistics/authorities/")
    assert heading(page) == "The partnership's local authorities"
    page.get_by_label("Local authorities the partnership covers").fill("Camdne")
    follow(page, page.get_by_role("button", name="Save authorities"))
    assert "Line 1: 'Camdne' is not a local authority we know" in (
        page.get_by_role("alert").inner_text()
    )
    watch.check_accessibility(page, "local authorities with an error")
    page.get_by_label("Local authorities the partnership covers").fill("Camden")
    follow(page, page.get_by_role("button", name="Save authorities"))
    assert "The partnership's local authorities are saved." in page.locator("body").inner_text()

    page.goto(f"{base}/settings/region/")
    watch.check_accessibility(page, "sharing with the region")
    watch.assert_clean()


def test_a_regional_coordinator_reads_the_regions_benchmarks(
    browser, live_server, watch: PageWatch, partnership
):
    regional = UserFactory.create(full_name="Reggie Onal")
    grant_regional_coordinator(user=regional, region=partnership.region, granted_by=None)
    page = signed_in_page(browser, live_server, regional, watch)
    page.goto(f"{live_server.url}/r/{partnership.region.code}/benchmarks/")
    assert "benchmarks" in heading(page).lower()
    watch.check_accessibility(page, "regional benchmarks")
    watch.assert_clean()
