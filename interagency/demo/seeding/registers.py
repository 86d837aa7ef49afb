"""Closed registers of seeded sessions: attendance, training records, certificates, charges.

What the register's close would have made, from each booking's planned
outcome, inserted in bulk (:func:`.bulk.insert_rows`).
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interagency.delivery.models import (
    Attendance,
    AttendanceOutcome,
    Certificate,
    Charge,
    ChargeKind,
    Session,
    SessionPart,
)
from interagency.demo.seeding.bulk import insert_rows
from interagency.demo.seeding.delivery_plans import (
    BookingPlan,
    SessionPlan,
    certificate_number,
    hours,
)
from interagency.records.models import TrainingRecord
from interagency.tenancy.models import Partnership

Row = dict[str, Any]


@dataclass
class RegisterWriter:
    """Collects the rows of the registers closed for the planned outcomes, then inserts them."""

    partnership: Partnership
    coordinator: Any
    rng: random.Random
    now: datetime.datetime
    parts_of: dict[int, list[SessionPart]]
    # A whole session's hours and last day, worked out once per session.
    whole: dict[int, tuple[Decimal, datetime.date]] = field(default_factory=dict)
    attendances: list[Row] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    certificates: list[Row] = field(default_factory=list)
    charges: list[Row] = field(default_factory=list)
    partly_parts: list[tuple[int, list[SessionPart]]] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)

    def add_sessions(self, sessions: Sequence[Session], plans: Sequence[SessionPlan]) -> None:
        for session, plan in zip(sessions, plans, strict=True):
            last_day = timezone.localtime(plan.parts[-1][0]).date()
            self.whole[session.pk] = (hours(plan.parts), last_day)

    def add(
        self, booking: Row, session: Session, plan: SessionPlan, entry: BookingPlan, booking_id: int
    ) -> None:
        """The register's rows for one booking with an outcome."""
        recorder = plan.trainer or self.coordinator
        self.attendances.append(
            {
                "booking_id": booking_id,
                "outcome": entry.outcome,
                "arrived_late": entry.arrived_late,
                "late_minutes": self.rng.choice((5, 10, 15, 20)) if entry.arrived_late else None,
                "recorded_by_id": recorder.pk,
            }
        )
        closed_at = session.register_closed_at or self.now
        if entry.outcome == AttendanceOutcome.PARTLY:
            attended = self.parts_of[session.pk][: max(1, entry.parts_attended)]
            self.partly_parts.append((booking_id, attended))
            spent = hours([(p.starts_at, p.ends_at) for p in attended])
            last_day = timezone.localtime(attended[-1].starts_at).date()
        else:
            spent, last_day = self.whole[session.pk]
        if entry.outcome in (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY):
            self.records.append(
                {
                    "partnership_id": self.partnership.pk,
                    "person_id": booking["person_id"],
                    "course_id": plan.course.pk,
                    "completed_on": last_day,
                    "hours": spent,
                    "source": TrainingRecord.Source.SESSION,
                    "booking_id": booking_id,
                    "partly_completed": entry.outcome == AttendanceOutcome.PARTLY,
                    "recorded_by_id": session.register_closed_by_id,
                    "created_at": closed_at,
                }
            )
        if entry.outcome == AttendanceOutcome.ATTENDED:
            self.add_certificate(plan, entry, booking_id, last_day, spent, closed_at)
        if entry.outcome == AttendanceOutcome.NO_SHOW and session.no_show_charge > 0:
            self.charges.append(
                {
                    "partnership_id": self.partnership.pk,
                    "booking_id": booking_id,
                    "agency_id": booking["agency_id"],
                    "kind": ChargeKind.NO_SHOW.value,
                    "amount": session.no_show_charge,
                    "created_at": closed_at,
                }
            )

    def add_certificate(
        self,
        plan: SessionPlan,
        entry: BookingPlan,
        booking_id: int,
        attended_on: datetime.date,
        spent: Decimal,
        issued_at: datetime.datetime,
    ) -> None:
        """The certificate of a full attendance, with a number no other has."""
        printed = certificate_number(self.rng)
        while printed in self.numbers:
            printed = certificate_number(self.rng)
        self.numbers.add(printed)
        course = plan.course
        self.certificates.append(
            {
                "partnership_id": self.partnership.pk,
                "number": printed,
                "booking_id": booking_id,
                "person_name": entry.person[2],
                "course_title": course.shown_title,
                "tier_name": course.tier.name,
                "attended_on": attended_on,
                "hours": spent,
                "outcomes": [str(outcome) for outcome in course.outcomes or []],
                "partnership_name": self.partnership.name,
                "issued_at": issued_at,
                "revoked_at": None,
            }
        )

    def write(self) -> None:
        """Insert every row collected, the parts attended of partly attended bookings too."""
        now = self.now
        insert_rows(Attendance, self.attendances, now=now)
        if self.partly_parts:
            attendance_ids = dict(
                Attendance.objects.filter(
                    booking_id__in=[booking_id for booking_id, _ in self.partly_parts]
                ).values_list("booking_id", "pk")
            )
            insert_rows(
                Attendance.parts_attended.through,
                [
                    {"attendance_id": attendance_ids[booking_id], "sessionpart_id": part.pk}
                    for booking_id, attended in self.partly_parts
                    for part in attended
                ],
                now=now,
            )
        insert_rows(TrainingRecord, self.records, now=now)
        insert_rows(Certificate, self.certificates, now=now)
        insert_rows(Charge, self.charges, now=now)
