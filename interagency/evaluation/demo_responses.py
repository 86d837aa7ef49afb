"""Synthetic evaluation responses for seeded partnerships: a story the Evaluation area tells.

The courses run most often get a pseudonymous plan asking the shipped
confidence, attitudes and knowledge templates at registration, the start,
the end and eight weeks after. Everyone the register says came has a code;
answers show little change before the course, a rise during it that partly
fades by the follow-up, fewer people at each later wave, and a few items
left blank. On one course (parental mental health, where there is one) the
knowledge score falls while confidence rises, as the research found.
Written with ``bulk_create``: no audit events, no services per row.
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from interagency.delivery.models import AttendanceOutcome, Booking, Session
from interagency.evaluation.formats import ResponseFormat, answer_range
from interagency.evaluation.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Answer,
    EvaluationPlan,
    Instrument,
    InstrumentVersion,
    Item,
    Response,
    ResponseCode,
    ResponseMode,
    ResponseSource,
    Scale,
    Scoring,
    Wave,
    WaveKind,
)
from interagency.evaluation.services.instruments import create_instrument_from_templates
from interagency.evaluation.services.plans import WavePlan, attach_plan
from interagency.tenancy.models import Partnership

DEMO_INSTRUMENT = "Course evaluation"
TEMPLATES = ("confidence", "attitudes", "knowledge-vignette")
COURSES = 3
FOLLOW_UP_WEEKS = 8
# The share of people who answer each wave (attrition), and of items left blank.
PRESENT = {"registration": 0.7, "start": 0.92, "end": 0.85, "follow_up": 0.45}
BLANK = 0.04
# Mean change in a rating scale's position (0 to 1) from the person's baseline.
RISE = {"registration": 0.0, "start": 0.02, "end": 0.16, "follow_up": 0.11}
# Chance of a right answer to a knowledge item, and on the course where knowledge falls.
KNOWS = {"registration": 0.58, "start": 0.6, "end": 0.76, "follow_up": 0.7}
KNOWS_LESS = {"registration": 0.62, "start": 0.63, "end": 0.5, "follow_up": 0.48}
CAME = (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)
COMMENTS = (
    "The case discussions were the most useful part.",
    "More time on the referral pathway, please.",
    "Good to meet colleagues from other agencies.",
)


def seed_demo_responses(
    partnership: Partnership, *, seed: object, now: datetime.datetime | None = None
) -> int:
    """Plans and responses for the partnership's most-run closed courses, once; how many."""
    if EvaluationPlan.objects.for_partnership(partnership).exists():
        return 0
    now = now or timezone.now()
    # Synthetic data, the same for the same seed: not a secret.
    rng = random.Random(f"{seed}:{partnership.code}:evaluation")  # noqa: S311
    sessions = list(
        Session.objects.for_partnership(partnership)
        .filter(status=Session.Status.CLOSED, ends_at__isnull=False)
        .select_related("course")
    )
    by_course: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        by_course[session.course_id].append(session)
    chosen = sorted(by_course.values(), key=lambda runs: (-len(runs), runs[0].course_id))[:COURSES]
    if not chosen:
        return 0
    # Kept from an earlier run whose plans were removed: asked again, not made twice.
    instrument = (
        Instrument.objects.for_partnership(partnership).filter(name=DEMO_INSTRUMENT).first()
    )
    if instrument is None:
        instrument = create_instrument_from_templates(
            partnership=partnership, name=DEMO_INSTRUMENT, template_keys=TEMPLATES, created_by=None
        )
    version = InstrumentVersion.objects.filter(instrument=instrument).order_by("-number").first()
    assert version is not None
    items = list(Item.objects.filter(version=version).order_by("order", "id"))
    knowledge = set(
        Scale.objects.filter(version=version, scoring=Scoring.PERCENT_CORRECT).values_list(
            "pk", flat=True
        )
    )
    falls = _course_where_knowledge_falls([runs[0].course for runs in chosen])
    saved = 0
    for runs in chosen:
        course = runs[0].course
        plan = _plan(partnership, course, version)
        waves = list(plan.waves.all())
        odds = KNOWS_LESS if course.pk == falls else KNOWS
        people = _codes(partnership, plan, runs, rng)
        drawn: list[Drawn] = []
        for code, session in people:
            drawn += _responses(partnership, waves, code, session, rng, now)
        responses = Response.objects.bulk_create([row[0] for row in drawn], batch_size=500)
        answers = [
            answer
            for response, (_row, position, kind) in zip(responses, drawn, strict=True)
            for answer in _answers(response, position, kind, items, knowledge, odds, rng)
        ]
        Answer.objects.bulk_create(answers, batch_size=2_000)
        saved += len(responses)
    return saved


