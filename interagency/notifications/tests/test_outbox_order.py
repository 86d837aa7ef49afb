"""The order and grouping of sending: offers before confirmations, batches over one connection."""

import pytest

from interagency.notifications.models import MessageKind, OutboxMessage, Priority, priority_for
from interagency.notifications.sending import claim_batch, send_batch, send_due_messages
from interagency.notifications.services import queue_message
from interagency.notifications.tests.outbox_support import (
    queue_confirmations,
    run_mail_server,
)

pytestmark = pytest.mark.clock


@pytest.fixture
def mail_server(settings):
    for server in run_mail_server():
        settings.MAILERS = server.mailers
        yield server


def queue_offer(partnership) -> None:
    queue_message(
        partnership=partnership,
        kind=MessageKind.PLACE_OFFERED,
        to_email="waiting@example.org",
        context={"name": "First on the waiting list", "course": "Safeguarding Essentials"},
        key="test:offered",
    )


def test_each_kind_has_the_priority_its_urgency_needs():
    assert priority_for(MessageKind.PLACE_OFFERED) == Priority.HIGH
    assert priority_for(MessageKind.SESSION_CANCELLED) == Priority.HIGH
    assert priority_for(MessageKind.SESSION_CHANGED) == Priority.HIGH
    assert priority_for(MessageKind.BOOKING_CONFIRMED) == Priority.NORMAL
    assert priority_for(MessageKind.REMINDER) == Priority.LOW


@pytest.mark.django_db
def test_a_waiting_list_offer_reaches_the_mail_server_before_queued_confirmations(
    partnership, mail_server
):
    queue_confirmations(partnership, 200)
    queue_offer(partnership)
    assert send_due_messages() == 201
    assert mail_server.recipients[0] == "waiting@example.org"
    assert sorted(mail_server.copies().values()) == [1] * 201
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_an_offer_queued_while_a_batch_is_sent_goes_in_the_next_batch(partnership, mail_server):
    queue_confirmations(partnership, 120)
    under_way = claim_batch(size=20)
    queue_offer(partnership)  # while the first twenty are on their way
    send_batch(under_way)
    send_due_messages()
    assert len(mail_server.recipients) == 121
    assert mail_server.recipients.index("waiting@example.org") == 20


@pytest.mark.django_db
def test_confirmations_go_out_oldest_first_and_reminders_after_them(partnership, mail_server):
    queue_message(
        partnership=partnership,
        kind=MessageKind.REMINDER,
        to_email="reminded@example.org",
        context={"name": "Reminded"},
        key="test:reminder",
    )
    queue_confirmations(partnership, 5)
    send_due_messages()
    assert mail_server.recipients == [f"person{n}@example.org" for n in range(5)] + [
        "reminded@example.org"
    ]


@pytest.mark.django_db
def test_a_run_sends_fifty_emails_over_each_connection_to_the_mail_server(partnership, mail_server):
    queue_confirmations(partnership, 120)
    assert send_due_messages() == 120  # twelve batches of ten
    assert len(mail_server.connections) == 3  # 50, 50 and 20


@pytest.mark.django_db
def test_a_message_the_server_refuses_is_retried_without_holding_up_the_batch(
    partnership, mail_server
):
    queue_confirmations(partnership, 3)
    # An address that cannot be sent (a line break in it) stops only its own message.
    OutboxMessage.objects.filter(to_email="person1@example.org").update(
        to_email="person1@example.org\nBcc: everyone@example.org"
    )
    assert send_due_messages() == 2
    assert mail_server.recipients == ["person0@example.org", "person2@example.org"]
    refused = OutboxMessage.objects.get(key="test:confirmed:1")
    assert refused.status == OutboxMessage.Status.PENDING
    assert refused.attempts == 1
    assert refused.last_error.startswith("Attempt 1 of 5 failed")
    assert send_due_messages() == 0  # not again before its backoff
