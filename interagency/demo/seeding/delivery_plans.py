"""What the seeder plans before it writes sessions: their parts, places and bookings.

A plan says what happened to each booking (attended, partly, absent, no show,
cancelled, waiting); :mod:`.delivery_writing` turns plans into rows.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from interagency.delivery.models import Venue
from interagency.delivery.models.attendance import CERTIFICATE_ALPHABET

Period = tuple[datetime.datetime, datetime.datetime]


@dataclass
class BookingPlan:
    person: tuple[int, int, str]  # (person id, agency id, full name)
    status: str
    booked_at: datetime.datetime
    outcome: str = ""
    parts_attended: int = 0  # for partly: how many of the first parts
    arrived_late: bool = False
    late_cancellation: bool = False


@dataclass
class SessionPlan:
    course: Any
    parts: list[Period]
    capacity: int
    status: str
    venue: Venue | None
    trainer: Any = None  # a User, or None for a commissioned provider
    no_show_charge: Decimal = Decimal("0.00")
    max_agency_share: int | None = None
    bookings: list[BookingPlan] = field(default_factory=list)


@dataclass(frozen=True)
class DeliveryCounts:
    sessions: int = 0
    bookings: int = 0
    certificates: int = 0
    skipped: bool = False


def london_time(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """Wall-clock time in London on ``day`` (right across the clock changes)."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


def weekday(day: datetime.date) -> datetime.date:
    """``day``, or the Monday after it when it falls at a weekend."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def session_parts(kind: str, day: datetime.date) -> list[Period]:
    """The dated parts of one session shape starting on ``day``."""
    at = london_time
    week = datetime.timedelta(days=7)
    if kind == "morning":
        return [(at(day, 9, 30), at(day, 12, 30))]
    if kind == "afternoon":
        return [(at(day, 13, 30), at(day, 16, 30))]
    if kind == "two_days":
        return [(at(d, 9, 30), at(d, 16, 30)) for d in (day, day + week)]
    if kind == "twilight":
        return [(at(d, 16), at(d, 18)) for d in (day, day + week, day + 2 * week)]
    return [(at(day, 9, 30), at(day, 16, 30))]


def hours(parts: Sequence[Period]) -> Decimal:
    """The hours of ``parts`` together, to a tenth."""
    seconds = sum((end - start).total_seconds() for start, end in parts)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


def certificate_number(rng: random.Random) -> str:
    """A certificate number in the shape the register's close gives them."""
    return "-".join("".join(rng.choices(CERTIFICATE_ALPHABET, k=4)) for _ in range(3))
