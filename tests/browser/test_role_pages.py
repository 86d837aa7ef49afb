"""Each role's start page and daily-work pages in a real browser, every page checked with axe.

A trainer marks everyone attended in one go; a learner books the next date of
an overdue course from "My training"; a line manager books two of their team at
once; a coordinator and a board member see their start pages. The watch fails a
test on console errors (CSP) or script errors.
"""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from interagency.accounts.tests.factories import UserFactory
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
)
from interagency.core.permissions import Role
from interagency.delivery.models import Attendance, Booking, SessionTrainer
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow, service_navigation
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def member(partnership: Any, name: str, *roles: Role) -> Any:
    user = UserFactory.create(full_name=name)
    for role in roles:
        MembershipFactory.create(partnership=partnership, user=user, role=role)
    return user


@pytest.fixture
def overdue_course(partnership):
    """A practitioner must do "Working Together"; one date of it is coming in a fortnight."""
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework)
    role = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    pathway = PathwayFactory.create(role=role, window_months=12)
    course = CourseFactory.create(framework=framework, tier=tier, title="Working Together")
    PathwayItemFactory.create(pathway=pathway, course=course, repeat_every_months=36)
    session = SessionFactory.create(partnership=partnership, course=course)
    agency = AgencyFactory.create(partnership=partnership, name="Camden Health")
    return {"role": role, "session": session, "agency": agency}


def test_a_trainer_marks_everyone_attended_then_one_absent(
    browser, live_server, partnership, watch: PageWatch
):
    trainer = member(partnership, "Tess Trainer", Role.TRAINER)
    session = SessionFactory.create(
        partnership=partnership,
        course__title="Neglect",
        parts__start=timezone.localdate() - datetime.timedelta(days=1),
    )
    SessionTrainer.objects.create(session=session, user=trainer, name="Tess Trainer")
    for name in ("Ada Lovelace", "Bo Absent"):
        BookingFactory.create(
            session=session,
            person=PersonFactory.create(full_name=name, agency__partnership=partnership),
        )
    page = signed_in_page(browser, live_server, trainer, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    watch.check_accessibility(page, "trainer's start page")
    follow(page, service_navigation(page).get_by_role("link", name="My sessions"))
    assert heading(page) == "My sessions"
    watch.check_accessibility(page, "my sessions")
    follow(page, page.get_by_role("main").get_by_role("link", name="Neglect").first)
    follow(page, page.get_by_role("button", name="Mark all attended"))
    assert "2 people marked as attended" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "register after marking all attended")
    assert Attendance.objects.filter(outcome="attended").count() == 2
    watch.assert_clean()


def test_a_learner_books_the_next_date_of_an_overdue_course(
    browser, live_server, partnership, overdue_course, watch: PageWatch
):
    learner = member(partnership, "Lena Learner", Role.LEARNER)
    PersonFactory.create(agency=overdue_course["agency"], user=learner, role=overdue_course["role"])
    page = signed_in_page(browser, live_server, learner, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    assert "1 overdue" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "learner's start page")
    follow(page, service_navigation(page).get_by_role("link", name="My training"))
    assert heading(page) == "My training"
    watch.check_accessibility(page, "my training")
    follow(page, page.get_by_role("button", name="Book Working Together").first)
    assert Booking.objects.get().session == overdue_course["session"]
    watch.check_accessibility(page, "session booked")
    watch.assert_clean()


def test_a_line_manager_books_two_of_their_team_at_once(
    browser, live_server, partnership, overdue_course, watch: PageWatch
):
    manager = member(partnership, "Maya Manager", Role.LINE_MANAGER)
    agency = overdue_course["agency"]
    boss = PersonFactory.create(agency=agency, user=manager)
    for name in ("Ana Team", "Ben Team"):
        PersonFactory.create(
            agency=agency, line_manager=boss, full_name=name, role=overdue_course["role"]
        )
    page = signed_in_page(browser, live_server, manager, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    watch.check_accessibility(page, "line manager's start page")
    follow(page, service_navigation(page).get_by_role("link", name="My team"))
    assert heading(page) == "Your team"
    watch.check_accessibility(page, "my team")
    page.get_by_label("Select Ana Team").check()
    page.get_by_label("Select Ben Team").check()
    page.get_by_label("Session to book the selected people on").select_option(
        str(overdue_course["session"].pk)
    )
    follow(page, page.get_by_role("button", name="Book the selected people"))
    assert "Booked: Ana Team, Ben Team." in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "my team after booking")
    assert Booking.objects.count() == 2
    watch.assert_clean()


def test_the_coordinators_and_board_members_start_pages(
    browser, live_server, partnership, overdue_course, watch: PageWatch
):
    coordinator = member(partnership, "Cora Ordinator", Role.COORDINATOR)
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    assert "To do" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "coordinator's start page")
    board = member(partnership, "Bill Board", Role.BOARD_MEMBER)
    page = signed_in_page(browser, live_server, board, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/")
    main = page.get_by_role("main").inner_text()
    assert "Training compliance" in main and "Evaluation results" in main
    watch.check_accessibility(page, "board member's start page")
    watch.assert_clean()
