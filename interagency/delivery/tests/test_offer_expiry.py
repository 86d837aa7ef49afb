"""An offer that ends unanswered: ``interagency expire-offers`` emails the person whose offer
lapsed (once), and offers the place to the next person, through a real SMTP server."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from interagency.delivery import notices
from interagency.delivery.models import Booking, BookingStatus
from interagency.delivery.notices import format_date
from interagency.delivery.services import bookings
from interagency.delivery.tests.booking_setup import make_person, make_session
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.tests.outbox_support import written
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def mail_server(settings, smtp_server):
    """Tasks run at once and send through the real SMTP server on this machine."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = smtp_server.mailers
    return smtp_server


def by_recipient(messages) -> dict[str, list[str]]:
    """The subjects each address received, in order."""
    received: dict[str, list[str]] = {}
    for message in messages:
        received.setdefault(message["To"], []).append(message["Subject"])
    return received


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def expire_offers(capture) -> str:
    """``interagency expire-offers`` as cron runs it, with its emails sent after commit."""
    output = io.StringIO()
    with capture(execute=True):
        call_command("expire_offers", stdout=output)
    return output.getvalue()


def test_the_person_whose_offer_ended_is_told_once_and_the_next_is_offered_the_place(
    partnership, coordinator, mail_server, django_capture_on_commit_callbacks
):
    session = make_session(partnership, capacity=1)
    first = make_person(partnership, work_email="ada@agency.example")
    lapsed_person = make_person(partnership, work_email="bea@agency.example")
    next_person = make_person(partnership, work_email="cy@agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = bookings.book_place(session=session, person=first, booked_by=coordinator)
        lapsed = bookings.book_place(session=session, person=lapsed_person, booked_by=coordinator)
        waiting = bookings.book_place(session=session, person=next_person, booked_by=coordinator)
        bookings.cancel_booking(booking=confirmed, cancelled_by=coordinator)
    lapsed.refresh_from_db()
    assert lapsed.status == BookingStatus.OFFERED
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    Booking.objects.filter(pk=lapsed.pk).update(offer_expires_at=deadline)
    already = len(mail_server.messages)

    assert expire_offers(django_capture_on_commit_callbacks).startswith("1 offer(s) ended")

    new = mail_server.messages[already:]
    assert by_recipient(new) == {
        "bea@agency.example": [f"Offer ended: {session.course} on {format_date(session)}"],
        "cy@agency.example": [f"A place is free: {session.course} on {format_date(session)}"],
    }
    (ended,) = [m for m in new if m["To"] == "bea@agency.example"]
    text = body_of(ended)
    assert "the offer has ended" in text
    assert "You are no longer on the waiting list for this session." in text
    page = reverse("sessions:detail", kwargs={"code": partnership.code, "session_id": session.pk})
    assert "To book again (or join the waiting list again if it is full), visit http" in text
    assert page in text
    lapsed.refresh_from_db()
    waiting.refresh_from_db()
    assert (lapsed.status, waiting.status) == (BookingStatus.EXPIRED, BookingStatus.OFFERED)

    # Cron runs it again: nothing more ends, nobody gets a second copy.
    assert expire_offers(django_capture_on_commit_callbacks).startswith("0 offer(s) ended")
    assert len(mail_server.messages) == already + 2
    assert OutboxMessage.objects.filter(booking=lapsed, kind=MessageKind.OFFER_EXPIRED).count() == 1


def test_a_regional_learner_s_ended_offer_links_to_the_session_in_their_own_partnership(
    partnership, coordinator, mail_server, django_capture_on_commit_callbacks
):
    neighbour = PartnershipFactory.create(name="Islington Partnership")
    session = make_session(neighbour, capacity=1, regional_places=1)
    host_person = make_person(neighbour, work_email="host@agency.example")
    ours = make_person(partnership, work_email="dee@agency.example")
    with django_capture_on_commit_callbacks(execute=True):
        held = bookings.book_place(session=session, person=host_person, booked_by=coordinator)
        offered = bookings.book_place(session=session, person=ours, booked_by=coordinator)
        bookings.cancel_booking(booking=held, cancelled_by=coordinator)
    offered.refresh_from_db()
    assert offered.status == BookingStatus.OFFERED and offered.is_regional
    Booking.objects.filter(pk=offered.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    already = len(mail_server.messages)

    expire_offers(django_capture_on_commit_callbacks)

    (ended,) = mail_server.messages[already:]
    assert ended["To"] == "dee@agency.example"
    page = reverse("sessions:detail", kwargs={"code": partnership.code, "session_id": session.pk})
    assert page in body_of(ended)


def test_coordinators_find_the_ended_offer_wording_among_the_others(
    partnership, coordinator_client
):
    listed = coordinator_client.get(
        reverse("notifications:templates", kwargs={"code": partnership.code})
    )
    assert "Waiting-list offer ended" in listed.text
    edit = reverse(
        "notifications:template",
        kwargs={"code": partnership.code, "kind": MessageKind.OFFER_EXPIRED},
    )
    response = coordinator_client.post(
        edit,
        {
            "subject": "Too late: {{ course }}",
            "body": "Sorry {{ name }}: {{ link }}",
            "action": "save",
        },
        follow=True,
    )
    assert "now uses your wording" in response.text
    booking = BookingFactory.create(
        session__partnership=partnership,
        status=BookingStatus.EXPIRED,
        confirmed_at=None,
    )
    notices.offer_expired(booking)
    (message,) = written(OutboxMessage.objects.filter(booking=booking))
    assert message.subject == f"Too late: {booking.session.course}"
    assert message.body.startswith(f"Sorry {booking.person.full_name}: http")
