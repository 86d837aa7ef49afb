"""The mix of a session: which agencies and sectors hold its places, and what to act on.

Worked out in Python from bookings already read (one session's page), or from
one query over a page of sessions' bookings (the coordinator's list), so a
page costs the same few queries whatever the number of bookings.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from interagency.delivery.models import PLACE_HOLDING_STATUSES, Booking, Session
from interagency.people.models import Sector
from interagency.tenancy.models import Partnership

# Within this long of the start, fewer bookings than the minimum is a warning.
AT_RISK_WINDOW = datetime.timedelta(days=7)
# One sector holding more than this share of the booked places is a warning.
SECTOR_DOMINANCE = 0.5


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: int


@dataclass
class Mix:
    """Who holds the places: agencies and sectors with counts and shares of the booked places."""

    total: int
    agencies: list[Share] = field(default_factory=list)
    sectors: list[Share] = field(default_factory=list)

    @property
    def largest_agency(self) -> Share | None:
        return self.agencies[0] if self.agencies else None

    @property
    def largest_sector(self) -> Share | None:
        return self.sectors[0] if self.sectors else None


def _shares(counter: Counter, total: int) -> list[Share]:
    return [
        Share(label, count, round(100 * count / total))
        for label, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    ]


def session_mix(bookings: Iterable[Booking]) -> Mix:
    """The multi-agency mix of the bookings that hold a place."""
    holding = [b for b in bookings if b.status in PLACE_HOLDING_STATUSES]
    total = len(holding)
    if not total:
        return Mix(total=0)
    agencies = Counter(b.agency.name for b in holding)
    sectors = Counter(Sector(b.agency.sector).label for b in holding)
    return Mix(total=total, agencies=_shares(agencies, total), sectors=_shares(sectors, total))


def session_warnings(
    session: Session, mix: Mix, *, now: datetime.datetime | None = None
) -> list[str]:
    """What the coordinator should act on: too few bookings soon, or a room of one agency."""
    now = now or timezone.now()
    warnings: list[str] = []
    if session.status != Session.Status.SCHEDULED:
        return warnings
    if (
        session.starts_at is not None
        and now <= session.starts_at <= now + AT_RISK_WINDOW
        and mix.total < session.minimum_numbers
    ):
        warnings.append(
            f"Only {mix.total} of the minimum {session.minimum_numbers} places are booked "
            "and the session starts within a week."
        )
    largest_sector = mix.largest_sector
    if largest_sector and mix.total > 1 and largest_sector.count > session.capacity / 2:
        warnings.append(
            f"{largest_sector.label} holds {largest_sector.count} of the {session.capacity} "
            "places: more than half of the room is one sector."
        )
    share = session.max_agency_share
    if share:
        limit = session.capacity * share / 100
        for agency in mix.agencies:
            if agency.count > limit:
                warnings.append(
                    f"{agency.label} holds {agency.count} places, more than its "
                    f"{share}% share of the {session.capacity} places."
                )
    return warnings


def list_warnings(
    partnership: Partnership,
    sessions: Sequence[Session],
    *,
    now: datetime.datetime | None = None,
) -> dict[int, list[str]]:
    """Warnings for a page of sessions, in one query over their bookings."""
    if not sessions:
        return {}
    rows = (
        Booking.objects.for_partnership(partnership)
        .filter(session__in=[s.pk for s in sessions], status__in=PLACE_HOLDING_STATUSES)
        .values_list("session_id", "agency__name", "agency__sector")
        # Counted, not listed: the default ordering would join every row's session to sort.
        .order_by()
    )
    agencies: dict[int, Counter] = {s.pk: Counter() for s in sessions}
    sectors: dict[int, Counter] = {s.pk: Counter() for s in sessions}
    for session_id, agency_name, sector in rows:
        agencies[session_id][agency_name] += 1
        sectors[session_id][Sector(sector).label] += 1
    result = {}
    for session in sessions:
        total = sum(agencies[session.pk].values())
        mix = Mix(
            total=total,
            agencies=_shares(agencies[session.pk], total) if total else [],
            sectors=_shares(sectors[session.pk], total) if total else [],
        )
        result[session.pk] = session_warnings(session, mix, now=now)
    return result
