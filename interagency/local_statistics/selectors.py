"""Read the official statistics a partnership's reports compare its training with.

The chosen year is a financial year, 1 April ``year`` to 31 March ``year + 1``:
its sessions are those starting in it (cancelled ones left out), compared
with the children in need at its end (DfE, year ending 31 March ``year + 1``)
and the children aged 0 to 17 in its middle (ONS, mid-``year``). A page costs
the same five queries whatever the number of authorities or sessions.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from interagency.delivery.models import Session
from interagency.delivery.selectors.sessions import london_midnight, sessions_of
from interagency.local_statistics.bridging import Change, Found, add_up, find_figure
from interagency.local_statistics.models import (
    Authority,
    AuthorityChange,
    ChildPopulation,
    ChildrenInNeed,
)
from interagency.tenancy.models import Partnership

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class LocalFigures:
    """A partnership's training in one financial year beside its authorities' children."""

    year: int
    authorities: list[tuple[str, str]]
    children_in_need: Found
    children: Found
    sessions: int
    places: int

    @property
    def label(self) -> str:
        return financial_year_label(self.year)

    @property
    def sessions_per_1000_in_need(self) -> Decimal | None:
        return rate(self.sessions, self.children_in_need.value, 1_000)

    @property
    def places_per_1000_in_need(self) -> Decimal | None:
        return rate(self.places, self.children_in_need.value, 1_000)

    @property
    def sessions_per_10000_children(self) -> Decimal | None:
        return rate(self.sessions, self.children.value, 10_000)

    @property
    def places_per_10000_children(self) -> Decimal | None:
        return rate(self.places, self.children.value, 10_000)


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def rate(count: int, population: int | None, per: int) -> Decimal | None:
    """``count`` per ``per`` of ``population`` to one decimal place; None when not available."""
    if not population:
        return None
    return (Decimal(count) * per / population).quantize(ONE_PLACE, ROUND_HALF_UP)


def statistics_years() -> list[int]:
    """Financial years (by their first year) with children in need figures, latest first."""
    years = ChildrenInNeed.objects.values_list("year", flat=True).distinct()
    return sorted({year - 1 for year in years}, reverse=True)


def local_figures(partnership: Partnership, year: int) -> LocalFigures:
    """The partnership's sessions and places in financial year ``year`` and its children."""
    codes = list(dict.fromkeys(partnership.local_authority_codes or []))
    lookup = {
        row["gss_code"]: row
        for row in Authority.objects.filter(gss_code__in=codes).values(
            "gss_code", "name", "upper_tier_code", "upper_tier_name"
        )
    }
    # Children's services belong to the upper tier: a district's code counts as its county's.
    upper = list(dict.fromkeys(lookup[c]["upper_tier_code"] if c in lookup else c for c in codes))
    changes = [
        Change(**row)
        for row in AuthorityChange.objects.filter(
            Q(old_code__in=upper) | Q(new_code__in=upper)
        ).values("old_code", "old_name", "new_code", "new_name", "kind")
    ]
    wanted = set(upper) | {c.old_code for c in changes} | {c.new_code for c in changes}
    in_need = ChildrenInNeed.objects.filter(gss_code__in=wanted, year=year + 1)
    population = ChildPopulation.objects.filter(gss_code__in=wanted, year=year)
    names = {code: row["upper_tier_name"] for code, row in lookup.items()}
    names |= {row["upper_tier_code"]: row["upper_tier_name"] for row in lookup.values()}
    need_figures = {}
    for code, name, value in in_need.values_list("gss_code", "name", "at_31_march"):
        need_figures[(code, year + 1)] = value
        names.setdefault(code, name)
    child_figures = {}
    for code, name, value in population.values_list("gss_code", "name", "aged_0_to_17"):
        child_figures[(code, year)] = value
        names.setdefault(code, name)
    sessions, places = _training(partnership, year)
    return LocalFigures(
        year=year,
        authorities=[(code, names.get(code, code)) for code in upper],
        children_in_need=add_up([find_figure(c, year + 1, need_figures, changes) for c in upper]),
        children=add_up([find_figure(c, year, child_figures, changes) for c in upper]),
        sessions=sessions,
        places=places,
    )


def _training(partnership: Partnership, year: int) -> tuple[int, int]:
    """Sessions starting in the financial year (not cancelled) and the places they offered."""
    start = london_midnight(datetime.date(year, 4, 1))
    end = london_midnight(datetime.date(year + 1, 4, 1))
    totals = (
        sessions_of(partnership)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Session.Status.CANCELLED)
        .aggregate(sessions=Count("id"), places=Coalesce(Sum("capacity"), 0))
    )
    return totals["sessions"], totals["places"]
