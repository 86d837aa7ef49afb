"""The learner's start page lists the questionnaires waiting for them, each with its link."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.core.permissions import Role
from interagency.delivery.models import AttendanceOutcome
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.models import ResponseCode, ResponseMode, WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def learner(member_with):
    return member_with(Role.LEARNER)


def start_page(client, partnership) -> str:
    page = client.get(reverse("tenancy:dashboard", kwargs={"code": partnership.code}))
    return re.sub(r"\s+", " ", page.text)


def booked(partnership, learner, *, days_from_now: int, mode=ResponseMode.PSEUDONYMOUS):
    session = SessionFactory.create(
        partnership=partnership,
        parts=1,
        parts__start=timezone.localdate() + datetime.timedelta(days=days_from_now),
    )
    plan = make_plan(partnership, session=session, mode=mode)
    booking = BookingFactory.create(
        session=session,
        person=PersonFactory.create(user=learner, agency__partnership=partnership),
    )
    return plan, booking


def test_the_end_questionnaire_waits_on_the_start_page_until_answered(
    partnership, learner, coordinator, client, sign_in
):
    plan, booking = booked(partnership, learner, days_from_now=-2)
    record_attendance(booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator)
    close_register(session=booking.session, closed_by=coordinator)
    sign_in(learner)

    text = start_page(client, partnership)
    assert "Questionnaires waiting" in text
    assert f"{booking.session.course.title}: at the end of the course" in text
    link = re.search(r'href="(/p/camden/evaluation/answer/[^"]+)"', text)
    assert link is not None and client.get(link.group(1)).status_code == 200

    code = ResponseCode.objects.get(plan=plan, booking=booking).code
    submit_response(
        wave=plan.waves.get(kind=WaveKind.END),
        answers=full_answers(),
        idempotency_key="end",
        consented=True,
        code=code,
    )
    assert "Questionnaires waiting" not in start_page(client, partnership)


def test_a_learner_who_did_not_come_is_not_asked_about_the_course(
    partnership, learner, coordinator, client, sign_in
):
    _, booking = booked(partnership, learner, days_from_now=-2)
    record_attendance(booking=booking, outcome=AttendanceOutcome.NO_SHOW, recorded_by=coordinator)
    close_register(session=booking.session, closed_by=coordinator)
    sign_in(learner)
    assert "Questionnaires waiting" not in start_page(client, partnership)


def test_the_start_page_reads_the_same_queries_for_one_or_several_questionnaires(
    partnership, learner, client, sign_in, django_assert_max_num_queries
):
    plan, booking = booked(partnership, learner, days_from_now=10)
    ResponseCode.objects.create(
        partnership=partnership, plan=plan, code="AAAA1111", booking=booking
    )
    sign_in(learner)
    start_page(client, partnership)
    with django_assert_max_num_queries(60) as one:
        assert "at registration" in start_page(client, partnership)
    for days in (12, 14, 16):
        plan, booking = booked(partnership, learner, days_from_now=days)
        ResponseCode.objects.create(
            partnership=partnership, plan=plan, code=f"BBBB{days:04}", booking=booking
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert start_page(client, partnership).count("at registration") == 4
