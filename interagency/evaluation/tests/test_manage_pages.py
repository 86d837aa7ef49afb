"""The coordinator's, board's and trainer's evaluation pages."""

import re

import pytest
import time_machine
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory
from interagency.core.permissions import Role
from interagency.delivery.models import SessionTrainer
from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.models import EvaluationPlan, Instrument, TrainerSummary, WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import (
    CONSENT,
    PRIVACY,
    code_for,
    full_answers,
    make_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

NOW = "2026-12-07T12:00:00+00:00"


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def answered_plan(partnership, people: int = 6, **options):
    """A plan whose learners answered the start and end waves, confidence rising."""
    plan = make_plan(partnership, **options)
    for number in range(people):
        code = code_for(plan)
        for kind, c1 in ((WaveKind.START, 2 + number % 2), (WaveKind.END, 4 + number % 2)):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=full_answers(c1=c1, comment=f"Comment {number} at {kind}"),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )
    return plan


def url(name, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"code": "camden", **kwargs})


def test_the_navigation_leads_to_the_evaluation_home(partnership, coordinator, sign_in):
    client = sign_in(coordinator)
    page = client.get(reverse("tenancy:dashboard", kwargs={"code": "camden"}))
    assert url("home") in page.text
    assert "This part of Interagency is being built" not in client.get(url("home")).text


def test_the_home_lists_plans_with_response_rates(
    partnership, coordinator, sign_in, django_assert_max_num_queries
):
    plan = answered_plan(partnership, people=3)
    BookingFactory(session=plan.session)  # booked, never answered
    client = sign_in(coordinator)
    with django_assert_max_num_queries(15):
        page = client.get(url("home"))
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "At the start of the course: 3 of 4 booked (75%)" in text
    assert "At registration: 0 of 4 booked (0%)" in text


