"""What one booking request costs: a fixed number of statements, no email written in it.

A learner booking themselves through the API (the outside tester's race, issue
15) is answered from the booking the service made, not read again, and its
email is stored unwritten (kind, recipient, keys) with its sending task in the
same transaction; the sender writes it in the partnership's wording.
"""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from interagency.accounts.services import issue_access_token
from interagency.delivery.models import Booking, BookingStatus
from interagency.delivery.tests.booking_setup import make_person
from interagency.delivery.tests.factories import SessionFactory
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.sending import send_due_messages

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

# The statements of one self-booking through the API: the token (read, last use
# stamped), the membership, the session, the person, the booking settings; then one
# transaction (a savepoint inside the test's): the session locked, the sector holds,
# the place taken, the booking, the audit entry, the outbox row and its sending task
# (in a savepoint). No look for an earlier booking (the unique constraint answers)
# and no savepoint for the booking or its email's row. Waiting on a full session
# skips the sector holds and the place, and counts the people ahead. Before the
# emails were written by the sender, 27 (one booking on an empty session in
# benchmarks/profile_booking.py, outside a test transaction); then 22 and 23.
CONFIRMED_QUERIES = 17
WAITING_QUERIES = 16


def learner_client(partnership) -> tuple[Client, int]:
    person = make_person(partnership, with_user=True)
    assert person.user is not None
    _, text = issue_access_token(user=person.user, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"}), person.pk


def book(client: Client, partnership, session_id: int):
    address = reverse("api:booking-list", kwargs={"code": partnership.code})
    return client.post(address, {"session": session_id}, content_type="application/json")


def test_a_booking_request_costs_the_same_few_statements_and_writes_no_email(
    partnership, settings, django_assert_num_queries
):
    settings.SITE_URL = "https://training.example.org"
    start = timezone.localdate() + datetime.timedelta(days=14)
    session = SessionFactory.create(partnership=partnership, capacity=1, parts__start=start)
    first, first_person = learner_client(partnership)
    second, second_person = learner_client(partnership)

    with django_assert_num_queries(CONFIRMED_QUERIES):
        confirmed = book(first, partnership, session.pk)
    with django_assert_num_queries(WAITING_QUERIES):
        waiting = book(second, partnership, session.pk)

    assert confirmed.status_code == waiting.status_code == 201
    assert (confirmed.json()["status"], confirmed.json()["waiting_position"]) == ("confirmed", None)
    assert (waiting.json()["status"], waiting.json()["waiting_position"]) == ("waiting", 1)
    # The answer is what reading the booking answers.
    for client, answer in ((first, confirmed), (second, waiting)):
        booking_id = answer.json()["id"]
        address = reverse(
            "api:booking-detail", kwargs={"code": partnership.code, "booking_id": booking_id}
        )
        assert client.get(address).json() == answer.json()
    # Stored unwritten, one sending task each, in the booking's transaction.
    assert set(OutboxMessage.objects.values_list("subject", flat=True)) == {""}
    assert DBTaskResult.objects.count() == 2

    assert send_due_messages() == 2
    by_person = {Booking.objects.get(pk=m.json()["id"]).person_id: m for m in (confirmed, waiting)}
    assert set(by_person) == {first_person, second_person}
    sent = {email.subject.split(":")[0]: email for email in mail.outbox}
    assert set(sent) == {"Booking confirmed", "Waiting list"}
    assert "You are number 1 on the waiting list" in sent["Waiting list"].body
    (invitation,) = [a for a in sent["Booking confirmed"].attachments if a.filename == "invite.ics"]
    assert str(Calendar.from_ical(invitation.content)["method"]) == "REQUEST"
    stored = OutboxMessage.objects.get(kind=MessageKind.BOOKING_CONFIRMED)
    assert stored.subject == sent["Booking confirmed"].subject  # the outbox keeps what went
    assert Booking.objects.filter(status=BookingStatus.WAITING).count() == 1
