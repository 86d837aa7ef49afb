"""What a unit of training cost: per session, participant, participant-day and attended place.

Over the sessions of a financial year that have costs entered and were not
cancelled, grouped by course or tier. A session's full cost is its actual
money (a part not known counts nothing) plus the days given in kind, valued
when entered (decision 0031). Three aggregate queries whatever the number of
sessions: the costs by group, the attendance by group and the participants of all (an attended place
is a booking marked attended or partly attended; a participant is a person,
counted once however many of the group's sessions they attended; a
participant-day is an attended place times the session's days).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from interagency.delivery.models import Attendance, AttendanceOutcome, Session
from interagency.finance.models import COST_PARTS, SessionCost
from interagency.finance.selectors import ZERO, pennies, year_bounds
from interagency.tenancy.models import Partnership


class GroupBy(StrEnum):
    COURSE = "course"
    TIER = "tier"
    PROVIDER = "provider"
    AGENCY = "agency"

    @property
    def label(self) -> str:
        return {
            "course": "Course",
            "tier": "Tier",
            "provider": "Provider",
            "agency": "Participants' agency",
        }[self.value]


# Each grouping's key and label, from a session.
GROUPS: dict[GroupBy, tuple[str, str]] = {
    GroupBy.COURSE: ("course_id", "course__title"),
    GroupBy.TIER: ("course__tier_id", "course__tier__name"),
}
ATTENDED = (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)


@dataclass
class UnitCosts:
    key: int | str | None
    label: str
    sessions: int = 0
    cost: Decimal = ZERO
    places: int = 0
    participants: int = 0
    participant_days: int = 0

    @property
    def per_session(self) -> Decimal | None:
        return per(self.cost, self.sessions)

    @property
    def per_participant(self) -> Decimal | None:
        return per(self.cost, self.participants)

    @property
    def per_participant_day(self) -> Decimal | None:
        return per(self.cost, self.participant_days)

    @property
    def per_place(self) -> Decimal | None:
        return per(self.cost, self.places)


def per(cost: Decimal, count: int) -> Decimal | None:
    """``cost`` shared over ``count``, to the penny; None when there is nothing to share over."""
    if not count:
        return None
    return (cost / count).quantize(Decimal("0.01"), ROUND_HALF_UP)


def full_cost(prefix: str = "") -> Any:
    """A session cost's actual money plus its days in kind, blanks counting nothing."""
    total: Any = Value(ZERO)
    for part, _, _ in COST_PARTS:
        total = total + Coalesce(f"{prefix}{part}_actual", Value(ZERO))
    return total + Coalesce(f"{prefix}in_kind_value", Value(ZERO))


def unit_costs(partnership: Partnership, year: int, by: GroupBy) -> list[UnitCosts]:
    """The year's unit costs by ``by``, then one row for all (``key`` None, "All sessions")."""
    if by == GroupBy.AGENCY:
        from interagency.finance.unit_costs_shared import unit_costs_by_agency

        return unit_costs_by_agency(partnership, year)
    if by == GroupBy.PROVIDER:
        from interagency.finance.unit_costs_shared import unit_costs_by_provider

        return unit_costs_by_provider(partnership, year)
    return _grouped(partnership, year, *GROUPS[by])


def _grouped(partnership: Partnership, year: int, key: Any, label: Any) -> list[UnitCosts]:
    """Unit costs grouped by a session's ``key`` (a field path or expression) and ``label``."""
    start, end = year_bounds(year)
    key, label = _session_path(key), _session_path(label)
    in_year = Q(session__starts_at__gte=start, session__starts_at__lt=end) & ~Q(
        session__status=Session.Status.CANCELLED
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    costs = (
        SessionCost.objects.for_partnership(partnership)
        .filter(in_year)
        .values(k=key("session__"), name=label("session__"))
        .annotate(sessions=Count("session_id"), cost=Sum(full_cost(), output_field=money))
        .order_by("name", "k")
    )
    rows = {
        row["k"]: UnitCosts(row["k"], row["name"], row["sessions"], pennies(row["cost"]))
        for row in costs
    }
    attended = (
        Attendance.objects.filter(
            booking__partnership=partnership,
            booking__session__cost__isnull=False,
            booking__session__starts_at__gte=start,
            booking__session__starts_at__lt=end,
            outcome__in=ATTENDED,
        )
        .exclude(booking__session__status=Session.Status.CANCELLED)
        .order_by()
    )
    attendance = attended.values(k=key("booking__session__")).annotate(
        places=Count("id", distinct=True),
        participants=Count("booking__person_id", distinct=True),
        participant_days=Count("booking__session__parts"),
    )
    for row in attendance:
        found = rows.get(row["k"])
        if found is not None:
            found.places = row["places"]
            found.participants = row["participants"]
            found.participant_days = row["participant_days"]
    grouped = list(rows.values())
    # A person who attended sessions of two groups is one participant of all sessions.
    everyone = attended.aggregate(n=Count("booking__person_id", distinct=True))["n"]
    return [*grouped, _all_sessions(grouped, participants=everyone)]


def _session_path(found: Any) -> Any:
    """A grouping from a session, as a function of the path that reaches the session."""
    if isinstance(found, str):
        return lambda to_session: F(f"{to_session}{found}")
    return found


def _all_sessions(rows: list[UnitCosts], *, participants: int) -> UnitCosts:
    """Every group together."""
    total = UnitCosts(None, "All sessions", participants=participants)
    for row in rows:
        total.sessions += row.sessions
        total.cost += row.cost
        total.places += row.places
        total.participant_days += row.participant_days
    return total
