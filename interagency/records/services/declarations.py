"""Training done elsewhere: a learner declares it with evidence; it is approved or rejected.

Declaring tells whoever decides it, and deciding tells the learner, by email
(``declaration_notices``, queued in the same transaction). Declaring refuses a
course dated in the future, evidence that is not a PDF, an
image or an office document below the size limit, and a completion already
recorded or already declared and awaiting approval. Approving writes the
``external`` training record in the same transaction; every step is audited.

Training described in words (not a catalogue course) is approved as counting for
the catalogue course whoever decides it chooses, which the record then carries so
compliance counts it, or as counting for none (no record). A coordinator may save
that choice as an equivalence of the training's name, suggested for later
declarations of it.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.catalogue.models import Course
from interagency.catalogue.selectors import catalogue_courses
from interagency.catalogue.services.equivalences import add_external_equivalence
from interagency.core.errors import Problem, ServiceError
from interagency.core.validation import HOURS
from interagency.people.models import Person
from interagency.records.declaration_notices import queue_decided, queue_declared
from interagency.records.evidence import checked_evidence, evidence_problem
from interagency.records.models import Declaration, TrainingRecord
from interagency.records.selectors.declarations import suggested_course
from interagency.records.services.recording import audit_changes, new_record

ALREADY_RECORDED = "This course is already in your training record for that day."
ALREADY_DECLARED = "You have already declared this course for that day; it awaits approval."
NO_TRAINING_NAMED = "Choose the course you completed, or say what the training was called."
BOTH_NAMED = "Choose a course from the list or say what the training was called, not both."
EXTERNAL_TITLE_MAX = 200
CHOOSE_COUNTS_AS = "Choose the course this training counts as, or say that it counts for no course."


def declare_training(
    *,
    person: Person,
    course: Any,
    external_title: str = "",
    completed_on: date,
    hours: Decimal,
    provider: str,
    inter_agency: bool,
    evidence_name: str,
    evidence_content: bytes,
    declared_by: Any,
    today: date,
) -> Declaration:
    """The person's declaration of a catalogue ``course``, or of training described in words
    (``external_title``, course None), awaiting approval; refused naming each field at fault."""
    external_title = " ".join(external_title.split())
    problems = [
        *_naming_problems(course, external_title),
        *_completion_problems(completed_on, hours, provider, today),
    ]
    if problem := evidence_problem(evidence_name, evidence_content):
        problems.append(("evidence", problem))
    if problems:
        raise ServiceError.of_problems(problems)
    evidence = checked_evidence(evidence_name, evidence_content)
    try:
        with transaction.atomic():
            _refuse_duplicates(person, course, external_title, completed_on)
            declaration = Declaration(
                partnership_id=person.partnership_id,
                person=person,
                course=course,
                external_title=external_title,
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


def _naming_problems(course: Any, external_title: str) -> list[Problem]:
    """A catalogue course or the training's name, one of the two."""
    if course is None and not external_title:
        return [("course", NO_TRAINING_NAMED)]
    if course is not None and external_title:
        return [("external_title", BOTH_NAMED)]
    if len(external_title) > EXTERNAL_TITLE_MAX:
        too_long = f"The training's name must be {EXTERNAL_TITLE_MAX} characters or fewer."
        return [("external_title", too_long)]
    return []


def _completion_problems(
    completed_on: date, hours: Decimal, provider: str, today: date
) -> list[Problem]:
    problems: list[Problem] = []
    if completed_on > today:
        problems.append(("completed_on", "The date you completed it must be today or in the past."))
    if not HOURS.minimum < hours <= HOURS.maximum:
        problems.append(("hours", f"Hours must be more than 0 and at most {HOURS.maximum}."))
    if not provider.strip():
        problems.append(("provider", "Enter who ran the training."))
    return problems


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
            "external_title": declaration.external_title,
            "completed_on": declaration.completed_on.isoformat(),
            "hours": str(declaration.hours),
            "evidence": declaration.evidence_name,
        },
    )


def _refuse_duplicates(
    person: Person, course: Any, external_title: str, completed_on: date
) -> None:
    same: dict[str, Any] = {"person": person, "completed_on": completed_on}
    if course is not None:
        same["course"] = course
        if TrainingRecord.objects.for_partnership(person.partnership_id).filter(**same).exists():
            raise ServiceError(ALREADY_RECORDED, field="course", code="duplicate")
    else:
        same["external_title__iexact"] = external_title
    pending = Declaration.objects.for_partnership(person.partnership_id).filter(
        status=Declaration.Status.PENDING, **same
    )
    if pending.exists():
        raise ServiceError(ALREADY_DECLARED, field="course", code="duplicate")


