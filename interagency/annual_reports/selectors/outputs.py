"""What the partnership delivered in a financial year: sessions, days, places and who came.

A session counts in the year it starts (London time, as finance and the
official statistics count it). Delivered sessions are those not cancelled; a
training day is one dated part of a delivered session; the fill rate is the
confirmed places over the places offered; an attendance is a register line
marked attended or partly attended, a no-show one marked "did not attend".
Three queries whatever the number of sessions or agencies; ``year_totals`` gives several
years' totals in three queries too.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from interagency.delivery.models import AttendanceOutcome, Booking, BookingStatus, Session
from interagency.delivery.selectors.sessions import sessions_of
from interagency.finance.selectors import year_bounds
from interagency.tenancy.models import Partnership

ATTENDED = (AttendanceOutcome.ATTENDED, AttendanceOutcome.PARTLY)
CANCELLED = Session.Status.CANCELLED


@dataclass(frozen=True)
class AgencyOutputs:
    """One agency's places on the year's delivered sessions."""

    name: str
    confirmed: int
    attendances: int
    no_shows: int


@dataclass(frozen=True)
class Outputs:
    year: int
    sessions: int
    training_days: int
    places: int
    confirmed: int
    attendances: int
    no_shows: int
    cancelled_sessions: int
    by_agency: tuple[AgencyOutputs, ...]

    @property
    def fill_percent(self) -> int | None:
        """Confirmed places as a whole percentage of places offered; None with none offered."""
        return round(100 * self.confirmed / self.places) if self.places else None


def outputs(partnership: Partnership, year: int) -> Outputs:
    """The year's sessions, days, places, attendances, cancellations and no-shows by agency."""
    start, end = year_bounds(year)
    in_year = sessions_of(partnership).filter(starts_at__gte=start, starts_at__lt=end)
    delivered = ~Q(status=CANCELLED)
    totals = in_year.aggregate(
        sessions=Count("id", filter=delivered),
        places=Coalesce(Sum("capacity", filter=delivered), 0),
        cancelled=Count("id", filter=Q(status=CANCELLED)),
    )
    days = in_year.exclude(status=CANCELLED).aggregate(days=Count("parts"))["days"]
    by_agency = tuple(
        AgencyOutputs(
            name=row["agency__name"],
            confirmed=row["confirmed"],
            attendances=row["attendances"],
            no_shows=row["no_shows"],
        )
        for row in Booking.objects.for_partnership(partnership)
        .filter(session__in=in_year.exclude(status=CANCELLED))
        .values("agency_id", "agency__name")
        .annotate(
            confirmed=Count("id", filter=Q(status=BookingStatus.CONFIRMED)),
            attendances=Count("id", filter=Q(attendance__outcome__in=ATTENDED)),
            no_shows=Count("id", filter=Q(attendance__outcome=AttendanceOutcome.NO_SHOW)),
        )
        .order_by("agency__name", "agency_id")
    )
    return Outputs(
        year=year,
        sessions=totals["sessions"],
        training_days=days,
        places=totals["places"],
        confirmed=sum(row.confirmed for row in by_agency),
        attendances=sum(row.attendances for row in by_agency),
        no_shows=sum(row.no_shows for row in by_agency),
        cancelled_sessions=totals["cancelled"],
        by_agency=tuple(
            row for row in by_agency if row.confirmed or row.attendances or row.no_shows
        ),
    )


def year_totals(partnership: Partnership, years: tuple[int, ...]) -> dict[int, Outputs]:
    """``outputs`` of each of ``years`` without the agencies' rows, for the board's start page:
    three queries for all the years, the bookings read once."""
    bounds = {year: year_bounds(year) for year in years}

    def in_year(year: int, prefix: str = "") -> Q:
        start, end = bounds[year]
        return Q(**{f"{prefix}starts_at__gte": start, f"{prefix}starts_at__lt": end})

    sessions = sessions_of(partnership).filter(
        starts_at__gte=min(start for start, _ in bounds.values()),
        starts_at__lt=max(end for _, end in bounds.values()),
    )
    delivered = ~Q(status=CANCELLED)
    counted: dict[str, Any] = {}
    for year in years:
        counted[f"sessions_{year}"] = Count("id", filter=delivered & in_year(year))
        counted[f"places_{year}"] = Coalesce(Sum("capacity", filter=delivered & in_year(year)), 0)
        counted[f"cancelled_{year}"] = Count("id", filter=Q(status=CANCELLED) & in_year(year))
    totals = sessions.aggregate(**counted)
    days = sessions.exclude(status=CANCELLED).aggregate(
        **{f"days_{year}": Count("parts", filter=in_year(year)) for year in years}
    )
    places: dict[str, Any] = {}
    for year in years:
        of_year = in_year(year, "session__")
        places[f"confirmed_{year}"] = Count(
            "id", filter=Q(status=BookingStatus.CONFIRMED) & of_year
        )
        places[f"attendances_{year}"] = Count(
            "id", filter=Q(attendance__outcome__in=ATTENDED) & of_year
        )
        places[f"no_shows_{year}"] = Count(
            "id", filter=Q(attendance__outcome=AttendanceOutcome.NO_SHOW) & of_year
        )
    booked = (
        Booking.objects.for_partnership(partnership)
        .filter(session__in=sessions.exclude(status=CANCELLED))
        .aggregate(**places)
    )
    return {
        year: Outputs(
            year=year,
            sessions=totals[f"sessions_{year}"],
            training_days=days[f"days_{year}"],
            places=totals[f"places_{year}"],
            confirmed=booked[f"confirmed_{year}"],
            attendances=booked[f"attendances_{year}"],
            no_shows=booked[f"no_shows_{year}"],
            cancelled_sessions=totals[f"cancelled_{year}"],
            by_agency=(),
        )
        for year in years
    }
