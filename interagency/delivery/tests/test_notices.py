"""Notices: who is told what, in London time, once per event, with the right calendar method."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from interagency.accounts.tests.factories import UserFactory
from interagency.delivery import notices
from interagency.delivery.models import BookingStatus, SessionFormat
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.tests.outbox_support import written
from interagency.people.tests.factories import PersonFactory

pytestmark = pytest.mark.clock

UTC = datetime.UTC
# Tuesday 3 March 2026 (GMT) and Tuesday 31 March 2026 (BST).
WINTER_DAY = datetime.date(2026, 3, 3)
SUMMER_DAY = datetime.date(2026, 3, 31)


def only_message(**filters) -> OutboxMessage:
    (message,) = written(OutboxMessage.objects.filter(**filters))
    return message


def method_of(message: OutboxMessage) -> str:
    return str(Calendar.from_ical(message.calendar)["method"])


@pytest.fixture
def settings_site(settings):
    settings.SITE_URL = "https://training.example.org"
    return settings


@pytest.mark.django_db
def test_confirmation_names_the_course_and_london_times_with_an_invitation(settings_site):
    booking = BookingFactory.create(
        session__parts__start=WINTER_DAY,
        session__course__title="Working Together",
        person__full_name="Ada Lovelace",
    )
    notices.booking_confirmed(booking)
    message = only_message(booking=booking)
    assert message.kind == MessageKind.BOOKING_CONFIRMED
    assert message.to_email == booking.person.work_email
    assert message.subject == "Booking confirmed: Working Together on Tuesday 3 March 2026"
    assert "Dear Ada Lovelace," in message.body
    assert "When: Tuesday 3 March 2026, 9:30am to 4:30pm" in message.body
    assert "5 Pancras Square, London, N1C 4AG" in message.body
    assert "https://training.example.org/p/" in message.body
    assert message.key == f"booking:{booking.pk}:confirmed:0"
    assert "\n\n\n" not in message.body  # no joining details: no gap left for them
    assert method_of(message) == "REQUEST"


@pytest.mark.django_db
def test_times_stay_in_london_in_summer_time():
    booking = BookingFactory.create(session__parts__start=SUMMER_DAY)
    notices.booking_confirmed(booking)
    assert "Tuesday 31 March 2026, 9:30am to 4:30pm" in only_message(booking=booking).body


@pytest.mark.django_db
def test_each_part_of_a_modular_session_is_listed():
    booking = BookingFactory.create(session__parts=2, session__parts__start=WINTER_DAY)
    notices.booking_confirmed(booking)
    body = only_message(booking=booking).body
    assert "Tuesday 3 March 2026, 9:30am to 4:30pm\nWednesday 4 March 2026, 9:30am" in body


@pytest.mark.django_db
def test_queueing_the_same_notice_twice_stores_one_message():
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)
    notices.booking_confirmed(booking)
    assert OutboxMessage.objects.filter(booking=booking).count() == 1


def online_session():
    return SessionFactory.create(
        format=SessionFormat.ONLINE,
        venue=None,
        joining_link="https://meet.example.org/abc-123",
        joining_instructions="Cameras on, please.",
    )


@pytest.mark.django_db
def test_joining_link_only_for_confirmed_never_for_waiting_or_offered():
    session = online_session()
    confirmed = BookingFactory.create(session=session)
    waiting = BookingFactory.create(
        session=session, status=BookingStatus.WAITING, waiting_since=timezone.now()
    )
    offered = BookingFactory.create(
        session=session,
        status=BookingStatus.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=datetime.datetime(2026, 3, 5, 16, 30, tzinfo=UTC),
    )
    notices.booking_confirmed(confirmed)
    notices.booking_waiting(waiting)
    notices.place_offered(offered)
    confirmed_message = only_message(booking=confirmed)
    assert "Joining link: https://meet.example.org/abc-123" in confirmed_message.body
    assert "Cameras on, please." in confirmed_message.body
    assert "Where: Online" in confirmed_message.body
    for booking in (waiting, offered):
        message = only_message(booking=booking)
        assert "meet.example.org" not in message.body + message.calendar
        assert "Cameras on" not in message.body
    assert "4:30pm on Thursday 5 March 2026" in only_message(booking=offered).body


@pytest.mark.django_db
def test_waiting_notice_gives_the_place_in_the_queue():
    session = SessionFactory.create()
    first = BookingFactory.create(
        session=session,
        status=BookingStatus.WAITING,
        waiting_since=datetime.datetime(2026, 1, 1, tzinfo=UTC),
    )
    second = BookingFactory.create(
        session=session, status=BookingStatus.WAITING, waiting_since=first.waiting_since
    )
    notices.booking_waiting(second)
    message = only_message(booking=second)
    assert "You are number 2 on the waiting list" in message.body
    assert not message.calendar


@pytest.mark.django_db
def test_cancelling_a_confirmed_place_sends_a_calendar_cancellation_with_the_same_uid():
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)
    booking.status = BookingStatus.CANCELLED
    booking.save()
    notices.booking_cancelled(booking)
    request = only_message(booking=booking, kind=MessageKind.BOOKING_CONFIRMED)
    cancel = only_message(booking=booking, kind=MessageKind.BOOKING_CANCELLED)
    assert method_of(cancel) == "CANCEL"
    uids = [
        [str(event["uid"]) for event in Calendar.from_ical(message.calendar).walk("VEVENT")]
        for message in (request, cancel)
    ]
    assert uids[0] == uids[1]


@pytest.mark.django_db
def test_approval_request_goes_to_the_line_manager_or_else_the_agency_lead():
    manager = PersonFactory.create(work_email="manager@agency.example")
    with_manager = BookingFactory.create(
        person__line_manager=manager,
        person__agency=manager.agency,
        session__partnership=manager.partnership,
        status=BookingStatus.AWAITING_APPROVAL,
    )
    lead = UserFactory.create(email="lead@agency.example")
    without_manager = BookingFactory.create(
        status=BookingStatus.AWAITING_APPROVAL, person__agency__lead=lead
    )
    notices.approval_requested(with_manager)
    notices.approval_requested(without_manager)
    assert only_message(booking=with_manager).to_email == "manager@agency.example"
    assert only_message(booking=without_manager).to_email == "lead@agency.example"
    assert with_manager.person.full_name in only_message(booking=with_manager).subject


@pytest.mark.django_db
def test_no_address_is_kept_as_a_failed_message_the_coordinator_can_see():
    booking = BookingFactory.create(person__work_email="", person__full_name="Grace Hopper")
    notices.booking_confirmed(booking)
    message = only_message(booking=booking)
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error == "Not sent: no work email address for Grace Hopper."


@pytest.mark.django_db
def test_session_change_sends_every_confirmed_attendee_an_update_with_a_higher_sequence():
    session = SessionFactory.create()
    confirmed = BookingFactory.create(session=session)
    BookingFactory.create(
        session=session, status=BookingStatus.WAITING, waiting_since=timezone.now()
    )
    notices.booking_confirmed(confirmed)
    session.sequence += 1
    session.save(update_fields=["sequence"])
    notices.session_changed(session)
    notices.session_changed(session)  # a retried request changes nothing
    (update,) = written(OutboxMessage.objects.filter(kind=MessageKind.SESSION_CHANGED))
    assert update.booking == confirmed
    assert method_of(update) == "REQUEST"
    (event,) = Calendar.from_ical(update.calendar).walk("VEVENT")
    assert int(str(event["sequence"])) == 1
    assert str(event["uid"]) == f"booking-{confirmed.pk}@interagency"


@pytest.mark.django_db
def test_session_cancellation_tells_everyone_released_with_alternatives():
    session = SessionFactory.create(cancellation_reason="The trainer is ill.")
    was_confirmed = BookingFactory.create(session=session, status=BookingStatus.SESSION_CANCELLED)
    was_waiting = BookingFactory.create(
        session=session, status=BookingStatus.SESSION_CANCELLED, confirmed_at=None
    )
    alternative = SessionFactory.create(
        partnership=session.partnership, course=session.course, parts__start=SUMMER_DAY
    )
    notices.session_cancelled(session, [alternative])
    confirmed_message = only_message(booking=was_confirmed)
    waiting_message = only_message(booking=was_waiting)
    assert method_of(confirmed_message) == "CANCEL"
    assert not waiting_message.calendar
    assert "The trainer is ill." in confirmed_message.body
    assert (
        f"- {session.course} on Tuesday 31 March 2026: "
        f"http://localhost:8000/p/{session.partnership.code}/sessions/{alternative.pk}/"
    ) in confirmed_message.body


@pytest.mark.django_db
def test_a_part_removed_by_a_change_is_cancelled_in_the_calendar_once():
    booking = BookingFactory.create(session__parts=3, session__parts__start=WINTER_DAY)
    session = booking.session
    notices.booking_confirmed(booking)
    written(OutboxMessage.objects.filter(booking=booking))  # sent: three parts in the calendar
    session.parts.order_by("starts_at").last().delete()
    session.sequence = 1
    session.save(update_fields=["sequence"])
    notices.session_changed(session)
    update, removed = written(
        OutboxMessage.objects.filter(kind=MessageKind.SESSION_CHANGED).order_by("pk")
    )
    assert method_of(update) == "REQUEST"
    assert len(Calendar.from_ical(update.calendar).walk("VEVENT")) == 2
    assert method_of(removed) == "CANCEL"
    (gone,) = Calendar.from_ical(removed.calendar).walk("VEVENT")
    assert str(gone["uid"]) == f"booking-{booking.pk}-part-3@interagency"
    assert int(str(gone["sequence"])) == 1
    assert gone.decoded("dtstart").date() == datetime.date(2026, 3, 5)
    # A later change does not cancel the removed part again.
    session.sequence = 2
    session.save(update_fields=["sequence"])
    notices.session_changed(session)
    assert OutboxMessage.objects.filter(kind=MessageKind.SESSION_CHANGED).count() == 3


@pytest.mark.django_db
def test_a_session_without_dates_still_gets_its_email_without_a_calendar():
    booking = BookingFactory.create(session__parts=0)
    notices.booking_confirmed(booking)
    message = only_message(booking=booking)
    assert "a date to be confirmed" in message.subject
    assert message.calendar == ""


@pytest.mark.django_db
def test_a_cancellation_gives_the_reason():
    booking = BookingFactory.create(status=BookingStatus.CANCELLED, reason="Rota change")
    notices.booking_cancelled(booking)
    body = only_message(booking=booking).body
    assert "is cancelled.\nRota change\n\n" in body


@pytest.mark.django_db
@pytest.mark.parametrize("released", [3, 30])
def test_session_cancellation_tells_everyone_in_the_same_queries_however_many(
    released, django_assert_max_num_queries
):
    session = SessionFactory.create(cancellation_reason="The trainer is ill.")
    bookings = BookingFactory.create_batch(
        released, session=session, status=BookingStatus.SESSION_CANCELLED
    )
    # Nine: the existing keys, the inserts, and the one sending task stored in the same
    # transaction (in a savepoint; it used to be a transaction of its own after commit).
    with django_assert_max_num_queries(9):
        notices.session_cancelled(session, [])
    messages = OutboxMessage.objects.filter(kind=MessageKind.SESSION_CANCELLED)
    written(messages)
    assert {m.booking_id for m in messages} == {b.pk for b in bookings}
    assert messages.count() == released
    assert {method_of(m) for m in messages} == {"CANCEL"}
    notices.session_cancelled(session, [])  # a retried request stores nothing more
    assert messages.count() == released
