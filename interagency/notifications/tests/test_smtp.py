"""A confirmation through a real SMTP server on loopback: subject, body and the invitation."""

import datetime

import pytest
from django.db import OperationalError
from icalendar import Calendar

from interagency.delivery import notices
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import OutboxMessage
from interagency.notifications.tasks import send_outbox_message_task

pytestmark = pytest.mark.clock


@pytest.fixture
def smtp_mail(settings, smtp_server):
    settings.MAILERS = smtp_server.mailers
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return smtp_server


@pytest.mark.django_db
def test_a_confirmation_arrives_with_its_text_and_calendar_invitation(
    smtp_mail, django_capture_on_commit_callbacks
):
    booking = BookingFactory.create(
        session__course__title="Safeguarding Essentials",
        session__parts__start=datetime.date(2026, 6, 2),
        person__full_name="Mary Seacole",
        person__work_email="mary.seacole@nhs.example",
    )
    # As a booking service does: queued in its transaction, sent by the task after commit.
    with django_capture_on_commit_callbacks(execute=True):
        notices.booking_confirmed(booking)
    (received,) = smtp_mail.messages
    assert received["To"] == "mary.seacole@nhs.example"
    assert (
        received["Subject"] == "Booking confirmed: Safeguarding Essentials on Tuesday 2 June 2026"
    )
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Dear Mary Seacole," in text
    assert "When: Tuesday 2 June 2026, 9:30am to 4:30pm" in text
    (invite,) = [part for part in received.walk() if part.get_content_type() == "text/calendar"]
    assert invite.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(invite.get_content())
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"booking-{booking.pk}@interagency"
    assert event.decoded("dtstart").hour == 9  # 09:30 in London (08:30 UTC in summer)
    assert str(event.decoded("dtstart").tzinfo) == "Europe/London"
    message = OutboxMessage.objects.get(booking=booking)
    assert message.status == OutboxMessage.Status.SENT


@pytest.mark.django_db
def test_running_the_send_task_again_sends_no_second_copy(smtp_mail):
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)
    message = OutboxMessage.objects.get(booking=booking)
    send_outbox_message_task.call(message.pk)
    send_outbox_message_task.call(message.pk)
    assert len(smtp_mail.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_message_send_one_copy(settings, smtp_server, clock):
    """Four threads, each with its own database connection, try to send the same email.

    On SQLite's shared in-memory test database, the winner's writing of the email may
    meet a table lock and put the message back for a later attempt; the retry sends it.
    Either way the recipient gets exactly one copy."""
    import threading

    from django.db import connection

    from interagency.notifications.sending import send_outbox_message

    settings.MAILERS = smtp_server.mailers
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)
    message = OutboxMessage.objects.get(booking=booking)
    start = threading.Barrier(4)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            try:
                outcomes.append(send_outbox_message(message.pk))
            except OperationalError:
                # SQLite's in-memory test database may refuse a racing claim outright;
                # that worker sends nothing, which is what this test is about.
                outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 4
    message.refresh_from_db()
    if message.status == OutboxMessage.Status.PENDING:  # put back by a lost write: retried
        assert len(smtp_server.messages) == 0
        clock.move_to(message.next_attempt_at)
        send_outbox_message(message.pk)
        message.refresh_from_db()
    elif message.status == OutboxMessage.Status.SENDING:  # its claimant was refused a write
        assert len(smtp_server.messages) == 0
        assert message.lease_expires_at is not None
        clock.move_to(message.lease_expires_at + datetime.timedelta(seconds=1))
        send_outbox_message(message.pk)  # an abandoned claim is taken back after its lease
        message.refresh_from_db()
    assert len(smtp_server.messages) == 1
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts <= 2
