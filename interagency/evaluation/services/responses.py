"""Submit a response: one person's answers to one wave, all saved or none.

Every answer is checked against the version the wave asks before anything is
written; each refusal names its item. Sending the same idempotency key again
(a double click, a retried request) returns the response already saved.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.dates import govuk_date
from interagency.core.validation import control_character_problem
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.formats import ResponseFormat, answer_range
from interagency.evaluation.models import (
    Answer,
    Item,
    Respondent,
    Response,
    ResponseCode,
    ResponseSource,
    Wave,
    WaveKind,
)
from interagency.evaluation.services.changes import record_response
from interagency.evaluation.services.plans import normalise_code

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.delivery.models import Session
    from interagency.evaluation.models import EvaluationPlan, InstrumentVersion

KEY_LENGTH = 64
FREE_TEXT_LENGTH = 5_000
NOTHING_SAVED = "Some answers could not be accepted; nothing was saved."


def submit_response(
    *,
    wave: Wave,
    answers: Mapping[str, Any],
    idempotency_key: str,
    consented: bool,
    respondent: str = Respondent.LEARNER,
    code: str | None = None,
    session: "Session | None" = None,
    source: str = ResponseSource.ONLINE,
    entered_by: "_User | None" = None,
) -> Response:
    """Save ``answers`` (item key to number or text; None or "" is unanswered) for ``wave``."""
    plan = wave.plan
    partnership = plan.partnership
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_LENGTH:
        raise EvaluationError(
            f"A response needs an idempotency key of 1 to {KEY_LENGTH} characters."
        )
    with transaction.atomic():
        earlier = Response.objects.for_partnership(partnership).filter(idempotency_key=key).first()
        if earlier is not None:
            return _same_submission(earlier, wave)
        version = _version_for(wave, respondent)
        response_code = _response_code(plan, code)
        session = _session(plan, response_code, session)
        _check_timing(wave, session)
        _check_consent(consented, source)
        rows = _checked_answers(version, answers)
        _check_code_unused(wave, response_code, respondent)
        response = Response(
            partnership=partnership,
            wave=wave,
            instrument_version=version,
            respondent=respondent,
            response_code=response_code,
            session=session,
            consented=consented,
            source=source,
            idempotency_key=key,
            submitted_at=timezone.now(),
            entered_by=entered_by,
        )
        saved = _insert(response)
        if saved is not response:
            return saved
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
        record_response(response)
        record_event(
            actor=entered_by,
            action=AuditEvent.Action.CREATED,
            subject=response,
            partnership=partnership,
            changes={"wave": wave.key, "answered": len(rows), "source": source},
        )
    return response


def _check_code_unused(wave: Wave, response_code: ResponseCode | None, respondent: str) -> None:
    """A response code answers each wave once per respondent."""
    if response_code is None:
        return
    codes_used = Response.objects.for_partnership(wave.plan.partnership).filter(
        wave=wave, response_code=response_code, respondent=respondent
    )
    if codes_used.exists():
        raise _code_used(response_code, wave)


def _insert(response: Response) -> Response:
    """Save ``response``; if a request with its key came first, that request's response."""
    try:
        with transaction.atomic():
            response.save(force_insert=True)
    except IntegrityError:
        # Another request with this key or code won the race: decide as if it came first.
        earlier = (
            Response.objects.for_partnership(response.partnership)
            .filter(idempotency_key=response.idempotency_key)
            .first()
        )
        if earlier is not None:
            return _same_submission(earlier, response.wave)
        raise _code_used(response.response_code, response.wave) from None
    return response


def _same_submission(earlier: Response, wave: Wave) -> Response:
    if earlier.wave_id != wave.pk:
        raise EvaluationError("This form was already sent for another questionnaire; reload it.")
    return earlier


def _version_for(wave: Wave, respondent: str) -> "InstrumentVersion":
    if respondent == Respondent.LEARNER:
        return wave.instrument_version
    if respondent == Respondent.LINE_MANAGER and wave.line_manager_version is not None:
        return wave.line_manager_version
    raise EvaluationError(f"{wave.label} does not ask the line manager.")


