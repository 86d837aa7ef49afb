"""Every figure of the board's annual report for one financial year, read once.

One frozen :class:`ReportFigures` stands behind the page, the PDF, the
workbook and the API (decision 0033), so they cannot disagree. Each part is
read through the public selector of the app that owns it: delivery's
sessions and registers (``outputs``), records' compliance and participation,
evaluation's results across courses (the region's pooled change and the
published studies beside them), finance's budget, lines and unit costs, and
the official statistics. The number of queries is fixed whatever the size of
the partnership.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from interagency.annual_reports.models import NARRATIVE, AnnualReport
from interagency.annual_reports.selectors.outputs import Outputs, outputs
from interagency.evaluation.across import Comparison, across_courses
from interagency.evaluation.analysis.pooling import Pooled
from interagency.evaluation.analysis.statistics import MINIMUM_N
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import EvaluationPlan
from interagency.evaluation.selectors import region_plans, with_course_and_waves
from interagency.finance.models import BudgetCategory
from interagency.finance.selectors import (
    ZERO,
    IncomeAndSpending,
    budget_lines,
    budget_summary,
    pennies,
    year_label,
)
from interagency.finance.unit_costs import GroupBy, unit_costs
from interagency.local_statistics.selectors import local_figures, rate
from interagency.records.selectors.partnership import (
    Cell,
    Scope,
    partnership_compliance,
    partnership_people,
)
from interagency.records.selectors.year_end import stored_year_end
from interagency.tenancy.models import Partnership

# Income a partner agency gives: money, and trainers' and venues' days valued in kind.
CONTRIBUTIONS = (
    BudgetCategory.CONTRIBUTION,
    BudgetCategory.TRAINER_DAYS,
    BudgetCategory.VENUE_DAYS,
)
SUPPRESSED_WORDS = (
    f"Groups of fewer than {MINIMUM_N} people are not shown, here or in the region's "
    "figures, so that no one can be recognised from their answers."
)


@dataclass(frozen=True)
class Profession:
    name: str
    tier: str
    trained: int
    workforce: int
    percent: int | None
    under_represented: bool


@dataclass(frozen=True)
class SectorCompliance:
    name: str
    with_role: int
    up_to_date: int
    percent: int | None


@dataclass(frozen=True)
class Reach:
    as_at: datetime.date
    professions: tuple[Profession, ...]
    overall_percent: int | None
    sectors: tuple[SectorCompliance, ...]
    total: SectorCompliance

    @property
    def under_represented(self) -> tuple[Profession, ...]:
        return tuple(row for row in self.professions if row.under_represented)


@dataclass(frozen=True)
class Change:
    """A pooled change with its effect size, or the words saying it is not shown."""

    n: int | None
    mean: float | None
    d_z: float | None
    note: str


@dataclass(frozen=True)
class Outcome:
    course_type: str
    scale: str
    unit: str
    own: Change
    region: Change
    published: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    label: str
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class UnitCost:
    label: str
    sessions: int
    cost: Decimal
    per_session: Decimal | None
    per_participant: Decimal | None
    per_place: Decimal | None


@dataclass(frozen=True)
class Ratio:
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class Narrative:
    key: str
    heading: str
    text: str


@dataclass(frozen=True)
class ReportFigures(IncomeAndSpending):
    partnership_name: str
    year: int
    outputs: Outputs
    reach: Reach
    outcomes: tuple[Outcome, ...]
    published_source: str
    income: tuple[Money, ...]
    spending: tuple[Money, ...]
    contributions: tuple[Money, ...]
    unit_costs: tuple[UnitCost, ...]
    children_in_need: int | None
    children: int | None
    ratios: tuple[Ratio, ...]
    narrative: tuple[Narrative, ...]

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def suppressed_words(self) -> str:
        return SUPPRESSED_WORDS


def report_figures(partnership: Partnership, year: int, *, today: datetime.date) -> ReportFigures:
    """The annual report of financial year ``year``; compliance as at its end, or today."""
    found = outputs(partnership, year)
    summary = budget_summary(partnership, year)
    local = local_figures(partnership, year)
    outcomes, source = evaluated(partnership, year)
    return ReportFigures(
        partnership_name=partnership.name,
        year=year,
        outputs=found,
        reach=reach(partnership, min(today, datetime.date(year + 1, 3, 31))),
        outcomes=outcomes,
        published_source=source,
        income=tuple(Money(r.label, r.planned, r.actual) for r in summary.income),
        spending=tuple(Money(r.label, r.planned, r.actual) for r in summary.spending),
        contributions=contributions(partnership, year),
        unit_costs=tuple(
            UnitCost(r.label, r.sessions, r.cost, r.per_session, r.per_participant, r.per_place)
            for r in unit_costs(partnership, year, GroupBy.COURSE)
        ),
        children_in_need=local.children_in_need.value,
        children=local.children.value,
        ratios=(
            Ratio("Sessions per 1,000 children in need", local.sessions_per_1000_in_need),
            Ratio("Places per 1,000 children in need", local.places_per_1000_in_need),
            Ratio(
                "Attendances per 1,000 children in need",
                rate(found.attendances, local.children_in_need.value, 1_000),
            ),
            Ratio("Sessions per 10,000 children", local.sessions_per_10000_children),
            Ratio("Places per 10,000 children", local.places_per_10000_children),
            Ratio(
                "Attendances per 10,000 children",
                rate(found.attendances, local.children.value, 10_000),
            ),
        ),
        narrative=narrative(partnership, year),
    )


def reach(partnership: Partnership, as_at: datetime.date) -> Reach:
    """Compliance by sector and participation by profession against the mapped workforce."""
    compliance = partnership_compliance(
        partnership,
        partnership_people(partnership),
        today=as_at,
        scope=Scope(),
        # A closed year's counts stored at its end, if they hold (decision 0036).
        stored=stored_year_end(partnership, as_at),
    )

    def sector(name: str, cell: Cell) -> SectorCompliance:
        return SectorCompliance(name, cell.with_role, cell.up_to_date, cell.percent)

    return Reach(
        as_at=as_at,
        professions=tuple(
            Profession(p.name, p.tier, p.trained, p.workforce, p.percent, p.under_represented)
            for p in compliance.professions
        ),
        overall_percent=compliance.overall_participation,
        sectors=tuple(sector(row.name, row.total) for row in compliance.sectors),
        total=sector("All agencies", compliance.total.total),
    )


def evaluated(partnership: Partnership, year: int) -> tuple[tuple[Outcome, ...], str]:
    """The year's pooled changes by course type and scale, the region's and the studies'."""
    plans = list(with_course_and_waves(EvaluationPlan.objects.for_partnership(partnership)))
    only = ResultsFilter(ran_from=datetime.date(year, 4, 1), ran_to=datetime.date(year + 1, 3, 31))
    across = across_courses(plans, list(region_plans(partnership)), only)
    return tuple(outcome(row) for row in across.comparisons), across.published.source


