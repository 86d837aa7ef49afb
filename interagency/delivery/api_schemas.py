"""What the delivery API reads and sends: its request and response schemas.

Responses name ids and a few fields of related rows (course, tier, venue,
person, agency) so a client needs no second call; a session's joining link
shows only when the endpoint released it (``link_released``). Requests take
ids, which ``api.py`` resolves within the caller's partnership.
"""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from interagency.core.validation import (
    CAPACITY,
    MINUTES,
    PERCENT,
    PLACES,
    FreeText,
    Id,
    Money,
    OneLine,
    bounded_int,
)
from interagency.delivery.models import (
    AttendanceOutcome,
    Booking,
    BookingStatus,
    Session,
    SessionFormat,
)
from interagency.people.models import Sector


class TierRef(Schema):
    id: int
    code: str
    name: str


class CourseRef(Schema):
    id: int
    title: str = Field(description="The partnership's local title, or the framework's.")
    tier: TierRef


class VenueOut(Schema):
    id: int
    name: str
    address: str
    postcode: str
    access_information: str
    parking: str
    refreshments: str


class PartOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    hours: float


class TrainerOut(Schema):
    name: str
    provider_name: str
    user_id: int | None


class SectorHoldOut(Schema):
    sector: Sector
    places: int
    until: datetime.datetime


class HostRef(Schema):
    code: str
    name: str


class SessionOut(Schema):
    id: int
    course: CourseRef
    host: HostRef = Field(
        description="The partnership that runs it: yours, or another of your region that "
        "opened places to it."
    )
    status: Session.Status
    format: SessionFormat
    venue: VenueOut | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    capacity: int
    places_taken: int = Field(description="Confirmed places and open offers.")
    places_left: int
    minimum_numbers: int
    waiting_count: int = Field(description="People on the waiting list.")
    awaiting_count: int = Field(description="Bookings awaiting a manager's approval.")
    booking_opens_at: datetime.datetime | None
    booking_closes_at: datetime.datetime | None
    cancellation_cutoff: datetime.datetime | None
    max_agency_share: int | None
    regional_places: int
    no_show_charge: Decimal
    notes: str
    cancellation_reason: str
    regional_left: int | None = Field(
        None,
        description="On another partnership's session: the places your partnership's people "
        "may still take; null on your own.",
    )

    @staticmethod
    def resolve_course(obj: Any) -> dict:  # a Session with its course_title
        return {"id": obj.course_id, "title": obj.course_title, "tier": obj.course.tier}

    @staticmethod
    def resolve_host(obj: Session) -> Any:
        return obj.partnership


class SessionDetailOut(SessionOut):
    parts: list[PartOut]
    trainers: list[TrainerOut]
    sector_holds: list[SectorHoldOut]
    joining_link: str | None = Field(
        description="For coordinators and people with a confirmed place only; else null."
    )
    joining_instructions: str | None

    @staticmethod
    def resolve_parts(obj: Session) -> list:
        return list(obj.parts.all())

    @staticmethod
    def resolve_trainers(obj: Session) -> list:
        return list(obj.trainers.all())

    @staticmethod
    def resolve_sector_holds(obj: Session) -> list:
        return list(obj.sector_holds.all())

    @staticmethod
    def resolve_joining_link(obj: Session) -> str | None:
        return obj.joining_link if getattr(obj, "link_released", False) else None

    @staticmethod
    def resolve_joining_instructions(obj: Session) -> str | None:
        return obj.joining_instructions if getattr(obj, "link_released", False) else None


class SessionFilters(Schema):
    course: Id | None = Field(None, description="Only sessions of this course.")
    tier: Id | None = Field(None, description="Only sessions of courses of this tier.")
    starts_from: datetime.date | None = Field(
        None, alias="from", description="Starting on or after this day (London)."
    )
    starts_to: datetime.date | None = Field(
        None, alias="to", description="Starting on or before this day (London)."
    )
    format: SessionFormat | None = None
    status: Session.Status | None = Field(
        None, description="Without from or status, only sessions that have not ended."
    )
    regional: bool = Field(
        False,
        description="Also the sessions not yet started that other partnerships of your region "
        "opened places on (see host and regional_left).",
    )


class PartIn(Schema):
    starts_at: datetime.datetime = Field(description="Without an offset: London time.")
    ends_at: datetime.datetime


class TrainerIn(Schema):
    user: Id | None = Field(None, description="Id of a member holding the trainer role.")
    name: OneLine = Field("", max_length=150)
    provider_name: OneLine = Field("", max_length=200)


class SectorHoldIn(Schema):
    sector: Sector
    places: bounded_int(CAPACITY)  # type: ignore[valid-type]
    until: datetime.datetime


