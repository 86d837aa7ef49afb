"""Change a plan once attached: its texts, its response mode while unanswered, its waves' versions.

Responses keep the version they answered, so pointing a wave at another
version changes only what later respondents answer. The response mode
decides what a respondent was promised about their identity, so it changes
only while nobody has answered.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.validation import control_character_problem
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import EvaluationPlan, InstrumentVersion, Response
from interagency.evaluation.services.plans import TEXT_LENGTH, set_wave_version

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


WaveVersions = Mapping[int, tuple[InstrumentVersion, InstrumentVersion | None]]


def change_plan(
    *,
    plan: EvaluationPlan,
    response_mode: str,
    consent_text: str,
    privacy_text: str,
    wave_versions: WaveVersions,
    changed_by: "_User",
) -> EvaluationPlan:
    """Save the plan's new texts, mode and the version each wave (by id) asks; audited."""
    errors = _text_errors({"consent_text": consent_text, "privacy_text": privacy_text})
    waves = {wave.pk: wave for wave in plan.waves.all()}
    if set(wave_versions) - set(waves):
        errors["waves"] = "name only this plan's waves."
    if errors:
        raise EvaluationError("The evaluation plan has problems to fix.", errors=errors)
    changes: dict[str, object] = {}
    with transaction.atomic():
        if response_mode != plan.response_mode:
            answered = Response.objects.for_partnership(plan.partnership).filter(wave__plan=plan)
            if answered.exists():
                message = (
                    "How answers are kept cannot change once people have answered: they were "
                    "told how their answers would be kept."
                )
                raise EvaluationError(message, errors={"response_mode": message})
            changes["response_mode"] = response_mode
        for name, text in (("consent_text", consent_text), ("privacy_text", privacy_text)):
            if getattr(plan, name) != text.strip():
                changes[name] = "changed"
        plan.response_mode = response_mode
        plan.consent_text = consent_text.strip()
        plan.privacy_text = privacy_text.strip()
        plan.save(update_fields=["response_mode", "consent_text", "privacy_text"])
        for wave_id, (version, line_manager) in wave_versions.items():
            wave = waves[wave_id]
            if (wave.instrument_version_id, wave.line_manager_version_id) == (
                version.pk,
                line_manager.pk if line_manager else None,
            ):
                continue
            set_wave_version(
                wave=wave, instrument_version=version, line_manager_version=line_manager
            )
            changes[f"wave {wave.key}"] = str(version)
        if changes:
            record_event(
                actor=changed_by,
                action=AuditEvent.Action.CHANGED,
                subject=plan,
                partnership=plan.partnership,
                changes=changes,
            )
    return plan


def _text_errors(texts: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    for name, text in texts.items():
        problem = control_character_problem(text or "", multiline=True)
        if not (text or "").strip():
            problem = "is required: respondents read it before they answer."
        elif len(text) > TEXT_LENGTH:
            problem = f"must be at most {TEXT_LENGTH:,} characters."
        if problem:
            errors[name] = problem
    return errors
