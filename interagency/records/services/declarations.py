"""Training done elsewhere: a learner declares it with evidence; it is approved or rejected.

Declaring tells whoever decides it, and deciding tells the learner, by email
(``declaration_notices``, queued in the same transaction). Declaring refuses a
course dated in the future, evidence that is not a PDF, an
image or an office document below the size limit, and a completion already
recorded or already declared and awaiting approval. Approving writes the
``external`` training record in the same transaction; every step is audited.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.core.validation import HOURS
from interagency.people.models import Person
from interagency.records.declaration_notices import queue_decided, queue_declared
from interagency.records.evidence import checked_evidence, evidence_problem
from interagency.records.models import Declaration, TrainingRecord
from interagency.records.services.recording import audit_changes, new_record

ALREADY_RECORDED = "This course is already in your training record for that day."
ALREADY_DECLARED = "You have already declared this course for that day; it awaits approval."


def declare_training(
    *,
    person: Person,
    course: Any,
    completed_on: date,
    hours: Decimal,
    provider: str,
    inter_agency: bool,
    evidence_name: str,
    evidence_content: bytes,
    declared_by: Any,
    today: date,
) -> Declaration:
    """The person's declaration, awaiting approval; refused naming each field at fault."""
    problems: list[tuple[str | None, str]] = []
    if completed_on > today:
        problems.append(("completed_on", "The date you completed it must be today or in the past."))
    if not HOURS.minimum < hours <= HOURS.maximum:
        problems.append(("hours", f"Hours must be more than 0 and at most {HOURS.maximum}."))
    if not provider.strip():
        problems.append(("provider", "Enter who ran the training."))
    if problem := evidence_problem(evidence_name, evidence_content):
        problems.append(("evidence", problem))
    if problems:
        raise ServiceError.of_problems(problems)
    evidence = checked_evidence(evidence_name, evidence_content)
    try:
        with transaction.atomic():
            _refuse_duplicates(person, course, completed_on)
            declaration = Declaration(
                partnership_id=person.partnership_id,
                person=person,
                course=course,
                completed_on=completed_on,
                hours=hours,
                provider=provider.strip(),
                inter_agency=inter_agency,
                evidence_name=evidence.name,
                evidence_type=evidence.content_type,
                declared_by=declared_by,
            )
            declaration.evidence.save(evidence.name, ContentFile(evidence.content), save=False)
            try:
                _insert(declaration, person, declared_by)
                queue_declared(declaration)
            except BaseException:
                # Nothing half-stored: no row, so no file either.
                declaration.evidence.delete(save=False)
                raise
    except IntegrityError:
        # Declared at the same moment from another tab: the one-pending constraint held.
        raise ServiceError(ALREADY_DECLARED, field="course", code="duplicate") from None
    return declaration


def _insert(declaration: Declaration, person: Person, declared_by: Any) -> None:
    declaration.save(force_insert=True)
    record_event(
        actor=declared_by,
        action=AuditEvent.Action.CREATED,
        subject=declaration,
        partnership=declaration.partnership,
        changes={
            "person": person.pk,
            "course": declaration.course_id,
            "completed_on": declaration.completed_on.isoformat(),
            "hours": str(declaration.hours),
            "evidence": declaration.evidence_name,
        },
    )


def _refuse_duplicates(person: Person, course: Any, completed_on: date) -> None:
    same = {"person": person, "course": course, "completed_on": completed_on}
    if TrainingRecord.objects.for_partnership(person.partnership_id).filter(**same).exists():
        raise ServiceError(ALREADY_RECORDED, field="course", code="duplicate")
    pending = Declaration.objects.for_partnership(person.partnership_id).filter(
        status=Declaration.Status.PENDING, **same
    )
    if pending.exists():
        raise ServiceError(ALREADY_DECLARED, field="course", code="duplicate")


def _locked_pending(declaration: Declaration) -> Declaration:
    locked = (
        Declaration.objects.for_partnership(declaration.partnership_id)
        .select_for_update()
        .select_related("person", "course")
        .get(pk=declaration.pk)
    )
    if locked.status != Declaration.Status.PENDING:
        raise ServiceError(
            f"This declaration has already been {locked.get_status_display().lower()}.",
            code="decided",
        )
    return locked


def approve_declaration(*, declaration: Declaration, approved_by: Any) -> TrainingRecord:
    """Approve it: the person's training record gains the course, from elsewhere."""
    with transaction.atomic():
        locked = _locked_pending(declaration)
        same = {"person": locked.person, "course": locked.course}
        recorded = TrainingRecord.objects.for_partnership(locked.partnership_id).filter(
            completed_on=locked.completed_on, **same
        )
        if recorded.exists():
            raise ServiceError(
                "This course is already in the person's training record for that day; "
                "reject the declaration instead.",
                code="duplicate",
            )
        _decide(locked, Declaration.Status.APPROVED, approved_by, note="")
        record = new_record(
            person=locked.person,
            course=locked.course,
            completed_on=locked.completed_on,
            hours=locked.hours,
            source=TrainingRecord.Source.EXTERNAL,
            inter_agency=locked.inter_agency,
            recorded_by=approved_by,
            declaration=locked,
            provenance=f"Declared: {locked.provider}"[:300],
        )
        record.save(force_insert=True)
        record_event(
            actor=approved_by,
            action=AuditEvent.Action.CREATED,
            subject=record,
            partnership=record.partnership,
            changes={**audit_changes(record), "declaration": locked.pk},
        )
        queue_decided(locked)
    declaration.status = locked.status
    return record


def reject_declaration(*, declaration: Declaration, rejected_by: Any, reason: str) -> None:
    """Reject it, saying why (the person reads the reason)."""
    if not reason.strip():
        raise ServiceError("Enter why you are rejecting this declaration.", field="reason")
    with transaction.atomic():
        locked = _locked_pending(declaration)
        _decide(locked, Declaration.Status.REJECTED, rejected_by, note=reason.strip())
        queue_decided(locked)
    declaration.status = locked.status


def _decide(declaration: Declaration, status: str, decided_by: Any, *, note: str) -> None:
    declaration.status = status
    declaration.decided_by = decided_by
    declaration.decided_at = timezone.now()
    declaration.decision_note = note
    declaration.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor=decided_by,
        action=AuditEvent.Action.CHANGED,
        subject=declaration,
        partnership=declaration.partnership,
        changes={"status": status, "decision_note": note},
    )
