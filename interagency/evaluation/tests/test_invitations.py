"""Invitations: the registration questionnaire on booking, the end one on closing the
register, follow-ups and their reminders by the worker, each letter queued once."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from interagency.delivery.models import AttendanceOutcome, BookingStatus
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.services.bookings import book_place
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.links import read_token
from interagency.evaluation.models import ResponseCode, WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.notifications.models import MessageKind, OutboxMessage
from interagency.notifications.tasks import send_outbox_message_task
from interagency.notifications.tests.outbox_support import written
from interagency.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

START = datetime.date(2026, 3, 3)


@pytest.fixture
def session(partnership):
    return SessionFactory(partnership=partnership, parts__start=START)


def closed_with(session, coordinator, *people):
    """Book ``people`` on ``session`` (confirmed), mark them present and close the register."""
    bookings = [
        BookingFactory.create(session=session, person=person, status=BookingStatus.CONFIRMED)
        for person in people
    ]
    with time_machine.travel(datetime.datetime(2026, 3, 3, 18, 0, tzinfo=datetime.UTC)):
        for booking in bookings:
            record_attendance(
                booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator
            )
        close_register(session=session, closed_by=coordinator)
    return bookings


def test_a_confirmed_booking_is_invited_to_the_registration_questionnaire(
    clock, partnership, session, coordinator
):
    # Six weeks before the course, whatever instant the run stands at: the link is fresh.
    clock.move_to(datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC))
    plan = make_plan(partnership, session=session, follow_up_weeks=None)
    person = PersonFactory.create(partnership=partnership, agency__partnership=partnership)
    booking = book_place(session=session, person=person, booked_by=coordinator)
    assert booking.status == BookingStatus.CONFIRMED
    # One email: the confirmation carries the questionnaire's link, no separate invitation.
    assert not OutboxMessage.objects.filter(kind=MessageKind.EVALUATION_INVITATION).exists()
    (message,) = written(OutboxMessage.objects.filter(kind=MessageKind.BOOKING_CONFIRMED))
    assert message.to_email == person.work_email
    code = ResponseCode.objects.get(plan=plan, booking=booking).code
    assert code in message.body
    token = message.body.split("/evaluation/answer/")[1].split("/")[0]
    link = read_token(token)
    assert link is not None and link.code == code
    assert link.wave_id == plan.waves.get(kind=WaveKind.REGISTRATION).pk


def test_closing_the_register_invites_those_who_came_to_the_end_questionnaire(
    partnership, session, coordinator
):
    make_plan(partnership, session=session, kinds=(WaveKind.END,), follow_up_weeks=None)
    came, *_ = closed_with(session, coordinator, PersonFactory(partnership=partnership))
    BookingFactory(session=session, status=BookingStatus.CANCELLED, confirmed_at=None)
    (message,) = OutboxMessage.objects.filter(kind=MessageKind.EVALUATION_INVITATION)
    assert message.booking_id == came.pk
    assert "At the end of the course" in message.subject


def test_follow_ups_go_after_their_weeks_with_two_reminders_each_once(
    partnership, session, coordinator
):
    plan = make_plan(
        partnership, session=session, kinds=(WaveKind.END,), follow_up_weeks=8, line_manager=True
    )
    wave = plan.waves.get(kind=WaveKind.FOLLOW_UP)
    manager = PersonFactory(partnership=partnership, work_email="lead@camden.example")
    answers, silent = closed_with(
        session,
        coordinator,
        PersonFactory(partnership=partnership, line_manager=manager),
        PersonFactory(partnership=partnership, line_manager=manager),
    )

    def run(day: datetime.date) -> list[tuple[str, int | None]]:
        before = set(OutboxMessage.objects.values_list("pk", flat=True))
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(7)), tick=False):
            call_command("send_evaluation_invitations")
            call_command("send_evaluation_invitations")  # twice: nothing more
        fresh = OutboxMessage.objects.exclude(pk__in=before).filter(
            kind__in=[MessageKind.EVALUATION_INVITATION, MessageKind.EVALUATION_REMINDER]
        )
        return sorted((message.key.split(":", 3)[3], message.booking_id) for message in fresh)

    ended = START
    assert run(ended + datetime.timedelta(weeks=7)) == []
    first = run(ended + datetime.timedelta(weeks=8, days=1))
    assert ("learner:invitation", answers.pk) in first
    assert ("line_manager:invitation", silent.pk) in first
    assert len(first) == 4
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC)):
        submit_response(
            wave=wave,
            answers=full_answers(),
            idempotency_key="follow-up-1",
            consented=True,
            code=ResponseCode.objects.get(booking=answers).code,
        )
    second = run(ended + datetime.timedelta(weeks=9, days=1))
    assert ("learner:reminder:1", silent.pk) in second
    assert ("learner:reminder:1", answers.pk) not in second
    assert {key for key, _ in second} == {"learner:reminder:1", "line_manager:reminder:1"}
    third = run(ended + datetime.timedelta(weeks=10, days=1))
    assert {key for key, _ in third} == {"learner:reminder:2", "line_manager:reminder:2"}
    assert run(ended + datetime.timedelta(weeks=12)) == []


def test_an_invitation_arrives_through_smtp_with_the_link_and_code(
    partnership, session, coordinator, settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.MAILERS = smtp_server.mailers
    make_plan(partnership, session=session, kinds=(WaveKind.END,), follow_up_weeks=None)
    person = PersonFactory(
        partnership=partnership, full_name="Mary Seacole", work_email="mary@nhs.example"
    )
    (booking,) = closed_with(session, coordinator, person)
    message = OutboxMessage.objects.get(kind=MessageKind.EVALUATION_INVITATION)
    send_outbox_message_task.call(message.pk)
    (received,) = smtp_server.messages
    assert received["To"] == "mary@nhs.example"
    text = received.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Mary Seacole," in text
    assert ResponseCode.objects.get(booking=booking).code in text
    assert "/evaluation/answer/" in text
