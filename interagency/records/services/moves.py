"""A person's records moved to another partnership: a share code, then the receiving side.

The person makes a share code (shown once; only its digest is kept, and it lasts
:data:`SHARE_DAYS` days). The receiving partnership's coordinator enters the
person's work email and the code; the person's records are copied into the
receiving partnership for its person with that work email, as ``moved`` records
naming the partnership they came from, in one transaction, audited in both
partnerships. A completion the receiving partnership already holds is not copied
again, and a code is used once. Certificates stay with the session that issued
them and remain verifiable by their number.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event, record_events
from interagency.core.errors import ServiceError
from interagency.people.models import Person
from interagency.records.models import RecordShare, TrainingRecord
from interagency.records.services.recording import audit_changes
from interagency.tenancy.models import Partnership

SHARE_DAYS = 30
# No 0/O, 1/I/L: read aloud or copied from paper without doubt.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
NOT_FOUND = (
    "No records are shared under that work email and code. Check both, and that the code "
    "has not expired or been used."
)


def normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def digest_of(code: str) -> str:
    return hashlib.sha256(normalised(code).encode()).hexdigest()


def create_share(*, person: Person, created_by: Any, now: datetime) -> tuple[RecordShare, str]:
    """A new share code for the person (earlier unused ones stop working); the code is
    returned once and never stored."""
    code = "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))
    with transaction.atomic():
        RecordShare.objects.for_partnership(person.partnership_id).filter(
            person=person, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        share = RecordShare.objects.create(
            partnership_id=person.partnership_id,
            person=person,
            code_digest=digest_of(code),
            created_by=created_by,
            expires_at=now + timedelta(days=SHARE_DAYS),
        )
        record_event(
            actor=created_by,
            action=AuditEvent.Action.CREATED,
            subject=share,
            partnership=share.partnership,
            changes={"person": person.pk, "expires_at": share.expires_at.isoformat()},
        )
    return share, code


@dataclass
class Moving:
    """What taking the records in would do: whose they are, for whom, and the records."""

    share: RecordShare
    into: Person
    records: list[TrainingRecord]
    already: int


def find_moving(*, into: Partnership, email: str, code: str, now: datetime) -> Moving:
    """The records shared under ``email`` and ``code``, for ``into``'s person with that
    work email; refused in words when there are none to take."""
    # cross-partnership: the person's code with their work email is the credential
    share = (
        RecordShare.objects.select_related("person", "partnership")
        .filter(code_digest=digest_of(code), used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if share is None or share.person.work_email.lower() != email.strip().lower():
        raise ServiceError(NOT_FOUND, field="code", code="not_found")
    if share.partnership_id == into.pk:
        raise ServiceError("These records are already this partnership's.", field="code")
    people = list(
        Person.objects.for_partnership(into).filter(
            work_email__iexact=email.strip(), merged_into__isnull=True
        )[:2]
    )
    if len(people) != 1:
        raise ServiceError(
            f"Add {email.strip()} to this partnership's people first (one person with that work "
            "email), then take their records in."
            if not people
            else f"{len(people)} people here have the work email {email.strip()}: merge them.",
            field="email",
        )
    # cross-partnership: the shared person's own records, which the code opens
    records = list(
        TrainingRecord.objects.filter(partnership_id=share.partnership_id, person=share.person)
        .select_related("course", "tier", "framework")
        .order_by("-completed_on", "-id")
    )
    held = set(
        TrainingRecord.objects.for_partnership(into)
        .filter(person=people[0])
        .values_list("course_id", "completed_on")
    )
    fresh = [r for r in records if (r.course_id, r.completed_on) not in held]
    return Moving(share, people[0], fresh, len(records) - len(fresh))


def move_records(
    *, into: Partnership, email: str, code: str, moved_by: Any, now: datetime
) -> list[TrainingRecord]:
    """Copy the shared records into ``into``, once, with where they came from."""
    with transaction.atomic():
        moving = find_moving(into=into, email=email, code=code, now=now)
        # cross-partnership: lock the share the code opened, so it is used once
        share = RecordShare.objects.select_for_update().get(pk=moving.share.pk)
        if share.used_at is not None:
            raise ServiceError(NOT_FOUND, field="code", code="not_found")
        origin = moving.share.partnership
        copies = [_copy(record, moving.into, origin, moved_by) for record in moving.records]
        TrainingRecord.objects.bulk_create(copies)
        record_events(
            actor=moved_by,
            action=AuditEvent.Action.CREATED,
            changes=[(copy, {**audit_changes(copy), "moved_from": origin.code}) for copy in copies],
            partnership=into,
        )
        share.used_at, share.used_by = now, into
        share.save(update_fields=["used_at", "used_by"])
        record_event(
            actor=moved_by,
            action=AuditEvent.Action.CHANGED,
            subject=share,
            partnership=origin,
            changes={"used_by": into.code, "records": len(copies)},
        )
    return copies


def _copy(
    record: TrainingRecord, person: Person, origin: Partnership, moved_by: Any
) -> TrainingRecord:
    return TrainingRecord(
        partnership_id=person.partnership_id,
        person=person,
        course=record.course,
        completed_on=record.completed_on,
        hours=record.hours,
        source=TrainingRecord.Source.MOVED,
        framework_id=record.framework_id or record.course.framework_id,
        tier_id=record.tier_id or record.course.tier_id,
        level=record.level if record.framework_id else record.course.level,
        inter_agency=record.inter_agency,
        partly_completed=record.partly_completed,
        moved_from=origin,
        provenance=f"Moved from {origin.name} ({record.get_source_display().lower()})"[:300],
        recorded_by=moved_by,
    )
