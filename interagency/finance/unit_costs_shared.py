"""Unit costs by provider, by participants' agency, and over the years.

By provider: a session's provider is its first trainer's organisation (the
``provider_name`` of the trainer listed first), "Delivered in-house" when no
trainer names one. By agency: each session's full cost is shared equally over
its attended places, and each place's share counts to its booking's agency; a
session nobody attended shares nothing. Each grouping is a fixed number of
aggregate queries whatever the number of sessions; the trend is three a year.
"""

from typing import Any

from django.db.models import Count, F, FloatField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf

from interagency.delivery.models import Attendance, Session, SessionTrainer
from interagency.finance.selectors import pennies, year_bounds
from interagency.finance.unit_costs import ATTENDED, GroupBy, UnitCosts, full_cost, unit_costs
from interagency.tenancy.models import Partnership

IN_HOUSE = "Delivered in-house"
TREND_YEARS = 5


def _provider(to_session: str) -> Any:
    """The provider of the session at ``to_session`` ("session__" from a cost row,
    "booking__session__" from a place): its first trainer's organisation."""
    first = SessionTrainer.objects.filter(session=OuterRef(to_session.rstrip("_"))).order_by("id")
    name = Subquery(first.values("provider_name")[:1])
    return Coalesce(NullIf(name, Value("")), Value(IN_HOUSE))


def unit_costs_by_provider(partnership: Partnership, year: int) -> list[UnitCosts]:
    """The year's unit costs by the sessions' providers, then all sessions."""
    from interagency.finance.unit_costs import _grouped

    return _grouped(partnership, year, _provider, _provider)


def _attended(partnership: Partnership, year: int) -> Any:
    start, end = year_bounds(year)
    return (
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


def _shares(partnership: Partnership, year: int) -> Any:
    """Each attended place with its share of its session's full cost."""
    places = (
        Attendance.objects.filter(
            booking__session=OuterRef("booking__session"), outcome__in=ATTENDED
        )
        .order_by()
        .values("booking__session")
        .annotate(n=Count("id"))
        .values("n")
    )
    cost = Cast(full_cost("booking__session__cost__"), FloatField())
    return _attended(partnership, year).annotate(share=cost / Cast(Subquery(places), FloatField()))


def unit_costs_by_agency(partnership: Partnership, year: int) -> list[UnitCosts]:
    """The year's costs shared per attended place, by the places' agencies, then all."""
    measures = {
        "sessions": Count("booking__session_id", distinct=True),
        "cost": Sum("share", output_field=FloatField()),
        "places": Count("id", distinct=True),
        "participants": Count("booking__person_id", distinct=True),
    }
    shares = _shares(partnership, year)
    grouped = (
        shares.values(k=F("booking__agency_id"), name=F("booking__agency__name"))
        .annotate(**measures)
        .order_by("name", "k")
    )
    days = dict(
        _attended(partnership, year)
        .values("booking__agency_id")
        .annotate(n=Count("booking__session__parts"))
        .values_list("booking__agency_id", "n")
    )
    rows = [
        UnitCosts(
            row["k"],
            row["name"],
            row["sessions"],
            pennies(row["cost"]),
            row["places"],
            row["participants"],
            days.get(row["k"], 0),
        )
        for row in grouped
    ]
    total = shares.aggregate(**measures)
    everyone = UnitCosts(
        None,
        "All sessions attended",
        total["sessions"] or 0,
        pennies(total["cost"]),
        total["places"] or 0,
        total["participants"] or 0,
        sum(days.values()),
    )
    return [*rows, everyone]


def unit_cost_trend(partnership: Partnership, year: int) -> list[tuple[int, UnitCosts]]:
    """All sessions' unit costs of ``year`` and the four before it, oldest first."""
    years = range(year - TREND_YEARS + 1, year + 1)
    return [(each, unit_costs(partnership, each, GroupBy.COURSE)[-1]) for each in years]
