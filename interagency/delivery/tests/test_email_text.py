"""Names with apostrophes, ampersands and angle brackets reach plain-text emails as typed.

Every kind of email that names a person, course, venue or partnership goes
through a real SMTP server on loopback; HTML pages showing the same text
still escape it.
"""

import datetime
from collections.abc import Callable

import pytest
from django.urls import reverse

from interagency.accounts.tests.factories import UserFactory
from interagency.delivery import notices
from interagency.delivery.models import Booking, BookingStatus
from interagency.delivery.tests.factories import BookingFactory
from interagency.notifications.models import MessageKind, MessageTemplate, OutboxMessage
from interagency.notifications.tests.outbox_support import written
from interagency.people.services.survey import send_survey
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.clock

AWKWARD = "O'Connor & Zoë <Ltd>"
ESCAPES = ("&amp;", "&#x27;", "&#39;", "&lt;", "&gt;", "&quot;")
WHEN = datetime.datetime(2027, 5, 4, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def smtp_mail(settings, smtp_server):
    settings.MAILERS = smtp_server.mailers
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return smtp_server


def awkward_booking(**fields) -> Booking:
    return BookingFactory.create(
        session__partnership__name=f"{AWKWARD} Partnership",
        session__course__title=f"{AWKWARD} course",
        session__venue__name=f"{AWKWARD} hall",
        session__parts__start=datetime.date(2027, 6, 1),
        person__full_name=AWKWARD,
        person__work_email="oconnor@agency.example",
        **fields,
    )


def _waiting(booking: Booking) -> None:
    notices.booking_waiting(booking)


def _approval(booking: Booking) -> None:
    booking.person.line_manager = PersonFactory.create(
        agency=booking.person.agency, work_email="manager@agency.example"
    )
    booking.person.save()
    notices.approval_requested(booking)


def _session_cancelled(booking: Booking) -> None:
    session = booking.session
    session.cancellation_reason = f"The trainer from {AWKWARD} is ill."
    session.save()
    notices.session_cancelled(session, [])


NOTICES: dict[str, tuple[dict, Callable[[Booking], None]]] = {
    "booking confirmed": ({}, notices.booking_confirmed),
    "waiting list": ({"status": BookingStatus.WAITING, "waiting_since": WHEN}, _waiting),
    "booking cancelled": (
        {"status": BookingStatus.CANCELLED, "reason": f"Asked by {AWKWARD}."},
        notices.booking_cancelled,
    ),
    "approval requested": ({"status": BookingStatus.AWAITING_APPROVAL}, _approval),
    "booking refused": (
        {"status": BookingStatus.REFUSED, "reason": f"Not for {AWKWARD}."},
        notices.booking_refused,
    ),
    "place offered": (
        {"status": BookingStatus.OFFERED, "offered_at": WHEN, "offer_expires_at": WHEN},
        notices.place_offered,
    ),
    "offer expired": (
        {"status": BookingStatus.EXPIRED, "offered_at": WHEN, "offer_expires_at": WHEN},
        notices.offer_expired,
    ),
    "reminder": ({}, notices.reminder_due),
    "session changed": ({}, lambda booking: notices.session_changed(booking.session)),
    "session cancelled": ({"status": BookingStatus.SESSION_CANCELLED}, _session_cancelled),
}


def assert_plain(text: str) -> None:
    assert AWKWARD in text, text
    for escape in ESCAPES:
        assert escape not in text, f"{escape} in:\n{text}"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(NOTICES))
def test_every_booking_email_shows_names_as_typed(
    kind, smtp_mail, django_capture_on_commit_callbacks
):
    fields, send = NOTICES[kind]
    booking = awkward_booking(**fields)
    with django_capture_on_commit_callbacks(execute=True):
        send(booking)
    (received,) = smtp_mail.messages
    assert_plain(received["Subject"])
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    assert_plain(body.get_content())
    assert f"{AWKWARD} Partnership" in body.get_content()


@pytest.mark.django_db
def test_a_partnerships_own_wording_keeps_its_own_and_the_names_ampersands(
    smtp_mail, django_capture_on_commit_callbacks
):
    booking = awkward_booking()
    MessageTemplate.objects.create(
        partnership=booking.partnership,
        kind=MessageKind.BOOKING_CONFIRMED,
        subject="You're in: {{ course }}",
        body="Hi {{ name }} & welcome to {{ course }} at {{ where }}.\n\n<{{ partnership }}>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        notices.booking_confirmed(booking)
    (received,) = smtp_mail.messages
    assert received["Subject"] == f"You're in: {AWKWARD} course"
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert f"Hi {AWKWARD} & welcome to {AWKWARD} course at {AWKWARD} hall" in text
    assert f"<{AWKWARD} Partnership>" in text


@pytest.mark.django_db
def test_the_outbox_page_escapes_what_the_email_shows_as_typed(
    smtp_mail, django_capture_on_commit_callbacks, client, member_with, sign_in
):
    from interagency.core.permissions import Role

    booking = awkward_booking()
    with django_capture_on_commit_callbacks(execute=True):
        notices.booking_confirmed(booking)
    (message,) = written(OutboxMessage.objects.filter(booking=booking))
    assert AWKWARD in message.body
    coordinator = member_with(Role.COORDINATOR, partnership=booking.partnership)
    page = sign_in(coordinator).get(
        reverse("notifications:outbox", kwargs={"code": booking.partnership.code})
    )
    assert page.status_code == 200
    assert "O&#x27;Connor &amp; Zoë &lt;Ltd&gt;" in page.text
    assert "<Ltd>" not in page.text


@pytest.mark.django_db
def test_the_password_reset_email_shows_the_name_as_typed(client, smtp_mail):
    UserFactory.create(email="oconnor@camden.example", full_name=AWKWARD)
    client.post("/account/password-reset/", {"email": "oconnor@camden.example"})
    (received,) = smtp_mail.messages
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert f"Hello {AWKWARD}," in text
    assert_plain(text)


@pytest.mark.django_db
def test_the_mapping_survey_email_shows_the_agency_and_partnership_as_typed(
    smtp_mail, partnership, coordinator
):
    partnership.name = f"{AWKWARD} Partnership"
    partnership.save()
    agency = AgencyFactory.create(
        partnership=partnership, name=f"{AWKWARD} Health", contact_name=AWKWARD
    )
    send_survey(agency=agency, sent_by=coordinator, link_for=lambda token: f"https://x/{token}")
    (received,) = smtp_mail.messages
    assert f"{AWKWARD} Health" in received["Subject"]
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert f"Hello {AWKWARD}," in text and f"{AWKWARD} Partnership" in text
    assert_plain(text)
