"""A waiting-list offer overtakes the booking confirmations still queued when a place frees."""

import pytest

from interagency.delivery.services.bookings import book_place, cancel_booking
from interagency.delivery.tests.booking_setup import make_agency, make_session
from interagency.notifications.models import OutboxMessage
from interagency.notifications.sending import BATCH_SIZE, claim_batch, send_batch, send_due_messages
from interagency.notifications.tests.outbox_support import run_mail_server
from interagency.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

CONFIRMATIONS = 200
OFFER_SUBJECT = "A place is free"


@pytest.fixture
def mail_server(settings):
    for server in run_mail_server():
        settings.MAILERS = server.mailers
        yield server


def learners(partnership, count: int) -> list[Person]:
    agency = make_agency(partnership)
    return Person.objects.bulk_create(
        Person(
            partnership=partnership,
            agency=agency,
            full_name=f"Learner {n}",
            work_email=f"learner{n}@example.org",
        )
        for n in range(count)
    )


def test_an_offer_goes_in_the_first_batch_sent_after_the_cancellation(
    partnership, coordinator, mail_server
):
    session = make_session(partnership, capacity=CONFIRMATIONS)
    bookings = [
        book_place(session=session, person=person, booked_by=coordinator)
        for person in learners(partnership, CONFIRMATIONS + 1)
    ]
    first_waiting = bookings[-1].person.work_email
    under_way = claim_batch()  # the worker is sending the first confirmations

    cancel_booking(booking=bookings[0], cancelled_by=coordinator)
    send_batch(under_way)
    send_due_messages()

    after_cancelling = mail_server.messages[len(under_way) :]
    offer_at = after_cancelling.index(
        next(
            (to, subject)
            for to, subject in after_cancelling
            if to == first_waiting and subject.startswith(OFFER_SUBJECT)
        )
    )
    # Sent in the first batch claimed after the offer was queued, ahead of the
    # confirmations of everyone else: about 190 were still waiting their turn.
    assert offer_at < BATCH_SIZE
    assert len(after_cancelling) - offer_at > CONFIRMATIONS - 2 * BATCH_SIZE
    # And nobody's email was lost or sent twice on the way.
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(mail_server.copies().values()) == [1] * (CONFIRMATIONS - 1) + [2, 2]
