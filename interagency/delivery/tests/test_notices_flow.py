"""Emails through the real services and a real SMTP server: book, change the session, cancel.

No notice is replaced here: the booking and session services write the
outbox in their transaction and the send task runs after commit.
"""

import datetime

import pytest
from django.core import mail
from icalendar import Calendar

from interagency.delivery import notices
from interagency.delivery.models import Booking, BookingStatus
from interagency.delivery.services import bookings, sessions
from interagency.delivery.tests.booking_setup import make_agency, make_person, make_session
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageKind, OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def invitation_of(received) -> Calendar:
    (part,) = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


@pytest.mark.usefixtures("immediate_tasks")
def test_booking_change_and_cancellation_reach_the_attendee_as_one_calendar_entry(
    partnership, coordinator, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_server.mailers
    session = make_session(partnership)
    person = make_person(partnership, work_email="ada@agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book_place(session=session, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED

    first = session.parts.get()
    moved = [
        (first.starts_at + datetime.timedelta(days=7), first.ends_at + datetime.timedelta(days=7))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        sessions.update_session(session=session, changed_by=coordinator, parts=moved)
    with django_capture_on_commit_callbacks(execute=True):
        bookings.cancel_booking(booking=booking, cancelled_by=coordinator, reason="Clash")

    confirmed, changed, cancelled = smtp_server.messages
    assert [m["To"] for m in smtp_server.messages] == ["ada@agency.example"] * 3
    assert changed["Subject"].startswith("Changed: ")
    events = [invitation_of(m).walk("VEVENT")[0] for m in (confirmed, changed, cancelled)]
    assert len({str(event["uid"]) for event in events}) == 1
    assert [int(str(event["sequence"])) for event in events] == [0, 1, 1]
    assert [str(invitation_of(m)["method"]) for m in (confirmed, changed, cancelled)] == [
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]
    assert events[1].decoded("dtstart") == moved[0][0]


# Editing a session with any number of attendees: the queries of the edit itself.
SESSION_EDIT_QUERIES = 27


@pytest.mark.usefixtures("immediate_tasks")
@pytest.mark.parametrize("attendees", [3, 30])
def test_moving_a_session_tells_every_attendee_once_in_the_same_queries_however_many(
    partnership,
    coordinator,
    settings,
    smtp_server,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    attendees,
):
    settings.MAILERS = smtp_server.mailers
    session = make_session(partnership, capacity=40)
    agency = make_agency(partnership)
    booked = [
        BookingFactory.create(
            session=session,
            person=make_person(partnership, agency=agency, work_email=f"p{n}@agency.example"),
        )
        for n in range(attendees)
    ]
    for booking in booked:  # their calendars hold the first invitation (not sent here)
        notices.booking_confirmed(booking)
    # Sent before the move (the sender sends everything due, so mark them so here).
    OutboxMessage.objects.filter(kind=MessageKind.BOOKING_CONFIRMED).update(
        status=OutboxMessage.Status.SENT
    )
    first = session.parts.get()
    moved = [
        (first.starts_at + datetime.timedelta(days=7), first.ends_at + datetime.timedelta(days=7))
    ]
    # The emails are sent after commit, outside the counted edit.
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_max_num_queries(SESSION_EDIT_QUERIES),
    ):
        sessions.update_session(session=session, changed_by=coordinator, parts=moved)

    received = {m["To"]: m for m in smtp_server.messages}
    assert len(smtp_server.messages) == attendees
    assert sorted(received) == sorted(b.person.work_email for b in booked)
    for booking in booked:
        invitation = invitation_of(received[booking.person.work_email])
        assert str(invitation["method"]) == "REQUEST"
        (event,) = invitation.walk("VEVENT")
        assert str(event["uid"]) == f"booking-{booking.pk}@interagency"
        assert int(str(event["sequence"])) == 1
        assert event.decoded("dtstart") == moved[0][0]
    changed = OutboxMessage.objects.filter(kind=MessageKind.SESSION_CHANGED)
    assert changed.filter(status=OutboxMessage.Status.SENT).count() == attendees


@pytest.mark.usefixtures("immediate_tasks")
def test_a_mail_server_down_never_loses_the_booking(
    partnership, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    session = make_session(partnership)
    person = make_person(partnership)
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book_place(session=session, person=person, booked_by=coordinator)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    message = OutboxMessage.objects.get(booking=booking, kind=MessageKind.BOOKING_CONFIRMED)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "failed" in message.last_error
    assert mail.outbox == []
