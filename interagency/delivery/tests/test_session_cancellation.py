"""Cancelling a session with many bookings: a fixed number of queries, the same outcome for each.

Through the real services and a real SMTP server: the bookings are ended by
one UPDATE, audited by one insert, and every person still gets one email.
"""

import datetime
import itertools

import pytest
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.delivery.models import Booking, BookingStatus, Session
from interagency.delivery.services import sessions
from interagency.delivery.tests.booking_setup import make_agency, make_person, make_session
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageKind, OutboxMessage

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

# Measured with 3 bookings on SQLite and PostgreSQL; 30 must cost no more. (Saving and
# auditing each booking alone cost 38 queries for 3 and 119 for 30.)
SESSION_CANCEL_QUERIES = 30

STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.WAITING,
    BookingStatus.OFFERED,
    BookingStatus.AWAITING_APPROVAL,
)


@pytest.fixture
def received(settings, smtp_server):
    """What the SMTP server receives: the send tasks run as soon as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = smtp_server.mailers
    return smtp_server.messages


def book(session, person, status: BookingStatus) -> Booking:
    """A live booking of ``status`` as the booking engine leaves it (its times set)."""
    now = timezone.now()
    fields: dict = {"status": status, "confirmed_at": None}
    if status == BookingStatus.CONFIRMED:
        fields["confirmed_at"] = now
    elif status == BookingStatus.WAITING:
        fields["waiting_since"] = now
    elif status == BookingStatus.OFFERED:
        fields.update(
            waiting_since=now, offered_at=now, offer_expires_at=now + datetime.timedelta(days=2)
        )
    return BookingFactory.create(session=session, person=person, **fields)


@pytest.mark.parametrize("count", [3, 30])
def test_cancelling_a_session_ends_every_booking_in_the_same_queries_however_many(
    partnership,
    coordinator,
    received,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
    count,
):
    session = make_session(partnership, capacity=40)
    agency = make_agency(partnership)
    booked = [
        book(
            session,
            make_person(partnership, agency=agency, work_email=f"p{n}@agency.example"),
            status,
        )
        for n, status in zip(range(count), itertools.cycle(STATUSES), strict=False)
    ]
    holding = sum(b.status in (BookingStatus.CONFIRMED, BookingStatus.OFFERED) for b in booked)
    Session.objects.filter(pk=session.pk).update(places_taken=holding)
    earlier = BookingFactory.create(session=session, status=BookingStatus.CANCELLED)

    # The emails are sent after commit, outside the counted cancellation.
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_max_num_queries(SESSION_CANCEL_QUERIES),
    ):
        cancelled = sessions.cancel_session(
            session=session, cancelled_by=coordinator, reason="Trainer unwell"
        )

    assert cancelled.status == Session.Status.CANCELLED
    assert cancelled.places_taken == 0
    after = {b.pk: b for b in Booking.objects.filter(session=session).select_related("person")}
    assert after.pop(earlier.pk).status == BookingStatus.CANCELLED  # an ended booking stays so
    assert {b.status for b in after.values()} == {BookingStatus.SESSION_CANCELLED}
    assert {(b.cancelled_at is not None, b.cancelled_by_id) for b in after.values()} == {
        (True, coordinator.pk)
    }

    events = AuditEvent.objects.filter(subject_type="delivery.Booking", partnership=partnership)
    assert events.count() == count  # one per booking released, none for the earlier one
    for booking in booked:
        event = events.get(subject_id=str(booking.pk))
        assert event.action == AuditEvent.Action.CHANGED
        assert event.actor_user_id == coordinator.pk
        assert event.actor_label == coordinator.email
        assert event.changes == {"status": [booking.status, BookingStatus.SESSION_CANCELLED]}
        assert event.subject_label == str(after[booking.pk])

    assert sorted(m["To"] for m in received) == sorted(b.person.work_email for b in booked)
    by_email = {m["To"]: m for m in received}
    for booking in booked:  # only a confirmed place was in their calendar, to be cancelled
        calendars = [
            part
            for part in by_email[booking.person.work_email].walk()
            if part.get_content_type() == "text/calendar"
        ]
        assert len(calendars) == (booking.status == BookingStatus.CONFIRMED)
    sent = OutboxMessage.objects.filter(
        kind=MessageKind.SESSION_CANCELLED, status=OutboxMessage.Status.SENT
    )
    assert sorted(sent.values_list("booking_id", flat=True)) == sorted(b.pk for b in booked)
