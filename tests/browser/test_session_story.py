"""Issue 5's story end to end, through the real pages in a real browser.

A coordinator sets the waiting list to give freed places away at once and adds
a session of 20 places; 25 learners book it from the session page (20 places,
5 on the waiting list, each told their position); two cancel from their
bookings and the first two waiting take their places, told by email through
the real outbox, the real task worker and a real SMTP server on loopback; the
trainer takes and closes the register; a learner downloads their certificate
and the public check confirms it (and refuses an invented number). The key
pages are checked with axe, and the watch fails the test on console errors.
"""

import datetime
import io
import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from conftest import sign_in_verified
from interagency.accounts.tests.factories import UserFactory
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    Booking,
    BookingStatus,
    Certificate,
    Session,
    SessionPart,
)
from interagency.delivery.tests.factories import VenueFactory
from interagency.notifications.models import OutboxMessage
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "Working Together to Safeguard Children"
CAPACITY = 20
LEARNERS = 25


def session_cookie(user: Any) -> str:
    client = Client()
    sign_in_verified(client, user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


class Learners:
    """One browser page whose session cookie is switched from learner to learner.

    A context per learner would cost a browser context each; the pages only
    need the learner's signed-in session, so the cookies are swapped instead.
    """

    def __init__(self, browser: Any, live_server: Any, watch: PageWatch) -> None:
        self.live_server = live_server
        self.context = browser.new_context()
        self.page = self.context.new_page()
        watch.attach(self.page)
        self.cookies: dict[int, str] = {}

    def be(self, user: Any) -> Any:
        if user.pk not in self.cookies:
            self.cookies[user.pk] = session_cookie(user)
        self.context.clear_cookies()
        self.context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": self.cookies[user.pk],
                    "url": self.live_server.url,
                }
            ]
        )
        return self.page


def fill_part(page: Any, day: datetime.date, starts: str, ends: str) -> None:
    for box, value in enumerate((day.day, day.month, day.year)):
        page.locator(f"[name='part-0-day_{box}']").fill(str(value))
    page.locator("[name='part-0-starts']").fill(starts)
    page.locator("[name='part-0-ends']").fill(ends)


def messages_to(smtp_server: Any, address: str) -> list[Any]:
    return [message for message in smtp_server.messages if message["To"] == address]


def invitation_of(message: Any) -> str:
    """The .ics attachment of an email ("" if there is none)."""
    for part in message.iter_attachments():
        if part.get_filename() == "invite.ics":
            content = part.get_content()
            return content.decode() if isinstance(content, bytes) else content
    return ""


@pytest.fixture
def cast(partnership):
    """The course adopted, a venue, a coordinator, a trainer and 25 learners of one agency."""
    course = CourseFactory.create(title=COURSE)
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    venue = VenueFactory.create(partnership=partnership, name="Crowndale Centre")
    coordinator = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    trainer = UserFactory.create(full_name="Tess Trainer")
    MembershipFactory.create(partnership=partnership, user=trainer, role=Role.TRAINER)
    agency = AgencyFactory.create(partnership=partnership, name="Whittington Health")
    learners = []
    for number in range(1, LEARNERS + 1):
        name = f"Learner {number:02d}"
        user = UserFactory.create(full_name=name)
        MembershipFactory.create(partnership=partnership, user=user, role=Role.LEARNER)
        person = PersonFactory.create(
            agency=agency,
            user=user,
            full_name=name,
            work_email=f"learner{number:02d}@whittington.example",
        )
        learners.append((user, person))
    return course, venue, coordinator, trainer, learners


