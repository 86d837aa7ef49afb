"""The one way a training record is built: what it counts under comes from its course."""

from datetime import date
from decimal import Decimal
from typing import Any

from interagency.catalogue.models import Course
from interagency.people.models import Person
from interagency.records.models import TrainingRecord


def new_record(
    *,
    person: Person,
    course: Course,
    completed_on: date,
    hours: Decimal,
    source: TrainingRecord.Source,
    inter_agency: bool,
    recorded_by: Any,
    **extra: Any,
) -> TrainingRecord:
    """An unsaved record in the person's partnership, counting under the course's framework
    version, tier and level as they stand today."""
    return TrainingRecord(
        partnership_id=person.partnership_id,
        person=person,
        course=course,
        completed_on=completed_on,
        hours=hours,
        source=source,
        framework_id=course.framework_id,
        tier_id=course.tier_id,
        level=course.level,
        inter_agency=inter_agency,
        recorded_by=recorded_by,
        **extra,
    )


def audit_changes(record: TrainingRecord) -> dict[str, Any]:
    """What a new record's audit event keeps."""
    return {
        "course": record.course_id,
        "completed_on": record.completed_on.isoformat(),
        "hours": str(record.hours),
        "source": record.source,
        "inter_agency": record.inter_agency,
    }