def test_the_home_costs_the_same_queries_for_many_plans(
    partnership, coordinator, sign_in, django_assert_max_num_queries
):
    for _ in range(4):
        answered_plan(partnership, people=1)
    client = sign_in(coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(url("home")).status_code == 200


def test_a_coordinator_creates_a_questionnaire_from_the_templates(
    partnership, coordinator, sign_in
):
    client = sign_in(coordinator)
    response = client.post(
        url("instrument-new"), {"name": "Working together", "templates": ["confidence"]}
    )
    instrument = Instrument.objects.get(name="Working together")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Version 1" in page.text and instrument.templates == ["confidence"]
    assert "Working together" in client.get(url("instruments")).text


def test_a_questionnaire_without_templates_is_refused(partnership, coordinator, sign_in):
    client = sign_in(coordinator)
    page = client.post(url("instrument-new"), {"name": "Empty"})
    assert "Choose at least one template." in page.text
    assert not Instrument.objects.exists()


def test_a_coordinator_attaches_a_plan_to_a_course(partnership, coordinator, sign_in):
    session = make_plan(partnership).session
    assert session is not None
    EvaluationPlan.objects.all().delete()
    AdoptionFactory(partnership=partnership, framework=session.course.framework)
    version = Instrument.objects.get().versions.get()
    client = sign_in(coordinator)
    form = client.get(url("plan-new"))
    assert session.course.title in form.text
    response = client.post(
        url("plan-new"),
        {
            "applies_to": "course",
            "course": session.course_id,
            "response_mode": "pseudonymous",
            "consent_text": CONSENT,
            "privacy_text": PRIVACY,
            "wave_start": version.pk,
            "wave_end": version.pk,
            "follow_up_1_weeks": "8",
            "follow_up_1_version": version.pk,
            "follow_up_1_line_manager": version.pk,
        },
    )
    assert response.status_code == 302, re.findall(
        r"error-summary__list.*?</ul>", response.text, re.S
    )
    plan = EvaluationPlan.objects.get()
    assert plan.course_id == session.course_id
    assert sorted(wave.key for wave in plan.waves.all()) == ["end", "follow_up_8", "start"]


def test_the_response_mode_cannot_change_once_answered(partnership, coordinator, sign_in):
    plan = answered_plan(partnership, people=1)
    client = sign_in(coordinator)
    data = {"response_mode": "named", "consent_text": "New consent", "privacy_text": PRIVACY}
    for wave in plan.waves.all():
        data[f"wave_{wave.pk}"] = wave.instrument_version_id
    page = client.post(url("plan-edit", plan_id=plan.pk), data)
    assert "cannot change once people have answered" in page.text
    assert page.status_code == 200
    plan.refresh_from_db()
    assert plan.response_mode == "pseudonymous" and plan.consent_text == CONSENT
    data["response_mode"] = "pseudonymous"
    assert client.post(url("plan-edit", plan_id=plan.pk), data).status_code == 302
    plan.refresh_from_db()
    assert plan.consent_text == "New consent"
    assert AuditEvent.objects.filter(subject_type="evaluation.EvaluationPlan").exists()


def test_the_results_page_shows_figures_chart_and_conventions(
    partnership, coordinator, sign_in, django_assert_max_num_queries
):
    plan = answered_plan(partnership)
    client = sign_in(coordinator)
    with django_assert_max_num_queries(25):
        page = client.get(url("plan", plan_id=plan.pk))
    text = re.sub(r"\s+", " ", page.text)
    assert page.status_code == 200
    assert "<svg" in text and 'role="img"' in text
    assert "Confidence, mean by wave." in text  # the chart's description
    assert "Wilcoxon signed-rank" in text and "d<sub>z</sub>" in text
    assert "How these figures are worked out" in text
    # Registration was never answered: too few to pair.
    assert "Fewer than 5 paired responses (0)" in text


def test_too_few_paired_responses_are_stated_instead_of_numbers(partnership, coordinator, sign_in):
    plan = answered_plan(partnership, people=4)
    text = re.sub(r"\s+", " ", sign_in(coordinator).get(url("plan", plan_id=plan.pk)).text)
    assert "Fewer than 5 paired responses (4): too few to show a change." in text
    assert "Paired t-test" not in text


@pytest.mark.parametrize("kind", ["xlsx", "csv", "sav"])
def test_the_results_download(partnership, coordinator, sign_in, kind):
    plan = answered_plan(partnership, people=2)
    response = sign_in(coordinator).get(url("plan-download", plan_id=plan.pk, kind=kind))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{kind}"')


def test_a_board_member_reads_results_but_cannot_change_plans(partnership, member_with, sign_in):
    plan = answered_plan(partnership, people=1)
    client = sign_in(member_with(Role.BOARD_MEMBER))
    assert client.get(url("plan", plan_id=plan.pk)).status_code == 200
    assert client.get(url("plan-edit", plan_id=plan.pk)).status_code == 403
    assert client.get(url("plan-new")).status_code == 403


def test_a_trainer_sees_only_their_sessions(partnership, member_with, sign_in):
    plan = answered_plan(partnership, people=2)
    other = make_plan(partnership, follow_up_weeks=None)
    trainer = member_with(Role.TRAINER)
    SessionTrainer.objects.create(session=plan.session, user=trainer, name="Tess")
    client = sign_in(trainer)
    assert client.get(url("plan", plan_id=plan.pk)).status_code == 200
    assert client.get(url("plan", plan_id=other.pk)).status_code == 404
    assert client.get(url("session", session_id=other.session_id)).status_code == 404
    page = client.get(url("session", session_id=plan.session_id))
    assert "Comment 1 at end" in page.text


def test_a_trainer_writes_a_summary_the_coordinator_reads(
    partnership, member_with, coordinator, sign_in, client
):
    plan = answered_plan(partnership, people=1)
    trainer = member_with(Role.TRAINER)
    SessionTrainer.objects.create(session=plan.session, user=trainer, name="Tess")
    sign_in(trainer)
    address = url("session", session_id=plan.session_id)
    refused = client.post(address, {"went_well": "", "to_change": "Less"})
    assert "Say what went well." in refused.text
    response = client.post(address, {"went_well": "Lively case work", "to_change": "Shorter"})
    assert response.status_code == 302
    summary = TrainerSummary.objects.get()
    assert summary.went_well == "Lively case work" and summary.written_by == trainer
    assert AuditEvent.objects.filter(subject_type="evaluation.TrainerSummary").count() == 1
    sign_in(coordinator)
    page = client.get(address)
    assert "Lively case work" in page.text and 'name="went_well"' not in page.text
