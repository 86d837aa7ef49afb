"""London wall-clock times on the days the clocks change: refused when they are not one
instant, and shown as the attendee's clock reads them in emails and calendar files."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from interagency.accounts.services import issue_access_token
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.delivery import notices
from interagency.delivery.models import Session, SessionPart
from interagency.delivery.tests.factories import (
    BookingFactory,
    SessionFactory,
    VenueFactory,
    refresh_session_dates,
)

pytestmark = pytest.mark.clock

UTC = datetime.UTC
SPRING = datetime.date(2027, 3, 28)  # clocks go forward at 1am GMT to 2am BST
AUTUMN = datetime.date(2027, 10, 31)  # clocks go back at 2am BST to 1am GMT


@pytest.fixture
def api(db, coordinator):
    _, token = issue_access_token(user=coordinator, name="Tests")
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {token}"})


def create_through_api(api, partnership, starts_at: str, ends_at: str):
    framework = AdoptionFactory.create(partnership=partnership).framework
    course = CourseFactory.create(tier__framework=framework)
    venue = VenueFactory.create(partnership=partnership)
    return api.post(
        reverse("api:session-list", kwargs={"code": partnership.code}),
        {
            "course": course.pk,
            "venue": venue.pk,
            "capacity": 10,
            "minimum_numbers": 1,
            "parts": [{"starts_at": starts_at, "ends_at": ends_at}],
        },
        content_type="application/json",
    )


def test_the_api_refuses_a_time_the_clocks_skip(partnership, api):
    response = create_through_api(api, partnership, "2027-03-28T01:30", "2027-03-28T04:00")
    assert response.status_code == 400
    assert {
        "field": "parts",
        "message": "Start time of part 1: There is no 1:30am on 28 March 2027: the clocks go "
        "forward at 1am. Choose a time before 1am or from 2am.",
    } in response.json()["errors"]
    assert not Session.objects.exists()


def test_the_api_refuses_a_time_the_clocks_repeat_unless_its_offset_says_which(partnership, api):
    ambiguous = create_through_api(api, partnership, "2027-10-31T01:30", "2027-10-31T04:00")
    assert ambiguous.status_code == 400
    assert ambiguous.json()["errors"][0]["message"].startswith(
        "Start time of part 1: 1:30am on 31 October 2027 happens twice: the clocks go back"
    )
    assert not Session.objects.exists()

    # The first 1:30am (still summer time) said with its offset is one instant.
    explicit = create_through_api(api, partnership, "2027-10-31T01:30+01:00", "2027-10-31T04:00")
    assert explicit.status_code == 201, explicit.json()
    assert explicit.json()["parts"][0]["starts_at"] == "2027-10-31T00:30:00Z"


def test_the_api_keeps_half_past_nine_on_both_change_days(partnership, api):
    for day, utc in ((SPRING, "08:30"), (AUTUMN, "09:30")):
        response = create_through_api(api, partnership, f"{day}T09:30", f"{day}T16:30")
        assert response.status_code == 201, response.json()
        assert response.json()["parts"][0]["starts_at"] == f"{day}T{utc}:00Z"


def booking_between(starts: datetime.datetime, ends: datetime.datetime):
    session = SessionFactory.create(parts=0, course__title="Night shift safeguarding")
    SessionPart.objects.create(session=session, order=0, starts_at=starts, ends_at=ends)
    refresh_session_dates(session)
    return BookingFactory.create(
        session=session, partnership=session.partnership, person__work_email="nd@agency.example"
    )


@pytest.fixture
def smtp_mail(settings, smtp_server):
    settings.MAILERS = smtp_server.mailers
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return smtp_server


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts", "ends", "when", "hours"),
    [
        # 00:30 GMT to 03:00 BST: an hour and a half.
        (
            datetime.datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
            datetime.datetime(2027, 3, 28, 2, 0, tzinfo=UTC),
            "Sunday 28 March 2027, 12:30am to 3am",
            1.5,
        ),
        # 00:30 BST to 03:00 GMT: three and a half hours.
        (
            datetime.datetime(2027, 10, 30, 23, 30, tzinfo=UTC),
            datetime.datetime(2027, 10, 31, 3, 0, tzinfo=UTC),
            "Sunday 31 October 2027, 12:30am to 3am",
            3.5,
        ),
        (
            datetime.datetime(2027, 3, 28, 8, 30, tzinfo=UTC),
            datetime.datetime(2027, 3, 28, 15, 30, tzinfo=UTC),
            "Sunday 28 March 2027, 9:30am to 4:30pm",
            7,
        ),
        (
            datetime.datetime(2027, 10, 31, 9, 30, tzinfo=UTC),
            datetime.datetime(2027, 10, 31, 16, 30, tzinfo=UTC),
            "Sunday 31 October 2027, 9:30am to 4:30pm",
            7,
        ),
    ],
)
def test_email_and_calendar_show_london_times_across_the_change(
    starts, ends, when, hours, smtp_mail, django_capture_on_commit_callbacks
):
    booking = booking_between(starts, ends)
    with django_capture_on_commit_callbacks(execute=True):
        notices.booking_confirmed(booking)
    (received,) = smtp_mail.messages
    assert f"When: {when}" in received.get_body(preferencelist=("plain",)).get_content()
    (invite,) = [part for part in received.walk() if part.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(invite.get_content()).walk("VEVENT")
    dtstart, dtend = event.decoded("dtstart"), event.decoded("dtend")
    assert str(dtstart.tzinfo) == "Europe/London"
    assert (dtstart.astimezone(UTC), dtend.astimezone(UTC)) == (starts, ends)
    # Python subtracts two times of one zone by their clocks: compare instants.
    assert dtend.astimezone(UTC) - dtstart.astimezone(UTC) == datetime.timedelta(hours=hours)
