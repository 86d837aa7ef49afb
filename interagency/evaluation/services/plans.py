"""Attach evaluation plans to a course or session, and issue response codes."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.validation import control_character_problem
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FOLLOW_UP_WEEKS,
    EvaluationPlan,
    InstrumentVersion,
    ResponseCode,
    ResponseMode,
    Wave,
    WaveKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.catalogue.models import Course
    from interagency.delivery.models import Booking, Session
    from interagency.tenancy.models import Partnership

TEXT_LENGTH = 10_000


@dataclass(frozen=True)
class WavePlan:
    """One wave as asked for: its kind, the version it asks, and a follow-up's weeks."""

    kind: str
    instrument_version: InstrumentVersion
    weeks_after_end: int | None = None
    line_manager_version: InstrumentVersion | None = None


def attach_plan(
    *,
    partnership: "Partnership",
    response_mode: str,
    consent_text: str,
    privacy_text: str,
    waves: Sequence[WavePlan],
    created_by: "_User | None",
    course: "Course | None" = None,
    session: "Session | None" = None,
) -> EvaluationPlan:
    """A plan for ``course`` (all its sessions) or for one ``session``, with its waves."""
    errors = _plan_errors(partnership, course, session, response_mode, consent_text, privacy_text)
    errors.update(_wave_errors(partnership, waves))
    if errors:
        raise EvaluationError("The evaluation plan has problems to fix.", errors=errors)
    with transaction.atomic():
        existing = EvaluationPlan.objects.for_partnership(partnership)
        existing = existing.filter(session=session) if session else existing.filter(course=course)
        if existing.exists():
            raise EvaluationError(f"{session or course} already has an evaluation plan.")
        try:
            with transaction.atomic():
                plan = EvaluationPlan.objects.create(
                    partnership=partnership,
                    course=course,
                    session=session,
                    response_mode=response_mode,
                    consent_text=consent_text.strip(),
                    privacy_text=privacy_text.strip(),
                    created_by=created_by,
                )
        except IntegrityError:
            raise EvaluationError(f"{session or course} already has an evaluation plan.") from None
        Wave.objects.bulk_create(
            Wave(
                plan=plan,
                kind=wave.kind,
                weeks_after_end=wave.weeks_after_end,
                instrument_version=wave.instrument_version,
                line_manager_version=wave.line_manager_version,
            )
            for wave in waves
        )
    return plan


def _plan_errors(
    partnership: "Partnership",
    course: "Course | None",
    session: "Session | None",
    response_mode: str,
    consent_text: str,
    privacy_text: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if (course is None) == (session is None):
        errors["plan"] = "attach the plan to a course or to one session."
    elif session is not None and session.partnership_id != partnership.pk:
        errors["session"] = "is not one of the partnership's sessions."
    elif course is not None and course.local_to_id not in (None, partnership.pk):
        errors["course"] = "is another partnership's course."
    if response_mode not in ResponseMode.values:
        errors["response_mode"] = f"choose one of {', '.join(ResponseMode.values)}."
    for name, text in (("consent_text", consent_text), ("privacy_text", privacy_text)):
        problem = control_character_problem(text or "", multiline=True)
        if not (text or "").strip():
            problem = "is required: respondents read it before they answer."
        elif len(text) > TEXT_LENGTH:
            problem = f"must be at most {TEXT_LENGTH:,} characters."
        if problem:
            errors[name] = problem
    return errors


def _wave_errors(partnership: "Partnership", waves: Sequence[WavePlan]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not waves:
        return {"waves": "a plan needs at least one wave."}
    seen: set[tuple[str, int | None]] = set()
    for wave in waves:
        name = f"waves.{wave.kind}" + (f"_{wave.weeks_after_end}" if wave.weeks_after_end else "")
        if wave.kind not in WaveKind.values:
            errors[name] = f"choose one of {', '.join(WaveKind.values)}."
            continue
        if (wave.kind, wave.weeks_after_end) in seen:
            errors[name] = "is asked for twice."
        seen.add((wave.kind, wave.weeks_after_end))
        follow_up = wave.kind == WaveKind.FOLLOW_UP
        weeks = wave.weeks_after_end
        if follow_up and not (
            isinstance(weeks, int) and FOLLOW_UP_WEEKS.minimum <= weeks <= FOLLOW_UP_WEEKS.maximum
        ):
            errors[name] = (
                f"a follow-up comes {FOLLOW_UP_WEEKS.minimum} to {FOLLOW_UP_WEEKS.maximum} "
                "weeks after the end of the course."
            )
        elif not follow_up and weeks is not None:
            errors[name] = "only a follow-up has weeks after the end."
        elif not follow_up and wave.line_manager_version is not None:
            errors[name] = "only a follow-up asks the line manager."
        for version in (wave.instrument_version, wave.line_manager_version):
            if version is not None and version.partnership_id != partnership.pk:
                errors[name] = "asks an instrument of another partnership."
    return errors


def set_wave_version(
    *,
    wave: Wave,
    instrument_version: InstrumentVersion,
    line_manager_version: InstrumentVersion | None = None,
) -> Wave:
    """Ask ``instrument_version`` from now on; responses already made keep the version they had."""
    if instrument_version.partnership_id != wave.plan.partnership_id or (
        line_manager_version is not None
        and line_manager_version.partnership_id != wave.plan.partnership_id
    ):
        raise EvaluationError("Choose one of the partnership's own instruments.")
    if line_manager_version is not None and wave.kind != WaveKind.FOLLOW_UP:
        raise EvaluationError("Only a follow-up asks the line manager.")
    wave.instrument_version = instrument_version
    wave.line_manager_version = line_manager_version
    wave.save(update_fields=["instrument_version", "line_manager_version"])
    return wave


def issue_response_code(
    *, plan: EvaluationPlan, booking: "Booking", issued_by: "_User | None"
) -> ResponseCode:
    """The booking's response code for ``plan``, made the first time it is asked for."""
    if not plan.links_waves:
        raise EvaluationError("An anonymous evaluation gives no response codes.")
    if booking.partnership_id != plan.partnership_id or not (
        booking.session_id == plan.session_id
        if plan.session_id
        else booking.session.course_id == plan.course_id
    ):
        raise EvaluationError("That booking is not on a session this plan evaluates.")
    codes = ResponseCode.objects.for_partnership(plan.partnership)
    with transaction.atomic():
        existing = codes.filter(plan=plan, booking=booking).first()
        if existing is not None:
            return existing
        for _attempt in range(10):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with transaction.atomic():
                    issued = ResponseCode.objects.create(
                        partnership=plan.partnership, plan=plan, code=code, booking=booking
                    )
                break
            except IntegrityError:
                existing = codes.filter(plan=plan, booking=booking).first()
                if existing is not None:
                    return existing
        else:  # pragma: no cover - 25^8 codes: ten clashes in a row do not happen
            raise EvaluationError("No free response code was found; try again.")
        record_event(
            actor=issued_by,
            action=AuditEvent.Action.CREATED,
            subject=issued,
            partnership=plan.partnership,
            changes={"plan": plan.pk, "booking": booking.pk},
        )
    return issued


def normalise_code(text: str) -> str:
    """A code as typed or read from paper: spaces and hyphens dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")
