"""iCalendar invitations parsed back with icalendar; London times across a clock change."""

import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from interagency.delivery.calendar import invitation, uid
from interagency.delivery.models import BookingStatus, SessionFormat
from interagency.delivery.tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.clock

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
# British Summer Time starts at 01:00 UTC on Sunday 29 March 2026.
FRIDAY_BEFORE = datetime.date(2026, 3, 27)


def events(document: str) -> list:
    return list(Calendar.from_ical(document).walk("VEVENT"))


@pytest.fixture
def across_clock_change(db):
    """A booking on four daily parts, 27 to 30 March 2026: two in GMT, two in summer time."""
    session = SessionFactory.create(parts=4, parts__start=FRIDAY_BEFORE)
    session.sequence = 2
    session.save(update_fields=["sequence"])
    return BookingFactory.create(session=session)


def test_each_part_keeps_its_london_wall_clock_times_across_the_clock_change(across_clock_change):
    document = invitation(across_clock_change)
    parsed = events(document)
    assert len(parsed) == 4
    starts = [event.decoded("dtstart") for event in parsed]
    ends = [event.decoded("dtend") for event in parsed]
    assert [start.astimezone(LONDON).time() for start in starts] == [datetime.time(9, 30)] * 4
    assert [end.astimezone(LONDON).time() for end in ends] == [datetime.time(16, 30)] * 4
    # The same wall-clock time is an hour earlier in UTC once summer time starts.
    assert starts[0].astimezone(UTC).time() == datetime.time(9, 30)
    assert starts[3].astimezone(UTC).time() == datetime.time(8, 30)
    assert all(str(start.tzinfo) == "Europe/London" for start in starts)
    assert "DTSTART;TZID=Europe/London:20260330T093000" in document


def test_the_time_zone_covers_only_the_sessions_year(across_clock_change):
    calendar = Calendar.from_ical(invitation(across_clock_change))
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/London"
    transitions = [sub.decoded("dtstart") for sub in zone.subcomponents]
    assert {moment.year for moment in transitions} == {2026}
    assert len(transitions) <= 3
    (summer,) = zone.walk("DAYLIGHT")
    assert summer.decoded("dtstart").date() == datetime.date(2026, 3, 29)
    assert summer.decoded("tzoffsetto") == datetime.timedelta(hours=1)


def test_uids_are_stable_per_booking_and_part_and_sequence_is_the_sessions(across_clock_change):
    booking = across_clock_change
    request = events(invitation(booking, "REQUEST"))
    cancel = events(invitation(booking, "CANCEL"))
    expected = [uid(booking, number) for number in range(1, 5)]
    assert [str(event["uid"]) for event in request] == expected
    assert [str(event["uid"]) for event in cancel] == expected
    assert expected[0] == f"booking-{booking.pk}@interagency"
    assert {int(str(event["sequence"])) for event in request + cancel} == {2}
    assert Calendar.from_ical(invitation(booking, "CANCEL"))["method"] == "CANCEL"
    assert {str(event["status"]) for event in cancel} == {"CANCELLED"}
    assert str(request[1]["summary"]).endswith("(part 2 of 4)")


def test_a_change_of_the_session_raises_the_sequence_and_keeps_the_uid(across_clock_change):
    booking = across_clock_change
    before = events(invitation(booking))[0]
    booking.session.sequence += 1
    booking.session.save(update_fields=["sequence"])
    after = events(invitation(booking))[0]
    assert after["uid"] == before["uid"]
    assert int(str(after["sequence"])) == int(str(before["sequence"])) + 1


@pytest.mark.django_db
def test_in_person_location_is_the_venue_with_its_address():
    booking = BookingFactory.create(session__venue__name="Crowndale Centre")
    (event,) = events(invitation(booking))
    assert str(event["location"]) == "Crowndale Centre, 5 Pancras Square, London, N1C 4AG"
    assert str(event["organizer"]).startswith("mailto:")
    assert event["organizer"].params["CN"] == booking.partnership.name
    assert str(event["attendee"]) == f"mailto:{booking.person.work_email}"


@pytest.mark.django_db
def test_the_joining_link_goes_only_to_a_confirmed_attendee():
    session = SessionFactory.create(
        format=SessionFormat.ONLINE,
        venue=None,
        joining_link="https://meet.example.org/abc-123",
        joining_instructions="Join five minutes early.",
    )
    confirmed = BookingFactory.create(session=session)
    waiting = BookingFactory.create(
        session=session,
        status=BookingStatus.WAITING,
        confirmed_at=None,
        waiting_since=datetime.datetime(2026, 1, 1, tzinfo=UTC),
    )
    confirmed_document = invitation(confirmed)
    (event,) = events(confirmed_document)
    assert str(event["location"]) == "Online: https://meet.example.org/abc-123"
    assert "Join five minutes early." in str(event["description"])
    for document in (invitation(waiting), invitation(confirmed, "CANCEL")):
        assert "meet.example.org" not in document
        (other,) = events(document)
        assert str(other["location"]) == "Online"


@pytest.mark.django_db
def test_an_unknown_method_is_refused_by_name():
    booking = BookingFactory.create()
    with pytest.raises(ValueError, match="REQUEST or CANCEL, not 'PUBLISH'"):
        invitation(booking, "PUBLISH")
