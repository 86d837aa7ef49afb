"""A learner finds a session, books it, sees it in their bookings and cancels it, in a real
browser; a line manager books their team and answers an approval. Every page is checked
with axe, and the sessions filter is used again with JavaScript off.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import Booking, BookingStatus
from interagency.delivery.tests.factories import BookingFactory, SessionFactory, VenueFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sessions(partnership):
    framework = AdoptionFactory.create(partnership=partnership).framework
    working = CourseFactory.create(tier__framework=framework, title="Working together")
    neglect = CourseFactory.create(tier__framework=framework, title="Neglect in practice")
    centre = VenueFactory.create(partnership=partnership, name="Crowndale Centre")
    start = timezone.localdate() + datetime.timedelta(days=21)
    return [
        SessionFactory.create(
            partnership=partnership, course=working, venue=centre, parts__start=start
        ),
        SessionFactory.create(
            partnership=partnership,
            course=neglect,
            parts=2,
            parts__start=start + datetime.timedelta(days=3),
        ),
    ]


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Whittington Health")


def member(partnership, agency, role: Role, name: str, **fields: Any) -> tuple[Any, Any]:
    from interagency.accounts.tests.factories import UserFactory
    from interagency.tenancy.tests.factories import MembershipFactory

    user = UserFactory(full_name=name)
    MembershipFactory(partnership=partnership, user=user, role=role)
    return user, PersonFactory.create(agency=agency, user=user, full_name=name, **fields)


def test_a_learner_finds_books_and_cancels_a_session(
    live_server, browser, watch: PageWatch, partnership, sessions, agency
):
    user, person = member(partnership, agency, Role.LEARNER, "Lee Learner")
    page = signed_in_page(browser, live_server, user, watch)
    page.goto(f"{live_server.url}/p/camden/sessions/upcoming/")
    assert heading(page) == "Upcoming sessions"
    assert page.get_by_text("2 upcoming sessions.").is_visible()
    watch.check_accessibility(page, "sessions list")

    # With JavaScript, htmx swaps in the filtered results and keeps the address in step.
    page.get_by_label("Course").select_option(label="Working together")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_text("1 upcoming session match your filters.").wait_for()
    assert "course=" in page.url
    assert page.get_by_role("link", name="Neglect in practice").count() == 0
    watch.check_accessibility(page, "sessions list filtered")

    follow(page, page.get_by_role("link", name="Calendar"))
    month = timezone.localtime(sessions[0].starts_at).strftime("%B %Y")
    if not page.get_by_role("table").filter(has_text=month).count():
        follow(page, page.get_by_role("link", name="Next month"))
    assert page.get_by_text(f"{month}: 1 session").is_visible()
    watch.check_accessibility(page, "sessions calendar")

    follow(page, page.get_by_role("link", name="9:30am Working together"))
    assert heading(page) == "Working together"
    assert page.get_by_text("Crowndale Centre").is_visible()
    watch.check_accessibility(page, "session page")

    follow(page, page.get_by_role("button", name="Book a place"))
    assert page.get_by_text("You are booked on this session").is_visible()
    assert Booking.objects.get(person=person).status == BookingStatus.CONFIRMED

    follow(page, page.get_by_role("link", name="See your bookings"))
    assert heading(page) == "Your bookings"
    watch.check_accessibility(page, "my bookings")

    follow(page, page.get_by_role("link", name="Cancel booking on Working together"))
    assert heading(page) == "Cancel your booking"
    watch.check_accessibility(page, "cancel booking")
    page.get_by_label("Why are you cancelling? (optional)").fill("Rota clash")
    follow(page, page.get_by_role("button", name="Cancel the booking"))
    assert heading(page) == "Your bookings"
    assert page.get_by_text("Booking on Working together cancelled.").is_visible()
    assert Booking.objects.get(person=person).status == BookingStatus.CANCELLED
    watch.assert_clean()


def test_the_sessions_filter_works_without_javascript(
    live_server, browser, watch: PageWatch, partnership, sessions, agency
):
    user, _ = member(partnership, agency, Role.LEARNER, "Lee Learner")
    page = signed_in_page(browser, live_server, user, watch, java_script_enabled=False)
    page.goto(f"{live_server.url}/p/camden/sessions/upcoming/")
    page.get_by_label("Course").select_option(label="Neglect in practice")
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert "course=" in page.url
    assert page.get_by_text("1 upcoming session match your filters.").is_visible()
    assert page.get_by_role("link", name="Working together").count() == 0
    watch.assert_clean()


def test_a_line_manager_books_their_team_and_answers_an_approval(
    live_server, browser, watch: PageWatch, partnership, sessions, agency
):
    user, own = member(partnership, agency, Role.LINE_MANAGER, "Mo Manager")
    ada = PersonFactory.create(agency=agency, line_manager=own, full_name="Ada Report")
    bea = PersonFactory.create(agency=agency, line_manager=own, full_name="Bea Report")
    BookingFactory.create(
        session=sessions[1], person=bea, status=BookingStatus.AWAITING_APPROVAL, confirmed_at=None
    )
    page = signed_in_page(browser, live_server, user, watch)
    page.goto(f"{live_server.url}/p/camden/sessions/{sessions[0].pk}/")
    follow(page, page.get_by_role("link", name="Book people from your team"))
    assert heading(page) == "Book people from your team"
    watch.check_accessibility(page, "book people")
    page.get_by_label("Ada Report").check()
    follow(page, page.get_by_role("button", name="Book selected people"))
    assert page.get_by_role("heading", name="What happened").is_visible()
    assert Booking.objects.get(person=ada).status == BookingStatus.CONFIRMED
    watch.check_accessibility(page, "book people outcome")

    page.goto(f"{live_server.url}/p/camden/sessions/approvals/")
    assert heading(page) == "Bookings waiting for your approval"
    watch.check_accessibility(page, "approvals")
    follow(page, page.get_by_role("link", name="Do not approve Bea Report on Neglect in practice"))
    follow(page, page.get_by_role("button", name="Do not approve"))
    assert page.get_by_role("link", name="Enter the reason for not approving the booking.").count()
    watch.check_accessibility(page, "refuse with an error")
    page.get_by_label("Why are you not approving this booking?").fill("Team short-staffed")
    follow(page, page.get_by_role("button", name="Do not approve"))
    assert page.get_by_text("No bookings are waiting for your approval.").is_visible()
    watch.assert_clean()
