"""The trainer's post-course summary of a session, written and rewritten."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.validation import control_character_problem
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.models import SUMMARY_LENGTH, TrainerSummary

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.delivery.models import Session


def write_trainer_summary(
    *, session: "Session", went_well: str, to_change: str, written_by: "_User"
) -> TrainerSummary:
    """Save the summary of ``session`` (replacing an earlier one); audited with what changed."""
    texts = {"went_well": (went_well or "").strip(), "to_change": (to_change or "").strip()}
    errors: dict[str, str] = {}
    for name, text in texts.items():
        problem = control_character_problem(text, multiline=True)
        if problem is None and len(text) > SUMMARY_LENGTH:
            problem = f"must be at most {SUMMARY_LENGTH:,} characters."
        if problem:
            errors[name] = problem
    if not texts["went_well"] and "went_well" not in errors:
        errors["went_well"] = "Say what went well."
    if session.starts_at is None or timezone.now() < session.starts_at:
        errors["session"] = "The summary is written once the session has run."
    if errors:
        raise EvaluationError("The summary has problems to fix.", errors=errors)
    with transaction.atomic():
        summary = (
            TrainerSummary.objects.for_partnership(session.partnership)
            .select_for_update()
            .filter(session=session)
            .first()
        )
        created = summary is None
        if summary is None:
            summary = TrainerSummary(partnership=session.partnership, session=session)
        changes = {name: text for name, text in texts.items() if getattr(summary, name, "") != text}
        for name, text in texts.items():
            setattr(summary, name, text)
        summary.written_by = written_by
        summary.updated_at = timezone.now()
        summary.save()
        if created or changes:
            record_event(
                actor=written_by,
                action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
                subject=summary,
                partnership=session.partnership,
                changes={"session": session.pk, "fields": sorted(changes)},
            )
    return summary
