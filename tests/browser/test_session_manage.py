"""A coordinator schedules, changes and cancels a session in a real browser.

One walk with JavaScript on, every page checked with axe; the "Add another
part" button is a plain submit, and a second walk proves it with JavaScript off.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Session
from interagency.delivery.tests.factories import VenueFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator_user(partnership):
    from interagency.accounts.tests.factories import UserFactory

    user = UserFactory(full_name="Cora Ordinator")
    MembershipFactory(partnership=partnership, user=user, role=Role.COORDINATOR)
    return user


@pytest.fixture
def setting(partnership):
    course = CourseFactory.create(title="Working Together to Safeguard Children")
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    trainer = MembershipFactory.create(partnership=partnership, role=Role.TRAINER).user
    venue = VenueFactory.create(partnership=partnership, name="Crowndale Centre")
    return course, venue, trainer


def fill_part(page: Any, index: int, day: datetime.date, starts: str, ends: str) -> None:
    for box, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"[name='part-{index}-day_{box}']").fill(str(value))
    page.locator(f"[name='part-{index}-starts']").fill(starts)
    page.locator(f"[name='part-{index}-ends']").fill(ends)


def add_a_two_part_session(page: Any, base: str, course: Any, venue: Any) -> None:
    first = timezone.localdate() + datetime.timedelta(days=21)
    page.goto(f"{base}manage/new/")
    page.get_by_label("Course").select_option(str(course.pk))
    fill_part(page, 0, first, "09:30", "12:30")
    follow(page, page.get_by_role("button", name="Add another part"))
    assert page.locator("[name='part-1-starts']").count() == 1
    assert page.locator("[name='part-0-starts']").input_value() == "09:30"
    fill_part(page, 1, first + datetime.timedelta(days=7), "13:30", "12:00")
    page.get_by_label("Venue (in person)").select_option(str(venue.pk))
    page.get_by_label("Capacity").fill("20")
    follow(page, page.get_by_role("button", name="Add session"))
    summary = page.locator(".govuk-error-summary")
    assert "The end time of part 2 must be after its start time." in summary.inner_text()
    page.locator("[name='part-1-ends']").fill("16:30")
    # Enter in a field saves the session (it must not add yet another part).
    with page.expect_navigation():
        page.locator("[name='part-1-ends']").press("Enter")


def test_a_coordinator_schedules_changes_and_cancels_a_session(
    live_server, browser, watch: PageWatch, partnership, coordinator_user, setting
):
    course, venue, trainer = setting
    page = signed_in_page(browser, live_server, coordinator_user, watch)
    base = f"{live_server.url}/p/{partnership.code}/sessions/"

    page.goto(base)
    assert heading(page) == "Sessions"
    watch.check_accessibility(page, "sessions (empty)")

    follow(page, page.get_by_role("link", name="Add a session"))
    assert heading(page) == "Add a session"
    watch.check_accessibility(page, "add a session")
    follow(page, page.get_by_role("button", name="Add session"))
    assert page.title().startswith("Error: ")
    watch.check_accessibility(page, "add a session: errors")
    # Each link of the error summary leads to a field of the page.
    for link in page.locator(".govuk-error-summary a").all():
        target = link.get_attribute("href")
        assert page.locator(target).count() == 1, target

    add_a_two_part_session(page, base, course, venue)
    session = Session.objects.get()
    assert heading(page).startswith(course.title)
    assert page.get_by_text("Part 2").count() >= 1
    watch.check_accessibility(page, "session page")

    follow(page, page.get_by_role("link", name="Change the session"))
    watch.check_accessibility(page, "change a session")
    page.get_by_label(trainer.full_name).check()
    page.get_by_label("Capacity").fill("24")
    follow(page, page.get_by_role("button", name="Save changes"))
    assert "Session changes saved." in page.locator(".govuk-notification-banner").inner_text()
    session.refresh_from_db()
    assert session.capacity == 24

    page.goto(base)
    assert page.get_by_role("link", name=course.title).count() == 1
    watch.check_accessibility(page, "sessions (one)")

    page.goto(f"{base}manage/{session.pk}/")
    follow(page, page.get_by_role("link", name="Cancel the session"))
    watch.check_accessibility(page, "cancel a session")
    page.get_by_label("Why is the session cancelled?").fill("The trainer is unwell.")
    follow(page, page.get_by_role("button", name="Cancel the session"))
    assert page.locator(".govuk-tag", has_text="Cancelled").count() == 1
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED

    for path, title in (
        ("venues/", "Venues"),
        ("venues/new/", "Add a venue"),
        (f"venues/{venue.pk}/", f"Change {venue.name}"),
        ("settings/", "Booking settings"),
    ):
        page.goto(f"{base}{path}")
        assert heading(page) == title
        watch.check_accessibility(page, title)
    watch.assert_clean()


def test_add_another_part_works_without_javascript(
    live_server, browser, watch: PageWatch, partnership, coordinator_user, setting
):
    course, venue, _ = setting
    page = signed_in_page(browser, live_server, coordinator_user, watch, java_script_enabled=False)
    add_a_two_part_session(page, f"{live_server.url}/p/{partnership.code}/sessions/", course, venue)
    session = Session.objects.get()
    assert session.parts.count() == 2
    assert heading(page).startswith(course.title)