def _locked_pending(declaration: Declaration) -> Declaration:
    locked = (
        Declaration.objects.for_partnership(declaration.partnership_id)
        # The declaration's row alone: its course may be empty (an outer join PostgreSQL
        # will not lock), and the person and course need no lock.
        .select_for_update(of=("self",))
        .select_related("person", "course")
        .get(pk=declaration.pk)
    )
    if locked.status != Declaration.Status.PENDING:
        raise ServiceError(
            f"This declaration has already been {locked.get_status_display().lower()}.",
            code="decided",
        )
    return locked


def approve_declaration(
    *,
    declaration: Declaration,
    approved_by: Any,
    counts_as: Course | None = None,
    counts_for_none: bool = False,
    save_equivalence: bool = False,
) -> TrainingRecord | None:
    """Approve it: the person's training record gains the course, from elsewhere.

    Training described in words needs ``counts_as`` (a course of the partnership's
    catalogue; the record carries it) or ``counts_for_none`` (approved, no record).
    ``save_equivalence`` (the caller checks the approver may change the catalogue) saves
    ``counts_as`` as what the training's name counts for. None when no record is written.
    """
    with transaction.atomic():
        locked = _locked_pending(declaration)
        course = locked.course
        if locked.is_described:
            course = _counts_as(locked, counts_as, counts_for_none)
            if course is None:
                _decide(locked, Declaration.Status.APPROVED, approved_by, note="")
                queue_decided(locked)
                declaration.status = locked.status
                return None
            locked.course = course
            locked.save(update_fields=["course"])
            if save_equivalence:
                _save_equivalence(locked, course, approved_by)
        if course is None:  # a catalogue course's declaration always names it
            raise ServiceError(CHOOSE_COUNTS_AS, field="counts_as")
        _refuse_recorded(locked)
        _decide(locked, Declaration.Status.APPROVED, approved_by, note="")
        record = new_record(
            person=locked.person,
            course=course,
            completed_on=locked.completed_on,
            hours=locked.hours,
            source=TrainingRecord.Source.EXTERNAL,
            inter_agency=locked.inter_agency,
            recorded_by=approved_by,
            declaration=locked,
            provenance=_provenance(locked),
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
    declaration.status, declaration.course = locked.status, locked.course
    return record


def _counts_as(
    locked: Declaration, counts_as: Course | None, counts_for_none: bool
) -> Course | None:
    """The catalogue course described training is approved as; None: it counts for none."""
    if (counts_as is None) == (not counts_for_none):
        raise ServiceError(CHOOSE_COUNTS_AS, field="counts_as")
    if counts_as is None:
        return None
    shown = catalogue_courses(locked.partnership, include_hidden=True)
    if not shown.filter(pk=counts_as.pk).exists():
        raise ServiceError("Choose a course of the partnership's catalogue.", field="counts_as")
    return counts_as


def _save_equivalence(locked: Declaration, course: Course, saved_by: Any) -> None:
    if suggested_course(locked.partnership, locked.external_title) == course:
        return  # saved already: the suggestion came from it
    equivalence = add_external_equivalence(
        partnership=locked.partnership, external_training=locked.external_title, counts_for=course
    )
    record_event(
        actor=saved_by,
        action=AuditEvent.Action.CREATED,
        subject=equivalence,
        partnership=locked.partnership,
        changes={
            "external_training": equivalence.external_training,
            "counts_for": course.pk,
            "declaration": locked.pk,
        },
    )


def _refuse_recorded(locked: Declaration) -> None:
    recorded = TrainingRecord.objects.for_partnership(locked.partnership_id).filter(
        person=locked.person, course=locked.course, completed_on=locked.completed_on
    )
    if recorded.exists():
        raise ServiceError(
            "This course is already in the person's training record for that day; "
            "reject the declaration instead.",
            code="duplicate",
        )


def _provenance(declaration: Declaration) -> str:
    if declaration.is_described:
        return f"Declared: {declaration.external_title}, {declaration.provider}"[:300]
    return f"Declared: {declaration.provider}"[:300]


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
    changes: dict[str, Any] = {"status": status, "decision_note": note}
    if declaration.is_described and status == Declaration.Status.APPROVED:
        changes["counts_as"] = declaration.course_id  # None: it counts for no course
    record_event(
        actor=decided_by,
        action=AuditEvent.Action.CHANGED,
        subject=declaration,
        partnership=declaration.partnership,
        changes=changes,
    )
