"""A coordinator finds the no-show charges, filters them by agency and waives one.

Every page is checked with axe, and the watch fails the test on console errors
(CSP) or script errors.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery.models import AttendanceOutcome, Charge
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def closed_session(partnership):
    """A session of a week ago charging £40 whose register is closed with two no-shows."""
    coordinator = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    session = SessionFactory.create(
        partnership=partnership,
        course__title="Working Together",
        parts__start=timezone.localdate() - datetime.timedelta(days=7),
        no_show_charge=Decimal("40.00"),
    )
    for name, agency in (("Nora Noshow", "Camden Children's Services"), ("Pete Police", "Met")):
        booking = BookingFactory.create(
            session=session,
            person=PersonFactory.create(
                full_name=name, agency=AgencyFactory.create(partnership=partnership, name=agency)
            ),
        )
        record_attendance(
            booking=booking, outcome=AttendanceOutcome.NO_SHOW, recorded_by=coordinator
        )
    close_register(session=session, closed_by=coordinator)
    return coordinator, session


def test_a_coordinator_filters_and_waives_a_no_show_charge(
    browser, live_server, closed_session, watch: PageWatch, partnership
):
    coordinator, _ = closed_session
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/sessions/")
    follow(page, page.get_by_role("link", name="Charges", exact=True))
    assert heading(page) == "Charges"
    assert "(the current financial year)" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "no-show charges")

    # Dates chosen rather than the default, which in early April is a year without them.
    today = timezone.localdate()
    page.get_by_label("Sessions from").fill(f"{today - datetime.timedelta(days=30):%Y-%m-%d}")
    page.get_by_label("Sessions to").fill(f"{today:%Y-%m-%d}")
    follow(page, page.get_by_role("button", name="Apply filters"))
    charges = page.locator("#charges")
    assert "Nora Noshow" in charges.inner_text() and "Pete Police" in charges.inner_text()
    # The agency filter is a search: its matches follow the typing (htmx).
    with page.expect_response(lambda response: "agency_search=children" in response.url):
        page.get_by_label("Find the agency", exact=True).press_sequentially("children")
    agencies = page.get_by_role("group", name="Agency", exact=True)
    agencies.get_by_label("Camden Children's Services").check()
    follow(page, page.get_by_role("button", name="Apply filters"))
    charges = page.locator("#charges")
    assert "Nora Noshow" in charges.inner_text()
    assert "Pete Police" not in charges.inner_text()
    watch.check_accessibility(page, "no-show charges of one agency")

    follow(page, page.get_by_role("link", name="Waive the charge for Nora Noshow"))
    follow(page, page.get_by_role("button", name="Waive the charge"))
    assert "Enter why the charge is waived." in page.get_by_role("alert").inner_text()
    watch.check_accessibility(page, "waive without a reason")
    page.get_by_label("Why is the charge waived?").fill(
        "Absent with notice the trainer did not record"
    )
    follow(page, page.get_by_role("button", name="Waive the charge"))
    assert heading(page) == "Charges"
    assert "Absent with notice the trainer did not record" in page.locator("#charges").inner_text()
    totals = page.locator("#charge-totals tfoot").inner_text()
    # Still filtered to Camden: its £40 is charged and waived, nothing due.
    assert totals.split("\t")[2:] == ["£40.00", "£40.00", "£0.00"]
    watch.check_accessibility(page, "no-show charges after a waiver")
    assert Charge.objects.filter(waived=True).count() == 1
    watch.assert_clean()
