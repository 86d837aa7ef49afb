"""The register on a trainer's tablet, and the certificate's public check, in a real browser.

With JavaScript on, each choice saves its line at once through htmx and the
"arrived late" minutes open under their checkbox;
without JavaScript the same page saves as one form. Every page is checked
with axe, and the watch fails the test on console errors (CSP) or script errors.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Attendance, AttendanceOutcome, Certificate, SessionTrainer
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}


@pytest.fixture
def register_setup(partnership):
    """A two-day course that began a week ago, its trainer, and three people booked."""
    trainer = UserFactory.create(full_name="Tess Trainer")
    MembershipFactory.create(partnership=partnership, user=trainer, role=Role.TRAINER)
    session = SessionFactory.create(
        partnership=partnership,
        course__title="Working Together",
        parts=2,
        parts__start=timezone.localdate() - datetime.timedelta(days=7),
    )
    SessionTrainer.objects.create(session=session, user=trainer, name="Tess Trainer")
    bookings = {
        name: BookingFactory.create(
            session=session,
            person=PersonFactory.create(full_name=name, agency__partnership=partnership),
        )
        for name in ("Ada Lovelace", "Bea Partly", "Cal Absent")
    }
    return trainer, session, bookings


def register_path(session) -> str:
    return f"/p/{session.partnership.code}/sessions/{session.pk}/register/"


def line(page: Any, name: str) -> Any:
    return page.get_by_role("group", name=name, exact=True)


def test_a_trainer_takes_the_register_on_a_tablet_and_the_certificate_verifies(
    browser, live_server, register_setup, watch: PageWatch
):
    trainer, session, bookings = register_setup
    page = signed_in_page(browser, live_server, trainer, watch, **TABLET)
    page.goto(f"{live_server.url}/p/{session.partnership.code}/sessions/registers/")
    watch.check_accessibility(page, "registers")
    follow(page, page.get_by_role("link", name="Working Together"))
    assert heading(page) == "Working Together"
    watch.check_accessibility(page, "register")

    ada, bea, cal = (line(page, name) for name in ("Ada Lovelace", "Bea Partly", "Cal Absent"))
    ada.get_by_label("Attended", exact=True).check()
    ada_status = page.locator(f"#status-{bookings['Ada Lovelace'].pk}")
    ada_status.get_by_text("Saved").wait_for()
    ada.get_by_label("Arrived late").check()
    minutes = ada.get_by_label("Minutes late")
    assert minutes.is_visible()
    minutes.fill("12")
    minutes.blur()
    page.wait_for_function(
        "(id) => document.querySelector('#status-' + id).textContent.includes('Saved')",
        arg=bookings["Ada Lovelace"].pk,
    )

    bea.get_by_label("Partly attended").check()
    bea.get_by_label("Part 1", exact=False).check()
    page.locator(f"#status-{bookings['Bea Partly'].pk}").get_by_text("Saved").wait_for()
    cal.get_by_label("Did not attend").check()
    page.locator(f"#status-{bookings['Cal Absent'].pk}").get_by_text("Saved").wait_for()
    watch.check_accessibility(page, "register with choices")

    ada_line = Attendance.objects.get(booking=bookings["Ada Lovelace"])
    assert (ada_line.outcome, ada_line.late_minutes) == (AttendanceOutcome.ATTENDED, 12)
    assert Attendance.objects.get(booking=bookings["Bea Partly"]).parts_attended.count() == 1

    follow(page, page.get_by_role("button", name="Save and close the register"))
    assert "Register closed" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "closed register")
    certificate = Certificate.objects.get()
    assert certificate.person_name == "Ada Lovelace"

    page.goto(f"{live_server.url}{register_path(session)}print/")
    assert page.get_by_role("columnheader", name="Signature").is_visible()
    watch.check_accessibility(page, "printable register")
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Back to the register").is_visible()

    public = browser.new_context()
    anyone = public.new_page()
    watch.attach(anyone)
    anyone.goto(f"{live_server.url}/verify/")
    anyone.get_by_label("Certificate number").fill(certificate.number.lower().replace("-", " "))
    follow(anyone, anyone.get_by_role("button", name="Check certificate"))
    assert "This certificate is genuine" in anyone.get_by_role("main").inner_text()
    assert "Ada Lovelace" in anyone.get_by_role("main").inner_text()
    watch.check_accessibility(anyone, "verification")
    watch.assert_clean()


def test_without_javascript_the_register_saves_as_one_form(
    browser, live_server, register_setup, watch: PageWatch
):
    trainer, session, _ = register_setup
    page = signed_in_page(browser, live_server, trainer, watch, java_script_enabled=False)
    page.goto(f"{live_server.url}{register_path(session)}")
    line(page, "Ada Lovelace").get_by_label("Attended", exact=True).check()
    bea = line(page, "Bea Partly")
    bea.get_by_label("Partly attended").check()
    follow(page, page.get_by_role("button", name="Save register"))
    # Bea's parts were not chosen: the error summary links to them and nothing is saved.
    summary = page.get_by_role("alert")
    assert "Select the parts Bea Partly attended." in summary.inner_text()
    # (axe needs JavaScript, so it checks the register in the test above.)
    assert not Attendance.objects.exists()
    line(page, "Bea Partly").get_by_label("Part 2", exact=False).check()
    line(page, "Cal Absent").get_by_label("Absent with notice").check()
    follow(page, page.get_by_role("button", name="Save register"))
    assert "3 of 3 have an outcome" in page.get_by_role("main").inner_text()
    assert Attendance.objects.count() == 3
    watch.assert_clean()
