"""Training status from real events: a closed register makes a course done, a booking booked."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from interagency.delivery.models import LIVE_STATUSES, AttendanceOutcome, BookingStatus, Session
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.services.bookings import book_place
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.selectors import Status, status_counts, training_status
from interagency.records.selectors.compliance import LIVE_BOOKING_STATUSES, SCHEDULED_SESSION

NOW = datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def rows_of(partnership, person):
    from interagency.people.models import Person

    people = Person.objects.for_partnership(partnership)
    found = training_status(partnership, people, today=TODAY)
    [status] = [row for row in found if row.person_id == person.pk]
    return {row.title: row for row in status.courses}, status_counts(found)


def test_the_booked_statuses_are_deliverys_live_ones():
    assert set(LIVE_BOOKING_STATUSES) == {str(status) for status in LIVE_STATUSES}
    assert SCHEDULED_SESSION == Session.Status.SCHEDULED


def test_a_closed_register_makes_the_course_done(partnership, coordinator, catalogue):
    """Attended and the register closed: the record it makes counts, with no other step."""
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    session = SessionFactory.create(
        partnership=partnership,
        course=catalogue["core"],
        parts=2,
        parts__start=TODAY - datetime.timedelta(days=7),
    )
    booking = BookingFactory.create(session=session, person=person)
    before, _counts = rows_of(partnership, person)
    assert before["Core"].status == Status.OVERDUE

    record_attendance(booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator)
    close_register(session=session, closed_by=coordinator)

    after, counts = rows_of(partnership, person)
    last_day = TODAY - datetime.timedelta(days=6)
    assert after["Core"].status == Status.DONE
    assert after["Core"].completed_on == last_day
    assert after["Core"].due_on == datetime.date(2029, 6, 9)  # refreshed every 36 months
    assert (counts["done"], counts["overdue"]) == (1, 1)  # Intro is still to do


def test_a_partly_attended_course_is_not_done(partnership, coordinator, catalogue):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    session = SessionFactory.create(
        partnership=partnership,
        course=catalogue["core"],
        parts=2,
        parts__start=TODAY - datetime.timedelta(days=7),
    )
    booking = BookingFactory.create(session=session, person=person)
    record_attendance(
        booking=booking,
        outcome=AttendanceOutcome.PARTLY,
        parts_attended=list(session.parts.order_by("starts_at")[:1]),
        recorded_by=coordinator,
    )
    close_register(session=session, closed_by=coordinator)

    rows, _counts = rows_of(partnership, person)
    assert rows["Core"].status == Status.OVERDUE


def test_a_booking_on_a_coming_session_shows_booked_with_its_date(
    partnership,
    coordinator,
    catalogue,
):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    coming = SessionFactory.create(
        partnership=partnership,
        course=catalogue["intro"],
        parts__start=datetime.date(2026, 7, 8),
    )
    booking = book_place(session=coming, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED

    rows, counts = rows_of(partnership, person)

    assert rows["Intro"].status == Status.BOOKED
    assert rows["Intro"].booked_on == datetime.date(2026, 7, 8)
    assert rows["Core"].status == Status.OVERDUE  # booked for Intro only
    assert (counts["booked"], counts["overdue"]) == (1, 1)


def test_the_page_and_csv_show_the_booking_and_its_date(
    coordinator_client,
    partnership,
    catalogue,
):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        full_name="Bo Booked",
        started_on=datetime.date(2020, 1, 1),
    )
    BookingFactory.create(
        session=SessionFactory.create(
            partnership=partnership,
            course=catalogue["intro"],
            parts__start=datetime.date(2026, 7, 8),
        ),
        person=person,
    )
    url = reverse("records:training-status", args=[partnership.code])

    page = coordinator_client.get(url).text
    response = coordinator_client.get(url[:-1] + ".csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert 'id="count-booked">1<' in page
    assert 'Booked</strong> <span class="govuk-body-s">for 8 July 2026</span>' in page
    assert lines[0][-1] == "Booked for"
    intro = next(line for line in lines[1:] if line[4] == "Intro")
    assert intro[3:] == ["Practitioner", "Intro", "Booked", "", "2021-01-01", "2026-07-08"]


@pytest.mark.parametrize(
    "case",
    ["ended", "cancelled booking", "cancelled session", "other course"],
)
def test_only_a_live_booking_on_a_coming_session_counts(
    partnership,
    coordinator,
    catalogue,
    case,
):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    start = datetime.date(2026, 6, 1) if case == "ended" else datetime.date(2026, 7, 8)
    course = catalogue["core"] if case == "other course" else catalogue["intro"]
    session = SessionFactory.create(partnership=partnership, course=course, parts__start=start)
    if case == "cancelled session":
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
    status = BookingStatus.CANCELLED if case == "cancelled booking" else BookingStatus.CONFIRMED
    BookingFactory.create(session=session, person=person, status=status)

    rows, _counts = rows_of(partnership, person)

    assert rows["Intro"].status == Status.OVERDUE
    assert rows["Intro"].booked_on is None


def test_a_session_on_today_still_counts_and_a_done_course_stays_done(
    partnership,
    catalogue,
):
    from interagency.records.tests.test_training_status import completed

    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        role=catalogue["role"],
        started_on=datetime.date(2020, 1, 1),
    )
    completed(person, catalogue["core"], datetime.date(2025, 1, 10))  # due again 2028
    for course in (catalogue["core"], catalogue["intro"]):
        BookingFactory.create(
            session=SessionFactory.create(
                partnership=partnership, course=course, parts__start=TODAY
            ),
            person=person,
        )

    rows, _counts = rows_of(partnership, person)

    assert rows["Core"].status == Status.DONE
    assert rows["Intro"].status == Status.BOOKED
    assert rows["Intro"].booked_on == TODAY


def test_the_databases_cut_off_dates_agree_with_adding_months():
    """``due_before`` is what lets the database compare dates instead of adding months."""
    from interagency.records.statuses import add_months, due_before

    days = [datetime.date(2027, 1, 1) + datetime.timedelta(days=n) for n in range(0, 800, 3)]
    days += [datetime.date(2028, 2, 29), datetime.date(2027, 3, 31), datetime.date(2027, 12, 31)]
    for months in (0, 1, 3, 6, 11, 12, 13, 24, 36, 120):
        for day in days:
            cut = due_before(months, day)
            assert add_months(cut, months) >= day
            assert add_months(cut - datetime.timedelta(days=1), months) < day
