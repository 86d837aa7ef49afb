"""Submitting responses: every refusal names its item, and nothing is saved half."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.delivery.tests.factories import SessionFactory
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import (
    Answer,
    Respondent,
    Response,
    ResponseMode,
    ResponseSource,
    WaveKind,
)
from interagency.evaluation.services.instruments import revise_instrument
from interagency.evaluation.services.plans import set_wave_version
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import (
    SMALL_DEFINITION,
    code_for,
    full_answers,
    make_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def submit(wave, answers, *, key="form-1", code=None, **options):
    return submit_response(
        wave=wave, answers=answers, idempotency_key=key, consented=True, code=code, **options
    )


def test_a_learner_answers_a_wave_with_their_code(partnership):
    plan = make_plan(partnership)
    code = code_for(plan)
    wave = plan.waves.get(kind=WaveKind.START)
    response = submit(wave, full_answers(comment="Useful."), code=code.lower())
    assert response.response_code.code == code
    assert response.instrument_version == wave.instrument_version
    assert response.session == plan.session
    values = dict(response.answers.values_list("item__key", "value"))
    assert values["c3"] == 2 and values["comment"] is None
    assert response.answers.get(item__key="comment").text == "Useful."
    event = AuditEvent.objects.get(subject_type="evaluation.Response")
    # The trail says that answers were given, never what they were.
    assert event.changes == {"wave": "start", "answered": 8, "source": "online"}


def test_unanswered_questions_are_left_missing(partnership):
    plan = make_plan(partnership)
    response = submit(
        plan.waves.get(kind=WaveKind.START), {"c1": 3, "c2": None, "c4": ""}, code=code_for(plan)
    )
    assert list(response.answers.values_list("item__key", flat=True)) == ["c1"]


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"c1": 6}, {"c1": "must be a whole number from 1 to 5."}),
        ({"c1": 0}, {"c1": "must be a whole number from 1 to 5."}),
        ({"c1": 2.5}, {"c1": "must be a whole number from 1 to 5."}),
        ({"c1": True}, {"c1": "must be a whole number from 1 to 5."}),
        ({"k1": 2}, {"k1": "must be a whole number from 0 to 1."}),
        ({"k2": 4}, {"k2": "must be a whole number from 1 to 3."}),
        ({"comment": 5}, {"comment": "must be text."}),
        ({"mystery": 1}, {"mystery": "is not a question of Course questionnaire (version 1)."}),
    ],
)
def test_a_bad_answer_is_refused_naming_its_item_and_nothing_is_saved(partnership, answers, errors):
    plan = make_plan(partnership)
    code = code_for(plan)
    with pytest.raises(EvaluationError) as refused:
        submit(plan.waves.get(kind=WaveKind.START), full_answers(**answers), code=code)
    assert refused.value.errors == errors
    assert refused.value.message == "Some answers could not be accepted; nothing was saved."
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_every_bad_answer_is_named_at_once(partnership):
    plan = make_plan(partnership)
    with pytest.raises(EvaluationError) as refused:
        submit(plan.waves.get(kind=WaveKind.START), full_answers(c1=9, c2=-1), code=code_for(plan))
    assert set(refused.value.errors) == {"c1", "c2"}


def test_answers_to_another_versions_items_are_refused(partnership):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    renamed = {
        **SMALL_DEFINITION,
        "scales": [
            {
                **SMALL_DEFINITION["scales"][0],
                "items": [
                    {"key": "c1-new", "text": "I can refer well.", "format": "agree_7"},
                ],
            }
        ],
    }
    newer = revise_instrument(
        instrument=wave.instrument_version.instrument, definition=renamed, created_by=None
    )
    set_wave_version(wave=wave, instrument_version=newer)
    with pytest.raises(EvaluationError) as refused:
        submit(wave, {"c1": 4, "c1-new": 7}, code=code_for(plan))
    assert refused.value.errors == {"c1": "is not a question of Course questionnaire (version 2)."}


def test_earlier_answers_keep_their_version_when_the_wave_moves_on(partnership):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.START)
    first = submit(wave, full_answers(), code=code_for(plan))
    newer = revise_instrument(
        instrument=wave.instrument_version.instrument, definition=SMALL_DEFINITION, created_by=None
    )
    set_wave_version(wave=wave, instrument_version=newer)
    second = submit(wave, full_answers(), code=code_for(plan), key="form-2")
    first.refresh_from_db()
    assert first.instrument_version.number == 1
    assert second.instrument_version.number == 2
    assert first.answers.get(item__key="c1").item.version.number == 1


def test_a_response_code_answers_each_wave_once(partnership):
    plan = make_plan(partnership)
    code = code_for(plan)
    start = plan.waves.get(kind=WaveKind.START)
    submit(start, full_answers(), code=code)
    with pytest.raises(EvaluationError, match=f"{code} has already answered at the start"):
        submit(start, full_answers(), code=code, key="form-2")
    submit(plan.waves.get(kind=WaveKind.END), full_answers(), code=code, key="form-3")
    assert Response.objects.count() == 2


def test_the_database_refuses_a_code_twice_in_one_wave(partnership):
    plan = make_plan(partnership)
    start = plan.waves.get(kind=WaveKind.START)
    first = submit(start, full_answers(), code=code_for(plan))
    with pytest.raises(IntegrityError):
        Response.objects.create(
            partnership=partnership,
            wave=start,
            instrument_version=first.instrument_version,
            response_code=first.response_code,
            idempotency_key="other",
            submitted_at=timezone.now(),
        )


def test_a_double_click_saves_one_response(partnership):
    plan = make_plan(partnership)
    code = code_for(plan)
    start = plan.waves.get(kind=WaveKind.START)
    first = submit(start, full_answers(), code=code, key="double")
    second = submit(start, full_answers(), code=code, key="double")
    assert second == first
    assert Response.objects.count() == 1
    assert AuditEvent.objects.filter(subject_type="evaluation.Response").count() == 1


def test_a_reused_key_for_another_wave_is_refused(partnership):
    plan = make_plan(partnership)
    code = code_for(plan)
    submit(plan.waves.get(kind=WaveKind.START), full_answers(), code=code, key="same")
    with pytest.raises(EvaluationError, match="already sent for another questionnaire"):
        submit(plan.waves.get(kind=WaveKind.END), full_answers(), code=code, key="same")


def test_an_unknown_or_missing_code_is_refused(partnership):
    plan = make_plan(partnership)
    start = plan.waves.get(kind=WaveKind.START)
    with pytest.raises(EvaluationError, match="is not a response code of this evaluation"):
        submit(start, full_answers(), code="AAAAAAAA")
    with pytest.raises(EvaluationError, match="Enter your response code"):
        submit(start, full_answers(), code=None)
    assert not Response.objects.exists()


def test_another_plans_code_is_refused(partnership):
    code = code_for(make_plan(partnership))
    plan = make_plan(partnership, session=SessionFactory(partnership=partnership))
    with pytest.raises(EvaluationError, match="is not a response code of this evaluation"):
        submit(plan.waves.get(kind=WaveKind.START), full_answers(), code=code)


def test_anonymous_responses_take_no_code(partnership):
    plan = make_plan(partnership, mode=ResponseMode.ANONYMOUS)
    start = plan.waves.get(kind=WaveKind.START)
    response = submit(start, full_answers())
    assert response.response_code is None
    with pytest.raises(EvaluationError, match="anonymous"):
        submit(start, full_answers(), code="ACDEFGHJ", key="form-2")


def test_nothing_is_saved_without_consent(partnership):
    plan = make_plan(partnership)
    with pytest.raises(EvaluationError, match="consent"):
        submit_response(
            wave=plan.waves.get(kind=WaveKind.START),
            answers=full_answers(),
            idempotency_key="k",
            consented=False,
            code=code_for(plan),
        )
    assert not Response.objects.exists()


def test_free_text_with_a_control_character_is_refused(partnership):
    plan = make_plan(partnership)
    with pytest.raises(EvaluationError) as refused:
        submit(plan.waves.get(kind=WaveKind.END), {"comment": "fine\x00"}, code=code_for(plan))
    assert "control character" in refused.value.errors["comment"]


def test_an_empty_response_is_refused(partnership):
    plan = make_plan(partnership)
    with pytest.raises(EvaluationError, match="Answer at least one question"):
        submit(plan.waves.get(kind=WaveKind.END), {"c1": None}, code=code_for(plan))


@pytest.mark.clock
def test_a_follow_up_is_refused_before_the_course_has_ended(partnership):
    start = timezone.localdate() + datetime.timedelta(days=3)
    plan = make_plan(
        partnership, session=SessionFactory(partnership=partnership, parts__start=start)
    )
    code = code_for(plan)
    follow_up = plan.waves.get(kind=WaveKind.FOLLOW_UP)
    with pytest.raises(EvaluationError, match="opens after the course has ended"):
        submit(follow_up, full_answers(), code=code)
    assert not Response.objects.exists()
    ended = SessionFactory._meta.model.objects.get(pk=plan.session_id).ends_at
    assert ended is not None
    with time_machine.travel(ended + datetime.timedelta(weeks=8), tick=False):
        assert submit(follow_up, full_answers(), code=code).wave == follow_up


def test_the_line_manager_answers_the_follow_up_beside_the_learner(partnership):
    plan = make_plan(partnership, line_manager=True)
    code = code_for(plan)
    follow_up = plan.waves.get(kind=WaveKind.FOLLOW_UP)
    submit(follow_up, full_answers(), code=code, key="learner")
    manager = submit(
        follow_up,
        full_answers(),
        code=code,
        key="manager",
        respondent=Respondent.LINE_MANAGER,
        source=ResponseSource.PAPER,
    )
    assert manager.respondent == Respondent.LINE_MANAGER
    with pytest.raises(EvaluationError, match="does not ask the line manager"):
        submit(
            plan.waves.get(kind=WaveKind.END),
            full_answers(),
            code=code,
            key="end",
            respondent=Respondent.LINE_MANAGER,
        )