class SessionPatch(Schema):
    """Only the fields sent change."""

    course: Id | None = Field(None, description="Id of a course of the catalogue.")
    parts: list[PartIn] | None = Field(None, max_length=100)
    format: SessionFormat | None = None
    venue: Id | None = Field(None, description="Id of a venue of the partnership.")
    joining_link: OneLine | None = Field(None, max_length=200)
    joining_instructions: FreeText | None = Field(None, max_length=10_000)
    capacity: bounded_int(CAPACITY) | None = None  # type: ignore[valid-type]
    minimum_numbers: bounded_int(PLACES) | None = None  # type: ignore[valid-type]
    booking_opens_at: datetime.datetime | None = None
    booking_closes_at: datetime.datetime | None = None
    cancellation_cutoff: datetime.datetime | None = None
    max_agency_share: bounded_int(PERCENT) | None = None  # type: ignore[valid-type]
    regional_places: bounded_int(PLACES) | None = None  # type: ignore[valid-type]
    no_show_charge: Money | None = None
    notes: FreeText | None = Field(None, max_length=10_000)
    trainers: list[TrainerIn] | None = Field(None, max_length=50)
    sector_holds: list[SectorHoldIn] | None = Field(None, max_length=50)


class SessionIn(SessionPatch):
    course: Id = Field(description="Id of a course of the partnership's catalogue.")
    parts: list[PartIn] = Field(description="One or more dated parts.", max_length=100)
    capacity: bounded_int(CAPACITY)  # type: ignore[valid-type]


class CancelSessionIn(Schema):
    reason: FreeText = Field(description="Told to everyone booked.", max_length=10_000)
    alternatives: list[Id] = Field(
        default_factory=list, description="Ids of other scheduled sessions of the same course."
    )


class PersonRef(Schema):
    id: int
    full_name: str


class AgencyRef(Schema):
    id: int
    name: str


class BookingOut(Schema):
    id: int
    session_id: int
    person: PersonRef
    agency: AgencyRef = Field(description="The person's agency when they booked.")
    status: BookingStatus
    is_regional: bool = Field(description="A person of another partnership of the region.")
    booked_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    waiting_since: datetime.datetime | None
    waiting_position: int | None = Field(
        description="1 for the first in line; null if not waiting."
    )
    offered_at: datetime.datetime | None
    offer_expires_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    is_late_cancellation: bool
    reason: str = Field(description="Why it was refused or cancelled, when given.")

    @staticmethod
    def resolve_waiting_position(obj: Any) -> int | None:  # a Booking with people_ahead
        if obj.status != BookingStatus.WAITING:
            return None
        return obj.people_ahead + 1


class BookingFilters(Schema):
    session: Id | None = Field(None, description="Only bookings on this session.")
    person: Id | None = Field(None, description="Only bookings of this person.")
    status: BookingStatus | None = None


class BookingIn(Schema):
    session: Id = Field(description="Id of a session of the partnership (or of the region).")
    person: Id | None = Field(
        None, description="Id of the person to book; leave out to book yourself."
    )


class BulkBookingIn(Schema):
    session: Id
    people: list[Id] = Field(min_length=1, max_length=200)


class BulkResultOut(Schema):
    person: PersonRef
    booking: BookingOut | None = None
    error: str | None = Field(None, description="Why this person was not booked.")


class ReasonIn(Schema):
    reason: FreeText = Field("", max_length=300)


class RegisterLineOut(Schema):
    booking_id: int
    person: PersonRef
    agency: AgencyRef
    outcome: AttendanceOutcome | None = Field(description="Null until recorded.")
    parts_attended: list[int] = Field(description="Ids of the parts a partial attendee was at.")
    arrived_late: bool
    late_minutes: int | None

    @staticmethod
    def _attendance(obj: Booking) -> Any:
        return getattr(obj, "attendance", None)

    @staticmethod
    def resolve_booking_id(obj: Booking) -> int:
        return obj.pk

    @staticmethod
    def resolve_outcome(obj: Booking) -> str | None:
        attendance = RegisterLineOut._attendance(obj)
        return attendance.outcome if attendance else None

    @staticmethod
    def resolve_parts_attended(obj: Booking) -> list[int]:
        attendance = RegisterLineOut._attendance(obj)
        return sorted(p.pk for p in attendance.parts_attended.all()) if attendance else []

    @staticmethod
    def resolve_arrived_late(obj: Booking) -> bool:
        attendance = RegisterLineOut._attendance(obj)
        return bool(attendance and attendance.arrived_late)

    @staticmethod
    def resolve_late_minutes(obj: Booking) -> int | None:
        attendance = RegisterLineOut._attendance(obj)
        return attendance.late_minutes if attendance else None


class RegisterOut(Schema):
    session_id: int
    status: Session.Status
    register_closed_at: datetime.datetime | None
    parts: list[PartOut]
    lines: list[RegisterLineOut] = Field(description="The confirmed bookings, by name.")


class RegisterEntryIn(Schema):
    booking: Id = Field(description="Id of a confirmed booking on the register.")
    outcome: AttendanceOutcome
    parts_attended: list[Id] = Field(
        default_factory=list, description="For partly attended: ids of the parts they were at."
    )
    arrived_late: bool = False
    late_minutes: bounded_int(MINUTES) | None = None  # type: ignore[valid-type]


class RegisterIn(Schema):
    entries: list[RegisterEntryIn] = Field(min_length=1, max_length=1_000)


class CertificateOut(Schema):
    number: str
    person_name: str
    course_title: str
    tier_name: str
    attended_on: datetime.date
    hours: Decimal
    outcomes: list[str] = Field(description="The learning outcomes printed on it.")
    partnership_name: str = Field(description="Who issued it.")
