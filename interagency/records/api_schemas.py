"""What the records API reads and sends: a person's training records and declarations."""

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from interagency.core.validation import FreeText, Hours, Id, OneLine
from interagency.records.models import Declaration, TrainingRecord


class RecordSource(StrEnum):
    """``TrainingRecord.Source`` under a name of its own in the API's document."""

    SESSION = TrainingRecord.Source.SESSION.value
    EXTERNAL = TrainingRecord.Source.EXTERNAL.value
    ELEARNING = TrainingRecord.Source.ELEARNING.value
    MOVED = TrainingRecord.Source.MOVED.value


class DeclarationStatus(StrEnum):
    """``Declaration.Status`` under a name of its own in the API's document."""

    PENDING = Declaration.Status.PENDING.value
    APPROVED = Declaration.Status.APPROVED.value
    REJECTED = Declaration.Status.REJECTED.value


class TrainingRecordOut(Schema):
    id: int
    course_id: int
    course_title: str
    completed_on: datetime.date
    hours: Decimal
    source: RecordSource = Field(
        description="session, elearning, external (declared and approved) or moved."
    )
    framework_id: int | None = Field(description="The framework version it counts under.")
    framework_version: str | None
    tier: str | None = Field(description="The tier's name, as recorded.")
    level: int | None
    inter_agency: bool = Field(description="Inter-agency (true) or single-agency training.")
    partly_completed: bool
    moved_from: str | None = Field(description="The code of the partnership it came from.")
    provenance: str

    @staticmethod
    def resolve_course_title(obj: Any) -> str:
        return str(obj.course)

    @staticmethod
    def resolve_framework_version(obj: Any) -> str | None:
        return obj.framework.version if obj.framework_id else None

    @staticmethod
    def resolve_tier(obj: Any) -> str | None:
        return obj.tier.name if obj.tier_id else None

    @staticmethod
    def resolve_moved_from(obj: Any) -> str | None:
        return obj.moved_from.code if obj.moved_from_id else None


class EvidenceIn(Schema):
    name: OneLine = Field(
        max_length=150, description="The file's name, whose extension says its kind."
    )
    content_base64: str = Field(description="The file, base64-encoded.")


class DeclarationIn(Schema):
    course: Id = Field(description="A course of the partnership's catalogue.")
    completed_on: datetime.date
    hours: Hours
    provider: OneLine = Field(max_length=200, description="Who ran the training, and where.")
    inter_agency: bool = False
    evidence: EvidenceIn


class DeclarationFilters(Schema):
    status: DeclarationStatus | None = None


class RejectIn(Schema):
    reason: FreeText = Field("", max_length=1000)


class DeclarationOut(Schema):
    id: int
    person_id: int
    person_name: str
    course_id: int | None = Field(
        description="The catalogue course declared; for training described in words, the one "
        "it was approved as counting for (null while pending, or when it counts for none)."
    )
    course_title: str | None
    external_title: str = Field(description="The training's name, when not a catalogue course.")
    completed_on: datetime.date
    hours: Decimal
    provider: str
    inter_agency: bool
    status: DeclarationStatus
    evidence_name: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_course_title(obj: Any) -> str | None:
        return str(obj.course) if obj.course_id else None
