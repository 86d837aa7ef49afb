"""E-learning completions from a file: uploaded and previewed, then applied when confirmed.

The upload keeps the file and its counts; nothing is recorded. Applying checks
the file again (people and courses may have changed since the preview) and
records every good row in one transaction, audited; rows with problems and
completions already recorded are left alone, so applying a file twice, or
importing the same completions again, records nothing twice.
"""

import hashlib
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event, record_events
from interagency.core.errors import ServiceError
from interagency.people.importing.reading import ImportFileError, read_table
from interagency.records.completions import ColumnsMissing, Plan, check_table
from interagency.records.models import RecordImport, TrainingRecord
from interagency.records.services.recording import audit_changes, new_record
from interagency.tenancy.models import Partnership


def plan_of(record_import: RecordImport, *, today: date) -> Plan:
    """What applying the kept file would do today."""
    table = read_table(bytes(record_import.content), record_import.file_name)
    return check_table(record_import.partnership, table, today=today)


def upload_completions(
    *, partnership: Partnership, content: bytes, file_name: str, uploaded_by: Any, today: date
) -> RecordImport:
    """Keep the file for its preview; a file that cannot be read, or lacks a column the
    import needs, is refused saying why."""
    try:
        table = read_table(content, file_name)
        plan = check_table(partnership, table, today=today)
    except (ImportFileError, ColumnsMissing) as error:
        raise ServiceError(str(error), field="file", code="unreadable") from None
    return RecordImport.objects.create(
        partnership=partnership,
        file_name=file_name[-255:],
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=uploaded_by,
        rows_total=plan.rows_total,
        created=len(plan.new),
        already_recorded=len(plan.already),
        rejected=len({problem.number for problem in plan.problems}),
    )


def apply_completions(*, record_import: RecordImport, applied_by: Any, today: date) -> int:
    """Record the file's good rows, once; returns how many records were made."""
    with transaction.atomic():
        locked = (
            RecordImport.objects.for_partnership(record_import.partnership)
            .select_for_update()
            .get(pk=record_import.pk)
        )
        if locked.status == RecordImport.Status.APPLIED:
            raise ServiceError("This file has already been applied.", code="applied")
        plan = plan_of(locked, today=today)
        records = [
            new_record(
                person=row.person,
                course=row.course,
                completed_on=row.completed_on,
                hours=row.hours,
                source=TrainingRecord.Source.ELEARNING,
                inter_agency=row.inter_agency,
                recorded_by=applied_by,
                record_import=locked,
            )
            for row in plan.new
        ]
        _insert(records)
        record_events(
            actor=applied_by,
            action=AuditEvent.Action.CREATED,
            changes=[(record, audit_changes(record)) for record in records],
            partnership=locked.partnership,
        )
        locked.status = RecordImport.Status.APPLIED
        locked.applied_at = timezone.now()
        locked.created = len(records)
        locked.already_recorded = len(plan.already)
        locked.rejected = len({problem.number for problem in plan.problems})
        locked.save(
            update_fields=["status", "applied_at", "created", "already_recorded", "rejected"]
        )
        record_event(
            actor=applied_by,
            action=AuditEvent.Action.CHANGED,
            subject=locked,
            partnership=locked.partnership,
            changes={
                "status": "applied",
                "file_sha256": locked.file_sha256,
                "created": locked.created,
                "already_recorded": locked.already_recorded,
                "rejected": locked.rejected,
            },
        )
    record_import.status, record_import.created = locked.status, locked.created
    return len(records)


def _insert(records: list[TrainingRecord]) -> None:
    try:
        with transaction.atomic():
            TrainingRecord.objects.bulk_create(records)
    except IntegrityError:
        # Another file recorded one of these completions since this one was checked.
        raise ServiceError(
            "Another import recorded some of these completions just now; nothing from this "
            "file was recorded. Confirm again to record the rest.",
            code="conflict",
        ) from None