def outcome(row: Comparison) -> Outcome:
    return Outcome(
        course_type=row.course_type,
        scale=row.scale,
        unit=row.unit,
        own=change(row.own),
        region=change(row.region),
        published=tuple(
            f"{r.study} (n = {r.n}): {r.direction}, {r.significance}" for r in row.published
        ),
    )


def change(found: object) -> Change:
    if isinstance(found, Pooled):
        return Change(found.n, round(found.mean, 2), _rounded(found.d_z), "")
    return Change(None, None, None, getattr(found, "message", "Not available."))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def contributions(partnership: Partnership, year: int) -> tuple[Money, ...]:
    """Each partner agency's planned and actual contributions, money and in kind together."""
    by_agency: dict[str, list[Decimal]] = {}
    for line in budget_lines(partnership, year):
        if line.agency is None or line.category not in CONTRIBUTIONS:
            continue
        totals = by_agency.setdefault(line.agency.name, [ZERO, ZERO])
        totals[0] += line.planned
        totals[1] += pennies(line.actual)
    return tuple(Money(name, *by_agency[name]) for name in sorted(by_agency))


def narrative(partnership: Partnership, year: int) -> tuple[Narrative, ...]:
    kept = AnnualReport.objects.for_partnership(partnership).filter(year=year).first()
    return tuple(
        Narrative(key, heading, getattr(kept, key, "") if kept else "")
        for key, heading in NARRATIVE
    )