def _response_code(plan: "EvaluationPlan", code: str | None) -> ResponseCode | None:
    typed = normalise_code(code or "")
    if not plan.links_waves:
        if typed:
            raise EvaluationError(
                "This evaluation is anonymous: it takes no response code.",
                errors={"code": "leave it empty."},
            )
        return None
    if not typed:
        raise EvaluationError("Enter your response code.", errors={"code": "is required."})
    found = (
        ResponseCode.objects.for_partnership(plan.partnership)
        .filter(plan=plan, code=typed)
        .select_related("booking__session")
        .first()
    )
    if found is None:
        raise EvaluationError(
            f"{typed} is not a response code of this evaluation.",
            errors={"code": "check the code on your letter or email."},
        )
    return found


def _session(
    plan: "EvaluationPlan", response_code: ResponseCode | None, session: "Session | None"
) -> "Session | None":
    if plan.session_id is not None:
        return plan.session
    if response_code is not None and response_code.booking is not None:
        return response_code.booking.session
    if session is not None and (
        session.partnership_id != plan.partnership_id or session.course_id != plan.course_id
    ):
        raise EvaluationError("That session is not one this evaluation covers.")
    return session


def _check_timing(wave: Wave, session: "Session | None") -> None:
    """A follow-up is refused until the end-of-course wave has opened: the course has ended."""
    if wave.kind != WaveKind.FOLLOW_UP:
        return
    if session is None or session.ends_at is None:
        raise EvaluationError("A follow-up needs the session it follows up.")
    if timezone.now() < session.ends_at:
        ended = timezone.localtime(session.ends_at)
        raise EvaluationError(
            f"The follow-up opens after the course has ended ({govuk_date(ended)}).",
            errors={"wave": "too early."},
        )


def _check_consent(consented: bool, source: str) -> None:
    if not consented:
        raise EvaluationError(
            "Say that you agree to the consent statement before sending your answers.",
            errors={"consented": "is required."},
        )
    if source not in ResponseSource.values:
        raise EvaluationError(f"Unknown source {source!r}.")


def _checked_answers(version: "InstrumentVersion", answers: Mapping[str, Any]) -> list[Answer]:
    items = {item.key: item for item in Item.objects.filter(version=version)}
    errors: dict[str, str] = {}
    rows: list[Answer] = []
    for key, value in answers.items():
        item = items.get(str(key))
        if item is None:
            errors[str(key)] = f"is not a question of {version}."
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # unanswered: missing, never zero
        answer, problem = checked_answer(item, value)
        if problem:
            errors[item.key] = problem
        elif answer is not None:
            rows.append(answer)
    if errors:
        raise EvaluationError(NOTHING_SAVED, errors=errors)
    if not rows:
        raise EvaluationError("Answer at least one question.", errors={"answers": "none given."})
    return rows


def checked_answer(item: Item, value: Any) -> tuple[Answer | None, str | None]:
    """The answer to ``item``, or why ``value`` cannot be one."""
    if item.response_format == ResponseFormat.FREE_TEXT:
        if not isinstance(value, str):
            return None, "must be text."
        text = value.strip()
        problem = control_character_problem(text, multiline=True)
        if problem is None and len(text) > FREE_TEXT_LENGTH:
            problem = f"must be at most {FREE_TEXT_LENGTH:,} characters."
        return (None, problem) if problem else (Answer(item=item, text=text), None)
    low, high = answer_range(item.response_format, item.choices)
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        return None, f"must be a whole number from {low} to {high}."
    return Answer(item=item, value=number), None


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _code_used(response_code: ResponseCode | None, wave: Wave) -> EvaluationError:
    return EvaluationError(
        f"Response code {response_code} has already answered {wave.label.lower()}.",
        errors={"code": "already used for this questionnaire."},
    )
