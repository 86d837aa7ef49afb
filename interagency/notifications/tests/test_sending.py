"""Sending the outbox: one copy per message, failures kept and retried, stalled claims reaped."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interagency.delivery import notices
from interagency.delivery.models import Booking
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import OutboxMessage
from interagency.notifications.sending import (
    MAX_ATTEMPTS,
    backoff,
    reap_stale_claims,
    send_outbox_message,
    send_pending_mail,
)
from interagency.notifications.tests.outbox_support import written

pytestmark = pytest.mark.clock


@pytest.fixture
def queued(db) -> OutboxMessage:
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)
    (message,) = written(OutboxMessage.objects.filter(booking=booking))
    return message


@pytest.fixture
def smtp_down(settings):
    """MAILERS pointing at a loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
        }
    }


def test_a_message_sent_twice_reaches_the_person_once(queued):
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.SENT
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    (email,) = mail.outbox
    assert email.to == [queued.to_email]
    assert email.subject == queued.subject
    assert isinstance(email, EmailMultiAlternatives)
    ((content, mimetype),) = email.alternatives
    assert mimetype == "text/calendar; method=REQUEST"
    assert "BEGIN:VEVENT" in str(content)
    (attachment,) = email.attachments
    assert attachment.filename == "invite.ics"
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.sent_at is not None


def test_a_message_claimed_by_another_worker_is_not_sent_again(queued):
    OutboxMessage.objects.filter(pk=queued.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now()
    )
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.SENDING
    assert mail.outbox == []


@pytest.mark.usefixtures("smtp_down")
def test_mail_server_down_keeps_the_booking_and_the_message_with_its_error(queued):
    status = send_outbox_message(queued.pk)
    assert status == OutboxMessage.Status.PENDING
    assert Booking.objects.filter(pk=queued.booking_id).exists()
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert queued.last_error.startswith(f"Attempt 1 of {MAX_ATTEMPTS} failed: ConnectionRefused")
    assert queued.next_attempt_at is not None
    assert queued.next_attempt_at > timezone.now() + backoff(1) - datetime.timedelta(seconds=30)


@pytest.mark.usefixtures("smtp_down")
def test_a_retry_waits_for_its_backoff_and_the_last_failure_is_final(queued):
    send_outbox_message(queued.pk)
    # Not due yet: the task run again does nothing.
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.PENDING
    queued.refresh_from_db()
    assert queued.attempts == 1
    for _ in range(MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(pk=queued.pk).update(next_attempt_at=timezone.now())
        send_outbox_message(queued.pk)
    queued.refresh_from_db()
    assert queued.status == OutboxMessage.Status.FAILED
    assert queued.attempts == MAX_ATTEMPTS
    assert queued.last_error.startswith(f"Attempt {MAX_ATTEMPTS} of {MAX_ATTEMPTS} failed")
    assert queued.next_attempt_at is None


def test_backoff_grows_between_attempts():
    assert [backoff(n) for n in (1, 2, 3)] == [
        datetime.timedelta(minutes=1),
        datetime.timedelta(minutes=5),
        datetime.timedelta(minutes=25),
    ]


def test_a_claim_left_by_a_dead_worker_is_returned_to_the_queue_and_sent_once(queued):
    OutboxMessage.objects.filter(pk=queued.pk).update(
        status=OutboxMessage.Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    tasks_before = DBTaskResult.objects.count()
    assert reap_stale_claims(older_than=datetime.timedelta(minutes=15)) == 1
    queued.refresh_from_db()
    assert queued.status == OutboxMessage.Status.PENDING
    assert "worker stopped" in queued.last_error
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_a_recent_claim_is_left_alone(queued):
    OutboxMessage.objects.filter(pk=queued.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=timezone.now()
    )
    assert reap_stale_claims(older_than=datetime.timedelta(minutes=15)) == 0


def test_send_pending_mail_queues_due_retries_and_lost_first_attempts(queued):
    later = timezone.now() + datetime.timedelta(minutes=11)
    assert send_pending_mail(now=timezone.now()) == (0, 0)  # just queued: its task is on its way
    assert send_pending_mail(now=later) == (0, 1)
    call_command("send_pending_mail")  # the command answers; nothing due right now


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_a_queued_confirmation():
    booking = BookingFactory.create()
    notices.booking_confirmed(booking)  # autocommit: the send task is queued at once
    call_command("db_worker", "--batch", "--no-startup-delay")
    (message,) = written(OutboxMessage.objects.filter(booking=booking))
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_the_demo_console_mailer_prints_the_email_from_the_outbox(queued, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert send_outbox_message(queued.pk) == OutboxMessage.Status.SENT
    printed = capsys.readouterr().out
    assert f"Subject: {queued.subject}" in printed
    assert 'Content-Type: text/calendar; method="REQUEST"' in printed


def test_the_task_reaper_also_returns_stalled_emails(queued):
    from interagency.core.tasks_reaper import reap_all

    OutboxMessage.objects.filter(pk=queued.pk).update(
        status=OutboxMessage.Status.SENDING,
        attempts=MAX_ATTEMPTS,
        claimed_at=timezone.now() - datetime.timedelta(minutes=20),
    )
    assert reap_all(datetime.timedelta(minutes=15))["outbox"] == 1
    queued.refresh_from_db()
    # Past its last attempt: failed, for the coordinator to decide.
    assert queued.status == OutboxMessage.Status.FAILED
    assert "may or may not have gone" in queued.last_error
