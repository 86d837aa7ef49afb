"""A partnership may release a learner's certificate only after the end-of-course questionnaire."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.delivery.models import AttendanceOutcome, Certificate
from interagency.delivery.services.attendance import close_register, record_attendance
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.models import ResponseCode, ResponseMode, WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.services.settings import change_evaluation_settings
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture
def learner(member_with):
    return member_with(Role.LEARNER)


def attended(partnership, learner, coordinator, *, mode=ResponseMode.PSEUDONYMOUS, hold=True):
    """The learner's certificate of a session with an evaluation plan, its register closed."""
    if hold:
        change_evaluation_settings(
            partnership=partnership,
            certificate_after_end_questionnaire=True,
            changed_by=coordinator,
        )
    session = SessionFactory.create(
        partnership=partnership,
        parts=1,
        parts__start=timezone.localdate() - datetime.timedelta(days=2),
    )
    plan = make_plan(partnership, session=session, mode=mode)
    booking = BookingFactory.create(
        session=session,
        person=PersonFactory.create(user=learner, agency__partnership=partnership),
    )
    record_attendance(booking=booking, outcome=AttendanceOutcome.ATTENDED, recorded_by=coordinator)
    close_register(session=session, closed_by=coordinator)
    return plan, Certificate.objects.get(booking=booking)


def my_bookings(client) -> str:
    page = client.get(reverse("sessions:my-bookings", kwargs={"code": "camden"}))
    return re.sub(r"\s+", " ", page.text)


def certificate_url(certificate) -> str:
    return reverse("sessions:certificate", kwargs={"code": "camden", "number": certificate.number})


def test_the_certificate_waits_for_the_end_questionnaire_and_links_to_it(
    partnership, learner, coordinator, client, sign_in
):
    plan, certificate = attended(partnership, learner, coordinator)
    sign_in(learner)
    text = my_bookings(client)
    assert "Waiting</strong> Your certificate is released once you answer the end" in text
    answer_link = re.search(r'href="(/p/camden/evaluation/answer/[^"]+)"', text)
    assert answer_link is not None and "Answer the end-of-course questionnaire" in text
    assert client.get(answer_link.group(1)).status_code == 200
    held = client.get(certificate_url(certificate))
    assert "Your certificate is waiting" in held.text
    code = ResponseCode.objects.get(plan=plan, booking=certificate.booking).code
    submit_response(
        wave=plan.waves.get(kind=WaveKind.END),
        answers=full_answers(),
        idempotency_key="end",
        consented=True,
        code=code,
    )
    assert "Waiting" not in my_bookings(client)
    assert client.get(certificate_url(certificate))["Content-Type"] == "application/pdf"


def test_without_the_setting_the_certificate_is_released_at_once(
    partnership, learner, coordinator, client, sign_in
):
    _, certificate = attended(partnership, learner, coordinator, hold=False)
    sign_in(learner)
    assert certificate_url(certificate) in my_bookings(client)


def test_an_anonymous_evaluation_never_holds_a_certificate(
    partnership, learner, coordinator, client, sign_in
):
    _, certificate = attended(partnership, learner, coordinator, mode=ResponseMode.ANONYMOUS)
    sign_in(learner)
    assert certificate_url(certificate) in my_bookings(client)


def test_a_coordinator_turns_the_hold_on_in_the_settings(
    partnership, coordinator, member_with, client, sign_in
):
    address = reverse("evaluation:settings", kwargs={"code": "camden"})
    sign_in(member_with(Role.BOARD_MEMBER))
    assert client.get(address).status_code == 403
    sign_in(coordinator)
    refused = client.post(address, {})
    assert "Choose whether certificates wait for the questionnaire." in refused.text
    assert client.post(address, {"certificate_after_end_questionnaire": "yes"}).status_code == 302
    assert re.search(r'value="yes"[^>]*checked', client.get(address).text)
    event = AuditEvent.objects.get(subject_type="evaluation.EvaluationSettings")
    assert event.changes == {"certificate_after_end_questionnaire": [False, True]}