def test_a_session_fills_moves_its_waiting_list_and_ends_in_verified_certificates(
    live_server, browser, watch: PageWatch, partnership, cast, smtp_server, settings
):
    settings.MAILERS = smtp_server.mailers
    course, venue, coordinator, trainer, learners = cast
    base = f"{live_server.url}/p/{partnership.code}/sessions/"

    # 1. The coordinator gives freed places away at once, then adds the session.
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{base}settings/")
    watch.check_accessibility(page, "booking settings")
    page.get_by_label("Give the place to the next person straight away").check()
    follow(page, page.get_by_role("button", name="Save settings"))
    assert page.locator(".govuk-error-summary").count() == 0

    page.goto(f"{base}manage/new/")
    assert heading(page) == "Add a session"
    watch.check_accessibility(page, "session form")
    page.get_by_label("Course").select_option(str(course.pk))
    fill_part(page, timezone.localdate() + datetime.timedelta(days=14), "09:30", "16:30")
    page.get_by_label("Venue (in person)").select_option(str(venue.pk))
    page.get_by_label("Capacity").fill(str(CAPACITY))
    page.get_by_label(trainer.full_name).check()
    follow(page, page.get_by_role("button", name="Add session"))
    assert heading(page).startswith(COURSE)
    session = Session.objects.get()
    assert (session.capacity, session.venue_id, session.parts.count()) == (CAPACITY, venue.pk, 1)
    assert list(session.trainers.values_list("user", flat=True)) == [trainer.pk]
    page.context.close()

    # 2. Twenty-five learners book from the session page: 20 places, then 5 waiting.
    people = Learners(browser, live_server, watch)
    detail = f"{base}{session.pk}/"
    for number, (user, person) in enumerate(learners, start=1):
        page = people.be(user)
        page.goto(detail)
        full = number > CAPACITY
        button = "Join the waiting list" if full else "Book a place"
        if number in (1, CAPACITY + 1):
            watch.check_accessibility(page, f"session page ({'full' if full else 'open'})")
        follow(page, page.get_by_role("button", name=button))
        banner = page.locator(".govuk-notification-banner").inner_text()
        if full:
            assert "You are on the waiting list." in banner, (person.full_name, banner)
        else:
            assert "You are booked on this session." in banner, (person.full_name, banner)
    statuses = dict(Booking.objects.values_list("person__full_name", "status"))
    assert sorted(statuses.values()).count(BookingStatus.CONFIRMED) == CAPACITY
    assert [statuses[f"Learner {n}"] for n in range(21, 26)] == [BookingStatus.WAITING] * 5
    session.refresh_from_db()
    assert session.places_taken == CAPACITY

    # Each of the five sees their own position on their bookings page.
    for position, (user, _) in enumerate(learners[CAPACITY:], start=1):
        page = people.be(user)
        page.goto(f"{base}my-bookings/")
        row = page.get_by_role("row").filter(has_text=COURSE)
        assert "On the waiting list" in row.inner_text()
        assert f"Number {position} on the waiting list" in row.inner_text()
        if position == 1:
            watch.check_accessibility(page, "my bookings (waiting)")

    # 3. Two confirmed learners cancel from their bookings page.
    for user, person in learners[:2]:
        page = people.be(user)
        page.goto(f"{base}my-bookings/")
        follow(page, page.get_by_role("link", name=f"Cancel booking on {COURSE}"))
        follow(page, page.get_by_role("button", name="Cancel the booking"))
        assert page.get_by_text(f"Booking on {COURSE} cancelled.").is_visible()
        assert Booking.objects.get(person=person).status == BookingStatus.CANCELLED

    # 4. The first two waiting now hold places; the third is first in line.
    first, second, third = (learners[CAPACITY + i] for i in range(3))
    for user, _ in (first, second):
        page = people.be(user)
        page.goto(f"{base}my-bookings/")
        row = page.get_by_role("row").filter(has_text=COURSE)
        assert "Confirmed" in row.inner_text(), row.inner_text()
        assert "waiting list" not in row.inner_text()
    watch.check_accessibility(page, "my bookings (moved up)")
    page = people.be(third[0])
    page.goto(f"{base}my-bookings/")
    row = page.get_by_role("row").filter(has_text=COURSE)
    assert "Number 1 on the waiting list" in row.inner_text()
    session.refresh_from_db()
    assert session.places_taken == CAPACITY
    assert (
        Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).count() == CAPACITY
    )

    # The coordinator's page counts the same: full, two cancelled, three still waiting.
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{base}manage/{session.pk}/")
    assert f"{CAPACITY} of {CAPACITY} taken, 0 left" in page.get_by_role("main").inner_text()
    waiting_rows = page.get_by_role("table", name="Waiting list, first in line first")
    names = [row.inner_text().split("\t")[:2] for row in waiting_rows.get_by_role("row").all()[1:]]
    assert names == [["1", "Learner 23"], ["2", "Learner 24"], ["3", "Learner 25"]]
    watch.check_accessibility(page, "coordinator's session page")
    page.context.close()

    # The real worker sends the outbox to the real SMTP server.
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
    # 25 told of their booking, 2 of their cancellation, 2 of the place that came up.
    assert len(smtp_server.messages) == LEARNERS + 2 + 2
    for position, (_, person) in enumerate((first, second), start=1):
        received = messages_to(smtp_server, person.work_email)
        assert len(received) == 2, [message["Subject"] for message in received]
        confirmed, waiting = sorted(received, key=lambda message: not invitation_of(message))
        told = waiting.get_body(("plain",)).get_content()
        assert f"number {position} on the waiting list" in told, told
        assert not invitation_of(waiting)
        assert COURSE in confirmed["Subject"] + confirmed.get_body(("plain",)).get_content()
        ics = invitation_of(confirmed)
        assert "BEGIN:VEVENT" in ics and "METHOD:REQUEST" in ics
        assert COURSE in ics.replace("\r\n ", "")
    # The third is still waiting: told only that.
    assert len(messages_to(smtp_server, third[1].work_email)) == 1

    # 5. Time moves on: the session is made to have taken place yesterday (the form
    # refuses a past date and booking refuses a started session, so the ORM moves
    # it once everyone has booked; the register opens only once it has started).
    yesterday = timezone.now() - datetime.timedelta(days=1)
    starts, ends = yesterday.replace(hour=9, minute=30), yesterday.replace(hour=16, minute=30)
    SessionPart.objects.filter(session=session).update(starts_at=starts, ends_at=ends)
    Session.objects.filter(pk=session.pk).update(starts_at=starts, ends_at=ends)

    page = signed_in_page(browser, live_server, trainer, watch)
    page.goto(f"{base}registers/")
    follow(page, page.get_by_role("link", name=COURSE))
    assert heading(page) == COURSE
    assert f"{CAPACITY} confirmed; 0 recorded" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "register")
    attendees = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED)
    no_show = attendees.get(person=learners[2][1])
    for booking in attendees.select_related("person"):
        group = page.get_by_role("group", name=booking.person.full_name, exact=True)
        outcome = "Did not attend" if booking == no_show else "Attended"
        group.get_by_label(outcome, exact=True).check()
        page.locator(f"#status-{booking.pk}").get_by_text("Saved").wait_for()
    follow(page, page.get_by_role("button", name="Save and close the register"))
    assert "Register closed" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "closed register")
    assert Attendance.objects.filter(outcome=AttendanceOutcome.ATTENDED).count() == CAPACITY - 1
    assert Certificate.objects.count() == CAPACITY - 1
    assert not Certificate.objects.filter(booking=no_show).exists()
    page.context.close()

    # 6. A learner who moved up from the waiting list downloads their certificate...
    user, person = first
    page = people.be(user)
    page.goto(f"{base}my-bookings/")
    watch.check_accessibility(page, "my bookings (certificate)")
    link = page.get_by_role("link", name=re.compile(rf"^{COURSE}, .*certificate, PDF"))
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    certificate = Certificate.objects.get(booking__person=person)
    printed = " ".join(
        sheet.extract_text() for sheet in PdfReader(io.BytesIO(response.body())).pages
    )
    assert person.full_name in printed and certificate.number in printed
    assert certificate.number in page.get_by_role("main").inner_text()
    people.context.close()

    # ...and anyone can check it is genuine; an invented number is not.
    anyone = browser.new_context().new_page()
    watch.attach(anyone)
    anyone.goto(f"{live_server.url}/verify/")
    anyone.get_by_label("Certificate number").fill(certificate.number)
    follow(anyone, anyone.get_by_role("button", name="Check certificate"))
    main = anyone.get_by_role("main").inner_text()
    assert "This certificate is genuine" in main
    assert person.full_name in main and COURSE in main
    watch.check_accessibility(anyone, "verify (genuine)")
    invented = "ABCD-EFGH-JKMN" if certificate.number != "ABCD-EFGH-JKMN" else "NMKJ-HGFE-DCBA"
    anyone.get_by_label("Certificate number").fill(invented)
    follow(anyone, anyone.get_by_role("button", name="Check certificate"))
    main = anyone.get_by_role("main").inner_text()
    assert "No certificate has this number" in main
    assert "This certificate is genuine" not in main
    watch.check_accessibility(anyone, "verify (unknown)")
    anyone.context.close()
    watch.assert_clean()