def _course_where_knowledge_falls(courses) -> int:
    for course in courses:
        if "mental" in course.title.lower():
            return course.pk
    return courses[-1].pk


def _plan(partnership, course, version) -> EvaluationPlan:
    waves = [
        WavePlan(kind=kind, instrument_version=version)
        for kind in (WaveKind.REGISTRATION, WaveKind.START, WaveKind.END)
    ]
    waves.append(
        WavePlan(
            kind=WaveKind.FOLLOW_UP, instrument_version=version, weeks_after_end=FOLLOW_UP_WEEKS
        )
    )
    return attach_plan(
        partnership=partnership,
        course=course,
        response_mode=ResponseMode.PSEUDONYMOUS,
        consent_text="I agree that my answers are used to evaluate and improve this course.",
        privacy_text="Only the partnership's training team sees answers, kept with a response "
        "code and never with your name. They are kept for three years.",
        waves=waves,
        created_by=None,
    )


def _codes(partnership, plan, runs, rng) -> list[tuple[ResponseCode, Session]]:
    sessions = {session.pk: session for session in runs}
    bookings = list(
        Booking.objects.for_partnership(partnership)
        .filter(session_id__in=sessions, attendance__outcome__in=CAME)
        .order_by("pk")
        .values_list("pk", "session_id")
    )
    taken = set(ResponseCode.objects.for_partnership(partnership).values_list("code", flat=True))
    codes = []
    for booking_id, _session_id in bookings:
        code = ""
        while not code or code in taken:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken.add(code)
        codes.append(
            ResponseCode(partnership=partnership, plan=plan, code=code, booking_id=booking_id)
        )
    made = ResponseCode.objects.bulk_create(codes, batch_size=1_000)
    return [
        (code, sessions[session_id])
        for code, (_booking, session_id) in zip(made, bookings, strict=True)
    ]


# A response to write, the person's position on the rating scales then, and its wave.
Drawn = tuple[Response, float, str]


def _responses(partnership, waves: list[Wave], code, session, rng, now) -> list[Drawn]:
    assert session.starts_at is not None and session.ends_at is not None
    when = {
        "registration": session.starts_at - datetime.timedelta(days=rng.randint(25, 50)),
        "start": session.starts_at + datetime.timedelta(minutes=rng.randint(5, 25)),
        "end": session.ends_at - datetime.timedelta(minutes=rng.randint(0, 15)),
        "follow_up": session.ends_at
        + datetime.timedelta(weeks=FOLLOW_UP_WEEKS, days=rng.randint(0, 14)),
    }
    # The person's own baseline on the rating scales (0 to 1).
    baseline = min(0.8, max(0.15, rng.gauss(0.5, 0.12)))
    found = []
    for wave in waves:
        kind = str(wave.kind)
        if when[kind] > now or rng.random() > PRESENT[kind]:
            continue
        response = Response(
            partnership=partnership,
            wave=wave,
            instrument_version_id=wave.instrument_version_id,
            response_code=code,
            session=session,
            consented=True,
            source=ResponseSource.PAPER if kind == "start" and rng.random() < 0.3 else "online",
            idempotency_key=f"demo:{wave.pk}:{code.code}",
            submitted_at=when[kind],
        )
        found.append((response, baseline + RISE[kind] + rng.gauss(0, 0.05), kind))
    return found


def _answers(response: Response, position: float, kind: str, items, knowledge, odds, rng):
    for item in items:
        if item.response_format == ResponseFormat.FREE_TEXT:
            if kind == "end" and rng.random() < 0.25:
                yield Answer(response=response, item=item, text=rng.choice(COMMENTS))
            continue
        if rng.random() < BLANK:
            continue  # left blank: missing, never wrong
        low, high = answer_range(item.response_format, item.choices)
        if item.scale_id in knowledge and item.correct_answer is not None:
            right = rng.random() < odds[kind]
            wrong = [value for value in range(low, high + 1) if value != item.correct_answer]
            value = item.correct_answer if right else rng.choice(wrong)
        else:
            spot = min(1.0, max(0.0, position + rng.gauss(0, 0.1)))
            value = round(low + spot * (high - low))
            if item.reverse_keyed:
                value = high + low - value
        yield Answer(response=response, item=item, value=value)
