"""A region's benchmarks: each sharing partnership's aggregates beside the pooled region.

For a financial year (1 April ``year`` to 31 March ``year + 1``) and each
partnership that shares with its region (``selectors.sharing_partnerships``),
read through each app's own selector:

- unit costs per participant and per attended place (finance's
  ``unit_costs``, all sessions: three queries);
- sessions and places per 1,000 children in need (local statistics'
  ``local_figures``: five queries; "not available" where the statistics are);
- compliance (people with a role none of whose courses is overdue) and
  participation (people trained in the twelve months to the end of the year
  over the mapped workforce), as at the year's end or today if sooner
  (records' ``partnership_compliance``: a fixed number of queries);
- outcomes: each scale's main change pooled from the plans of sessions run
  in the year (evaluation's ``plan_changes``, four queries for the whole
  region; only n, mean and SD of each partnership leave it).

So the queries grow by a fixed number per partnership (plus a fixed few for
the region). Each figure is suppressed when its group has fewer than 5
people (``figures``), and the region pools only the groups shown.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from interagency.evaluation.across import Group, aggregate, plan_changes
from interagency.evaluation.analysis.pooling import Aggregate, Pooled, pool, pooled_change
from interagency.evaluation.analysis.statistics import MINIMUM_N
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.selectors import evaluations_data, region_plans
from interagency.finance.selectors import ZERO
from interagency.finance.unit_costs import GroupBy, unit_costs
from interagency.local_statistics.selectors import local_figures
from interagency.records.selectors.partnership import (
    Scope,
    partnership_compliance,
    partnership_people,
)
from interagency.records.selectors.region import ComplianceTotals, stored_totals
from interagency.regional.figures import (
    ONE_PLACE,
    PENNY,
    Figure,
    not_available,
    percent,
    ratio,
    shown,
)
from interagency.regional.selectors import sharing_partnerships
from interagency.tenancy.models import Partnership, Region


@dataclass
class Totals:
    """The counts and sums behind one partnership's figures (never shown for a small group)."""

    cost: Decimal = ZERO
    costed_sessions: int = 0
    participants: int = 0
    places_attended: int = 0
    sessions: int = 0
    places_offered: int = 0
    children_in_need: int | None = None
    with_role: int = 0
    up_to_date: int = 0
    workforce: int = 0
    trained: int = 0
    # Per outcome group (course scale key and unit): the partnership's pooled n, mean, SD.
    outcomes: dict[tuple[str, str], Aggregate] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """One scale's pooled main change in one partnership or the region."""

    scale: str
    unit: str
    n: Figure
    change: Figure
    ci_low: Figure
    ci_high: Figure
    effect_size: Figure


@dataclass(frozen=True)
class Benchmark:
    """One row of the table: a partnership's figures, or the region's pooled."""

    name: str
    code: str
    cost_per_participant: Figure
    cost_per_place: Figure
    sessions_per_1000_in_need: Figure
    places_per_1000_in_need: Figure
    participation_percent: Figure
    compliance_percent: Figure
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class RegionalBenchmarks:
    region: Region
    year: int
    as_of: datetime.date
    partnerships: tuple[Benchmark, ...]
    region_row: Benchmark
    scales: tuple[tuple[str, str], ...]  # (scale name, unit) in the order of each outcomes

    @property
    def label(self) -> str:
        return f"April {self.year} to March {self.year + 1}"


def year_end(year: int) -> datetime.date:
    """The last day of financial year ``year``."""
    return datetime.date(year + 1, 3, 31)


def regional_benchmarks(region: Region, year: int, today: datetime.date) -> RegionalBenchmarks:
    """The benchmarks of ``region``'s sharing partnerships for financial year ``year``."""
    as_of = min(today, year_end(year))
    partnerships = sharing_partnerships(region)
    stored = stored_totals(partnerships, as_of)
    totals = {p.pk: partnership_totals(p, year, as_of, stored.get(p.pk)) for p in partnerships}
    names = add_outcomes(partnerships, totals, year)
    groups = sorted(names, key=lambda group: (names[group], group))
    rows = tuple(benchmark(p.name, p.code, totals[p.pk], groups, names) for p in partnerships)
    pooled = region_totals(list(totals.values()), groups)
    return RegionalBenchmarks(
        region=region,
        year=year,
        as_of=as_of,
        partnerships=rows,
        region_row=benchmark(f"{region.name} (pooled)", "", pooled, groups, names),
        scales=tuple((names[group], group[1]) for group in groups),
    )


def partnership_totals(
    partnership: Partnership,
    year: int,
    as_of: datetime.date,
    stored: ComplianceTotals | None = None,
) -> Totals:
    """The counts and sums of one partnership, each from its app's own selector.

    ``stored``: its compliance totals read with the region's from stored standings, if
    they count everyone on ``as_of``; else records' ``partnership_compliance`` counts it.
    """
    everything = unit_costs(partnership, year, GroupBy.TIER)[-1]
    local = local_figures(partnership, year)
    compliance = stored or live_compliance(partnership, as_of)
    return Totals(
        cost=everything.cost,
        costed_sessions=everything.sessions,
        participants=everything.participants,
        places_attended=everything.places,
        sessions=local.sessions,
        places_offered=local.places,
        children_in_need=local.children_in_need.value,
        with_role=compliance.with_role,
        up_to_date=compliance.up_to_date,
        workforce=compliance.workforce,
        trained=compliance.trained,
    )


