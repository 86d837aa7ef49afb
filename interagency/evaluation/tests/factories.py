"""Building blocks for evaluation tests: instruments, plans and sessions through the services."""

import datetime
from typing import Any

from django.utils import timezone

from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.evaluation.models import EvaluationPlan, Instrument, ResponseMode, WaveKind
from interagency.evaluation.services.instruments import create_instrument
from interagency.evaluation.services.plans import WavePlan, attach_plan, issue_response_code

# Two scales (one reverse-keyed item, one knowledge scale) and a free-text question.
SMALL_DEFINITION: dict[str, Any] = {
    "introduction": "Please answer every question you can.",
    "scales": [
        {
            "key": "confidence",
            "name": "Confidence",
            "level": "2b",
            "items": [
                {"key": "c1", "text": "I can refer.", "format": "agree_5"},
                {"key": "c2", "text": "I can share.", "format": "agree_5"},
                {
                    "key": "c3",
                    "text": "I cannot challenge.",
                    "format": "agree_5",
                    "reverse_keyed": True,
                },
                {"key": "c4", "text": "I can escalate.", "format": "agree_5"},
                {"key": "c5", "text": "I can explain.", "format": "agree_5"},
            ],
        },
        {
            "key": "knowledge",
            "name": "Knowledge",
            "level": "2b",
            "scoring": "percent_correct",
            "preamble": "A short case.",
            "items": [
                {"key": "k1", "text": "Who refers?", "format": "yes_no", "correct_answer": 0},
                {
                    "key": "k2",
                    "text": "First step?",
                    "format": "multiple_choice",
                    "choices": ["Wait", "Tell the lead", "Ask the parent"],
                    "correct_answer": 2,
                },
            ],
        },
    ],
    "items": [{"key": "comment", "text": "Anything else?", "format": "free_text"}],
}

CONSENT = "I agree that my answers are used to evaluate this course."
PRIVACY = "Only the training team sees answers; they are kept for three years."


def make_instrument(
    partnership, *, name: str = "Course questionnaire", definition=None
) -> Instrument:
    return create_instrument(
        partnership=partnership,
        name=name,
        definition=definition or SMALL_DEFINITION,
        created_by=None,
    )


def ended_session(partnership, *, days_ago: int = 1):
    """A session of one part that ended ``days_ago`` days before now."""
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    return SessionFactory(partnership=partnership, parts__start=start)


def make_plan(
    partnership,
    *,
    session=None,
    mode: str = ResponseMode.PSEUDONYMOUS,
    kinds=(WaveKind.REGISTRATION, WaveKind.START, WaveKind.END),
    follow_up_weeks: int | None = 8,
    line_manager: bool = False,
) -> EvaluationPlan:
    """A session plan asking one instrument at each wave (and a follow-up unless None)."""
    session = session or ended_session(partnership)
    existing = Instrument.objects.for_partnership(partnership).filter(name="Course questionnaire")
    version = (existing.first() or make_instrument(partnership)).versions.get()
    waves = [WavePlan(kind=kind, instrument_version=version) for kind in kinds]
    if follow_up_weeks is not None:
        waves.append(
            WavePlan(
                kind=WaveKind.FOLLOW_UP,
                instrument_version=version,
                weeks_after_end=follow_up_weeks,
                line_manager_version=version if line_manager else None,
            )
        )
    return attach_plan(
        partnership=partnership,
        session=session,
        response_mode=mode,
        consent_text=CONSENT,
        privacy_text=PRIVACY,
        waves=waves,
        created_by=None,
    )


def code_for(plan: EvaluationPlan) -> str:
    """A new booking on the plan's session and its response code."""
    booking = BookingFactory.create(session=plan.session)
    return issue_response_code(plan=plan, booking=booking, issued_by=None).code


def full_answers(**overrides: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {"c1": 4, "c2": 4, "c3": 2, "c4": 3, "c5": 5, "k1": 0, "k2": 2}
    answers.update(overrides)
    return answers
