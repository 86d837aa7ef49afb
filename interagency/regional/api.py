"""A region's benchmarks for its regional coordinators: the page's table as JSON."""

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from interagency.core.api_errors import error_responses
from interagency.core.validation import YEAR
from interagency.regional.access import region_for
from interagency.regional.benchmarks import Benchmark, Outcome, regional_benchmarks
from interagency.regional.figures import Figure
from interagency.regional.forms import default_year

router = Router(tags=["regional"])

Year = Annotated[int, Field(ge=YEAR.minimum, le=YEAR.maximum)]


class BenchmarkFigureOut(Schema):
    """``value`` null with ``note`` "Fewer than 5" (suppressed) or "not available"."""

    value: Decimal | None
    note: str


class BenchmarkOutcomeOut(Schema):
    scale: str
    unit: str
    people_paired: BenchmarkFigureOut
    mean_change: BenchmarkFigureOut
    ci_low: BenchmarkFigureOut
    ci_high: BenchmarkFigureOut
    effect_size_d_z: BenchmarkFigureOut


class BenchmarkOut(Schema):
    name: str
    code: str
    cost_per_participant: BenchmarkFigureOut
    cost_per_attended_place: BenchmarkFigureOut
    sessions_per_1000_in_need: BenchmarkFigureOut
    places_per_1000_in_need: BenchmarkFigureOut
    participation_percent: BenchmarkFigureOut
    up_to_date_percent: BenchmarkFigureOut
    outcomes: list[BenchmarkOutcomeOut]


class RegionalBenchmarksOut(Schema):
    region: str
    year: int
    label: str
    as_of: datetime.date
    partnerships: list[BenchmarkOut]
    region_pooled: BenchmarkOut


def _figure(figure: Figure) -> BenchmarkFigureOut:
    return BenchmarkFigureOut(value=figure.value, note=figure.note)


def _outcome(outcome: Outcome) -> BenchmarkOutcomeOut:
    return BenchmarkOutcomeOut(
        scale=outcome.scale,
        unit=outcome.unit,
        people_paired=_figure(outcome.n),
        mean_change=_figure(outcome.change),
        ci_low=_figure(outcome.ci_low),
        ci_high=_figure(outcome.ci_high),
        effect_size_d_z=_figure(outcome.effect_size),
    )


def _benchmark(row: Benchmark) -> BenchmarkOut:
    return BenchmarkOut(
        name=row.name,
        code=row.code,
        cost_per_participant=_figure(row.cost_per_participant),
        cost_per_attended_place=_figure(row.cost_per_place),
        sessions_per_1000_in_need=_figure(row.sessions_per_1000_in_need),
        places_per_1000_in_need=_figure(row.places_per_1000_in_need),
        participation_percent=_figure(row.participation_percent),
        up_to_date_percent=_figure(row.compliance_percent),
        outcomes=[_outcome(outcome) for outcome in row.outcomes],
    )


@router.get(
    "/{region_code}/benchmarks",
    response={200: RegionalBenchmarksOut, **error_responses(400, 401, 403, 404)},
    url_name="regional-benchmarks",
    summary="A region's benchmarks",
)
def benchmarks(
    request: HttpRequest, region_code: str, year: Year | None = None
) -> RegionalBenchmarksOut:
    """Each partnership of the region that shares its figures, and the region pooled from
    them, for a financial year (``year``: its first year; the last year ended by default).
    A figure built on fewer than 5 people is ``null`` with the note "Fewer than 5"; one
    without data is ``null`` with "not available". Regional coordinators only: anyone
    else gets the 404 an unknown region gets."""
    region = region_for(request.user, region_code)
    today = timezone.localdate()
    found = regional_benchmarks(region, default_year(today) if year is None else year, today)
    return RegionalBenchmarksOut(
        region=found.region.code,
        year=found.year,
        label=found.label,
        as_of=found.as_of,
        partnerships=[_benchmark(row) for row in found.partnerships],
        region_pooled=_benchmark(found.region_row),
    )