def live_compliance(partnership: Partnership, as_of: datetime.date) -> ComplianceTotals:
    """One partnership's compliance totals through records' own selector."""
    compliance = partnership_compliance(
        partnership, partnership_people(partnership), today=as_of, scope=Scope()
    )
    return ComplianceTotals(
        with_role=compliance.total.total.with_role,
        up_to_date=compliance.total.total.up_to_date,
        workforce=sum(item.workforce for item in compliance.professions),
        trained=sum(item.trained for item in compliance.professions),
    )


def add_outcomes(
    partnerships: list[Partnership], totals: dict[int, Totals], year: int
) -> dict[tuple[str, str], str]:
    """Each partnership's pooled main change per scale, from sessions run in the year.

    Returns the scale names by group. The region's plans are read together (a
    fixed number of queries); each partnership's learners leave it only as n,
    mean and SD.
    """
    if not partnerships:
        return {}
    only = ResultsFilter(ran_from=datetime.date(year, 4, 1), ran_to=year_end(year))
    # A session's plan only if the session ran in the year; a course's plan may have any.
    ran_in_year = Q(session__isnull=True) | Q(
        session__starts_at__date__gte=only.ran_from, session__starts_at__date__lte=only.ran_to
    )
    plans = list(
        region_plans(partnerships[0])
        .filter(partnership_id__in=[p.pk for p in partnerships])
        .filter(ran_in_year)
    )
    changes = plan_changes(plans, evaluations_data(plans, only=only))
    names: dict[tuple[str, str], str] = {}
    found: dict[int, dict[tuple[str, str], list[Aggregate]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for change in changes:
        group = scale_group(change.group)
        names.setdefault(group, change.scale)
        found[change.plan.partnership_id][group].append(aggregate(change.differences))
    for partnership_id, by_group in found.items():
        totals[partnership_id].outcomes = {
            group: pool(aggregates) for group, aggregates in by_group.items()
        }
    return names


def scale_group(group: Group) -> tuple[str, str]:
    """A scale across course types: its key and unit (scores are only pooled like with like)."""
    _category, key, unit = group
    return key, unit


def region_totals(rows: list[Totals], groups: list[tuple[str, str]]) -> Totals:
    """The region's counts and sums: only the groups of 5 or more people of each figure."""
    region = Totals()
    for row in rows:
        if row.participants >= MINIMUM_N:
            region.cost += row.cost
            region.costed_sessions += row.costed_sessions
            region.participants += row.participants
            region.places_attended += row.places_attended
        if row.children_in_need:
            region.sessions += row.sessions
            region.places_offered += row.places_offered
            region.children_in_need = (region.children_in_need or 0) + row.children_in_need
        if row.with_role >= MINIMUM_N:
            region.with_role += row.with_role
            region.up_to_date += row.up_to_date
        if row.workforce >= MINIMUM_N:
            region.workforce += row.workforce
            region.trained += row.trained
    for group in groups:
        shown_groups = [
            row.outcomes[group]
            for row in rows
            if group in row.outcomes and row.outcomes[group].n >= MINIMUM_N
        ]
        if shown_groups:
            region.outcomes[group] = pool(shown_groups)
    return region


def benchmark(
    name: str,
    code: str,
    totals: Totals,
    groups: list[tuple[str, str]],
    names: dict[tuple[str, str], str],
) -> Benchmark:
    """One row's figures from its totals, each suppressed when its group is under 5."""
    costed = totals.costed_sessions > 0
    return Benchmark(
        name=name,
        code=code,
        cost_per_participant=cost_figure(totals.cost, totals.participants, costed),
        cost_per_place=cost_figure(
            totals.cost, totals.places_attended, costed, totals.participants
        ),
        sessions_per_1000_in_need=rate_figure(totals.sessions, totals.children_in_need),
        places_per_1000_in_need=rate_figure(totals.places_offered, totals.children_in_need),
        participation_percent=shown(percent(totals.trained, totals.workforce), totals.workforce),
        compliance_percent=shown(percent(totals.up_to_date, totals.with_role), totals.with_role),
        outcomes=tuple(
            outcome(names[group], group[1], totals.outcomes.get(group)) for group in groups
        ),
    )


def cost_figure(cost: Decimal, count: int, costed: bool, people: int | None = None) -> Figure:
    """Cost shared over ``count``, built on ``people`` participants (``count`` if not given)."""
    if not costed:
        return not_available()
    return shown(ratio(cost, count, PENNY), count if people is None else people)


def rate_figure(count: int, children_in_need: int | None) -> Figure:
    """Per 1,000 children in need: counts sessions and places, not people, so never suppressed."""
    if not children_in_need:
        return not_available()
    return Figure(ratio(count * 1000, children_in_need, ONE_PLACE))


def outcome(scale: str, unit: str, found: Aggregate | None) -> Outcome:
    """A scale's pooled change, or "Fewer than 5" (or "not available": nobody answered)."""
    if found is None:
        blank = not_available()
        return Outcome(scale, unit, blank, blank, blank, blank, blank)
    result = pooled_change([found])
    if not isinstance(result, Pooled):
        small = shown(None, 0)
        return Outcome(scale, unit, small, small, small, small, small)
    return Outcome(
        scale=scale,
        unit=unit,
        n=Figure(Decimal(result.n)),
        change=Figure(two_places(result.mean)),
        ci_low=Figure(two_places(result.ci_low)),
        ci_high=Figure(two_places(result.ci_high)),
        effect_size=Figure(two_places(result.d_z)) if result.d_z is not None else not_available(),
    )


def two_places(value: float) -> Decimal:
    return Decimal(str(value)).quantize(PENNY)
