"""Evaluation plans on a course or session, their waves, and response codes."""

import pytest
from django.db import IntegrityError

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import CourseFactory
from interagency.delivery.models import Booking
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import (
    CODE_ALPHABET,
    EvaluationPlan,
    ResponseCode,
    ResponseMode,
    Wave,
    WaveKind,
)
from interagency.evaluation.services.instruments import revise_instrument
from interagency.evaluation.services.plans import (
    WavePlan,
    attach_plan,
    issue_response_code,
    set_wave_version,
)
from interagency.evaluation.tests.factories import (
    CONSENT,
    PRIVACY,
    SMALL_DEFINITION,
    make_instrument,
    make_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def plan_for_course(partnership, course, waves, **overrides):
    arguments = {
        "partnership": partnership,
        "course": course,
        "response_mode": ResponseMode.PSEUDONYMOUS,
        "consent_text": CONSENT,
        "privacy_text": PRIVACY,
        "waves": waves,
        "created_by": None,
    }
    arguments.update(overrides)
    return attach_plan(**arguments)


def test_a_course_gets_the_double_baseline_and_a_follow_up_with_the_line_manager(partnership):
    course = CourseFactory()
    learner = make_instrument(partnership).versions.get()
    manager = make_instrument(partnership, name="Line manager").versions.get()
    plan = plan_for_course(
        partnership,
        course,
        [
            WavePlan(kind=WaveKind.REGISTRATION, instrument_version=learner),
            WavePlan(kind=WaveKind.START, instrument_version=learner),
            WavePlan(kind=WaveKind.END, instrument_version=learner),
            WavePlan(
                kind=WaveKind.FOLLOW_UP,
                instrument_version=learner,
                weeks_after_end=8,
                line_manager_version=manager,
            ),
        ],
    )
    waves = sorted(plan.waves.all(), key=lambda wave: wave.sort_key)
    assert [wave.label for wave in waves] == [
        "At registration",
        "At the start of the course",
        "At the end of the course",
        "Follow-up after 8 weeks",
    ]
    assert waves[-1].line_manager_version == manager
    assert plan.links_waves


@pytest.mark.parametrize(
    ("wave", "field", "words"),
    [
        ({"kind": WaveKind.FOLLOW_UP}, "waves.follow_up", "1 to 104 weeks"),
        ({"kind": WaveKind.FOLLOW_UP, "weeks_after_end": 105}, "waves.follow_up_105", "1 to 104"),
        ({"kind": WaveKind.START, "weeks_after_end": 4}, "waves.start_4", "only a follow-up has"),
        ({"kind": "halfway"}, "waves.halfway", "choose one of"),
    ],
)
def test_a_wave_that_makes_no_sense_is_refused(partnership, wave, field, words):
    version = make_instrument(partnership).versions.get()
    with pytest.raises(EvaluationError) as refused:
        plan_for_course(
            partnership, CourseFactory(), [WavePlan(instrument_version=version, **wave)]
        )
    assert words in refused.value.errors[field]
    assert not EvaluationPlan.objects.exists()


def test_the_line_manager_is_asked_only_at_a_follow_up(partnership):
    version = make_instrument(partnership).versions.get()
    with pytest.raises(EvaluationError) as refused:
        plan_for_course(
            partnership,
            CourseFactory(),
            [WavePlan(kind=WaveKind.END, instrument_version=version, line_manager_version=version)],
        )
    assert refused.value.errors == {"waves.end": "only a follow-up asks the line manager."}


def test_a_plan_needs_consent_and_privacy_text_and_one_target(partnership):
    version = make_instrument(partnership).versions.get()
    with pytest.raises(EvaluationError) as refused:
        attach_plan(
            partnership=partnership,
            response_mode="secret",
            consent_text=" ",
            privacy_text="",
            waves=[WavePlan(kind=WaveKind.END, instrument_version=version)],
            created_by=None,
        )
    assert set(refused.value.errors) == {"plan", "response_mode", "consent_text", "privacy_text"}


def test_a_plan_cannot_ask_another_partnerships_instrument(partnership, other_partnership):
    theirs = make_instrument(other_partnership).versions.get()
    with pytest.raises(EvaluationError) as refused:
        plan_for_course(
            partnership, CourseFactory(), [WavePlan(kind=WaveKind.END, instrument_version=theirs)]
        )
    assert refused.value.errors == {"waves.end": "asks an instrument of another partnership."}


def test_a_plan_cannot_be_attached_to_another_partnerships_session(partnership, other_partnership):
    version = make_instrument(partnership).versions.get()
    with pytest.raises(EvaluationError) as refused:
        attach_plan(
            partnership=partnership,
            session=SessionFactory.create(partnership=other_partnership),
            response_mode=ResponseMode.NAMED,
            consent_text=CONSENT,
            privacy_text=PRIVACY,
            waves=[WavePlan(kind=WaveKind.END, instrument_version=version)],
            created_by=None,
        )
    assert "session" in refused.value.errors


def test_a_course_has_one_plan(partnership):
    course = CourseFactory()
    version = make_instrument(partnership).versions.get()
    waves = [WavePlan(kind=WaveKind.END, instrument_version=version)]
    plan_for_course(partnership, course, waves)
    with pytest.raises(EvaluationError, match="already has an evaluation plan"):
        plan_for_course(partnership, course, waves)


def test_the_database_refuses_two_end_of_course_waves(partnership):
    plan = make_plan(partnership)
    with pytest.raises(IntegrityError):
        Wave.objects.create(
            plan=plan, kind=WaveKind.END, instrument_version=plan.waves.all()[0].instrument_version
        )


def test_a_wave_asks_a_newer_version_from_now_on(partnership):
    plan = make_plan(partnership)
    wave = plan.waves.get(kind=WaveKind.END)
    instrument = wave.instrument_version.instrument
    newer = revise_instrument(instrument=instrument, definition=SMALL_DEFINITION, created_by=None)
    set_wave_version(wave=wave, instrument_version=newer)
    wave.refresh_from_db()
    assert wave.instrument_version.number == 2


def test_a_booking_gets_one_response_code_and_its_issue_is_audited(partnership):
    plan = make_plan(partnership)
    BookingFactory(session=plan.session)
    booking = Booking.objects.get(session=plan.session)
    code = issue_response_code(plan=plan, booking=booking, issued_by=None)
    again = issue_response_code(plan=plan, booking=booking, issued_by=None)
    assert again == code
    assert len(code.code) == 8 and set(code.code) <= set(CODE_ALPHABET)
    event = AuditEvent.objects.get(subject_type="evaluation.ResponseCode")
    assert event.changes == {"plan": plan.pk, "booking": booking.pk}


def test_an_anonymous_evaluation_gives_no_codes(partnership):
    plan = make_plan(partnership, mode=ResponseMode.ANONYMOUS)
    with pytest.raises(EvaluationError, match="anonymous"):
        issue_response_code(
            plan=plan, booking=BookingFactory.create(session=plan.session), issued_by=None
        )
    assert not ResponseCode.objects.exists()


def test_a_booking_on_another_session_gets_no_code(partnership):
    plan = make_plan(partnership)
    elsewhere = BookingFactory.create(session=SessionFactory(partnership=partnership))
    with pytest.raises(EvaluationError, match="not on a session this plan evaluates"):
        issue_response_code(plan=plan, booking=elsewhere, issued_by=None)
