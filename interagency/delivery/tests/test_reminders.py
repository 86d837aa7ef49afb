"""Reminders: confirmed attendees of sessions within the partnership's reminder days, once."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from interagency.delivery.models import BookingStatus, Session
from interagency.delivery.reminders import queue_reminders
from interagency.delivery.tests.factories import BookingFactory, DeliverySettingsFactory
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.tests.outbox_support import written

pytestmark = pytest.mark.clock


def reminders() -> list[OutboxMessage]:
    return written(OutboxMessage.objects.filter(kind=MessageKind.REMINDER))


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.mark.django_db
def test_a_confirmed_booking_gets_one_reminder_however_often_the_job_runs():
    booking = BookingFactory.create(session__parts__start=in_days(2))
    assert queue_reminders() == 1
    call_command("send_reminders")
    (reminder,) = reminders()
    assert reminder.booking == booking
    assert reminder.to_email == booking.person.work_email
    assert "Where: " in reminder.body


@pytest.mark.django_db
def test_only_sessions_within_the_partnerships_reminder_days_and_only_confirmed_places():
    soon = BookingFactory.create(session__parts__start=in_days(2))
    DeliverySettingsFactory.create(partnership=soon.partnership, reminder_days=1)
    default_days = BookingFactory.create(session__parts__start=in_days(2))  # 3 days by default
    BookingFactory.create(session__parts__start=in_days(10))
    BookingFactory.create(
        session__parts__start=in_days(1),
        status=BookingStatus.WAITING,
        waiting_since=timezone.now(),
        confirmed_at=None,
    )
    cancelled_session = BookingFactory.create(session__parts__start=in_days(1))
    Session.objects.filter(pk=cancelled_session.session_id).update(status=Session.Status.CANCELLED)
    queue_reminders()
    assert [message.booking for message in reminders()] == [default_days]


@pytest.mark.django_db
def test_zero_reminder_days_turns_reminders_off():
    booking = BookingFactory.create(session__parts__start=in_days(1))
    DeliverySettingsFactory.create(partnership=booking.partnership, reminder_days=0)
    assert queue_reminders() == 0
    assert reminders() == []


@pytest.mark.django_db
def test_a_session_moved_to_a_later_date_gets_a_new_reminder():
    booking = BookingFactory.create(session__parts__start=in_days(1))
    queue_reminders()
    session = booking.session
    for part in session.parts.all():
        part.starts_at += datetime.timedelta(days=1)
        part.ends_at += datetime.timedelta(days=1)
        part.save()
    Session.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + datetime.timedelta(days=1),
        ends_at=session.ends_at + datetime.timedelta(days=1),
    )
    queue_reminders()
    assert len(reminders()) == 2
