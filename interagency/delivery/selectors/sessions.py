"""Reads for the coordinator's session pages: lists, one session with its bookings, the mix.

Every read starts from ``for_partnership``; one session's page costs the same
few queries whatever the number of bookings (the mix and warnings are worked
out in Python from the one bookings query).
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from interagency.core.permissions import Role
from interagency.delivery.models import (
    LIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    Booking,
    BookingStatus,
    DeliverySettings,
    SectorHold,
    Session,
    SessionPart,
    SessionTrainer,
    Venue,
)
from interagency.people.models import Sector
from interagency.tenancy.models import Membership, Partnership

# Within this long of the start, fewer bookings than the minimum is a warning.
AT_RISK_WINDOW = datetime.timedelta(days=7)
# One sector holding more than this share of the booked places is a warning.
SECTOR_DOMINANCE = 0.5


def sessions_of(partnership: Partnership) -> QuerySet[Session]:
    return Session.objects.for_partnership(partnership)


def bookings_counted(status: str) -> Coalesce:
    """How many of a session's bookings have ``status``: a subquery on the (session, status)
    index, so a page of sessions never joins the whole bookings table (PostgreSQL would
    read every booking of the region to group them)."""
    counted = (
        # cross-partnership: correlated on the session, which the outer query scoped.
        Booking.objects.filter(session_id=OuterRef("pk"), status=status)
        .order_by()  # the default ordering would join the session again
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def session_list(
    partnership: Partnership,
    *,
    course_id: int | None = None,
    tier_id: int | None = None,
    starts_from: datetime.date | None = None,
    starts_to: datetime.date | None = None,
    status: str = "",
    upcoming_only: bool = True,
) -> QuerySet[Session]:
    """Sessions for the coordinator's table, with course, venue and the waiting count."""
    sessions = (
        sessions_of(partnership)
        .select_related("course", "course__tier", "venue")
        .annotate(
            waiting_count=bookings_counted(BookingStatus.WAITING),
            awaiting_count=bookings_counted(BookingStatus.AWAITING_APPROVAL),
        )
        .order_by("starts_at", "id")
    )
    if course_id is not None:
        sessions = sessions.filter(course_id=course_id)
    if tier_id is not None:
        sessions = sessions.filter(course__tier_id=tier_id)
    london = timezone.get_default_timezone()
    if starts_from is not None:
        sessions = sessions.filter(
            starts_at__gte=datetime.datetime.combine(starts_from, datetime.time(), tzinfo=london)
        )
    elif upcoming_only and not status:
        sessions = sessions.filter(ends_at__gte=timezone.now())
    if starts_to is not None:
        sessions = sessions.filter(
            starts_at__lt=datetime.datetime.combine(
                starts_to + datetime.timedelta(days=1), datetime.time(), tzinfo=london
            )
        )
    if status:
        sessions = sessions.filter(status=status)
    return sessions


def session_in(partnership: Partnership, pk: int) -> Session:
    """One session of the partnership with its course and venue; DoesNotExist if not."""
    return sessions_of(partnership).select_related("course", "course__tier", "venue").get(pk=pk)


def with_arrangements(session: Session) -> Session:
    """``session`` with its parts, trainers and sector holds read (three queries), for the
    pages that show or change them all."""
    prefetch_related_objects(
        [session],
        Prefetch("parts", queryset=SessionPart.objects.order_by("order", "starts_at")),
        Prefetch("trainers", queryset=SessionTrainer.objects.select_related("user")),
        Prefetch("sector_holds", queryset=SectorHold.objects.order_by("sector")),
    )
    return session


def session_bookings(session: Session) -> list[Booking]:
    """Every booking of the session (any status) with person and agency, in booking order."""
    return list(
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session)
        .select_related("person", "agency")
        .order_by("booked_at", "id")
    )


def live_booking_count(session: Session) -> int:
    """How many people are booked, waiting or awaiting approval: those a cancellation reaches."""
    return (
        Booking.objects.for_partnership(session.partnership)
        .filter(session=session, status__in=LIVE_STATUSES)
        .count()
    )


def waiting_in_order(bookings: Iterable[Booking]) -> list[Booking]:
    """The waiting list, first in line first (joined earliest, then booked first)."""
    waiting = [b for b in bookings if b.status == BookingStatus.WAITING]
    return sorted(waiting, key=lambda b: (b.waiting_since, b.pk))


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


def alternative_sessions(session: Session) -> QuerySet[Session]:
    """Other scheduled, future sessions of the same course, to offer when one is cancelled."""
    return (
        sessions_of(session.partnership)
        .filter(
            status=Session.Status.SCHEDULED,
            course_id=session.course_id,
            starts_at__gt=timezone.now(),
        )
        .exclude(pk=session.pk)
        .select_related("venue")
        .order_by("starts_at")
    )


def venues_of(partnership: Partnership) -> QuerySet[Venue]:
    return Venue.objects.for_partnership(partnership).order_by("name")


def venue_in(partnership: Partnership, pk: int) -> Venue:
    return venues_of(partnership).get(pk=pk)


def trainer_members(partnership: Partnership) -> list[Any]:
    """Accounts holding the trainer role in the partnership, by name."""
    memberships = (
        Membership.objects.for_partnership(partnership)
        .filter(role=Role.TRAINER)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [membership.user for membership in memberships]


def delivery_settings_of(partnership: Partnership) -> DeliverySettings:
    """The partnership's delivery settings, or the defaults (unsaved) when none were saved."""
    found = DeliverySettings.objects.for_partnership(partnership).first()
    return found or DeliverySettings(partnership=partnership)
