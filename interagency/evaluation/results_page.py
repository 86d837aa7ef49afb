"""One plan's results arranged for its page and its JSON: labels beside every figure.

The figures are ``analysis.analyse``'s, unchanged; this module only pairs
them with the waves' names and says in words where there were too few
people for a figure (``too_few``) instead of a number.
"""

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from interagency.evaluation.analysis import EvaluationResults, analyse
from interagency.evaluation.analysis.breakdowns import change_by_group, main_change_waves
from interagency.evaluation.analysis.data import EvaluationData
from interagency.evaluation.analysis.evaluation import ScaleResults
from interagency.evaluation.analysis.reliability import Reliability
from interagency.evaluation.analysis.statistics import PairedChange, Summary, TooFew
from interagency.evaluation.charts import BarChart, BarRow, MeansChart, bar_chart, means_chart
from interagency.evaluation.evidence import PublishedResult, published_results
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import EvaluationPlan, OutcomeLevel
from interagency.evaluation.selectors import evaluation_data, sectors_of_codes
from interagency.people.models import Sector


@dataclass(frozen=True)
class Figure:
    """A paired change, or the words saying there were too few people for one."""

    label: str
    change: PairedChange | None
    too_few: str | None


@dataclass(frozen=True)
class WaveFigures:
    label: str
    summary: Summary
    reliability: Reliability | None
    reliability_too_few: str | None


@dataclass(frozen=True)
class ScaleFigures:
    result: ScaleResults
    level: str
    waves: tuple[WaveFigures, ...]
    changes: tuple[Figure, ...]
    double_baseline: tuple[Figure, ...]
    chart: MeansChart | None
    by_sector: "SectorBreakdown | None" = None


@dataclass(frozen=True)
class SectorBreakdown:
    """A scale's main change (into the end of the course) within each sector."""

    label: str
    rows: tuple[Figure, ...]
    chart: BarChart | None


@dataclass(frozen=True)
class ResultsPage:
    results: EvaluationResults
    labels: dict[str, str]
    scales: tuple[ScaleFigures, ...]
    responses: int
    only: ResultsFilter = dataclasses.field(default_factory=ResultsFilter)
    # Published studies reporting on the same scales (``evidence``).
    published: tuple[PublishedResult, ...] = ()


def figure(label: str, result: PairedChange | TooFew) -> Figure:
    if isinstance(result, TooFew):
        return Figure(label, None, paired_too_few(result))
    return Figure(label, result, None)


def paired_too_few(result: TooFew) -> str:
    return f"Fewer than {result.minimum} paired responses ({result.n}): too few to show a change."


def scale_figures(scale: ScaleResults, results: EvaluationResults) -> ScaleFigures:
    labels = dict(results.waves)
    waves = []
    for key, summary in scale.by_wave.items():
        found = scale.reliability.get(key)
        waves.append(
            WaveFigures(
                label=labels[key],
                summary=summary,
                reliability=found if isinstance(found, Reliability) else None,
                reliability_too_few=(
                    f"Fewer than {found.minimum} people answered every item ({found.n})."
                    if isinstance(found, TooFew)
                    else None
                ),
            )
        )
    baseline: tuple[Figure, ...] = ()
    if scale.double_baseline is not None:
        db = scale.double_baseline
        baseline = (
            figure("Before the course (registration to start)", db.before_course),
            figure("During the course (start to end)", db.during_course),
            figure("During against before (the two changes compared)", db.during_against_before),
        )
    return ScaleFigures(
        result=scale,
        level=str(OutcomeLevel(scale.level).label),
        waves=tuple(waves),
        changes=tuple(
            figure(f"{labels[c.from_wave]} to {labels[c.to_wave].lower()}", c.result)
            for c in scale.changes
        ),
        double_baseline=baseline,
        chart=means_chart(scale, results.waves),
    )


def sector_breakdown(
    data: EvaluationData, key: str, labels: dict[str, str], sectors: dict[int, str]
) -> SectorBreakdown | None:
    """``key``'s main change by sector, drawn for the groups with enough people."""
    waves = main_change_waves(data, key)
    if waves is None:
        return None
    names = dict(Sector.choices)
    found = change_by_group(data, key, sectors)
    rows = tuple(figure(str(names.get(sector, sector)), result) for sector, result in found.items())
    drawn = [
        BarRow(row.label, row.change.mean_difference, row.change.ci_low, row.change.ci_high)
        for row in rows
        if row.change is not None
    ]
    label = f"{labels[waves[0]]} to {labels[waves[1]].lower()}"
    return SectorBreakdown(
        label=label,
        rows=rows,
        chart=bar_chart(drawn, what=f"Mean change by sector, {label.lower()}"),
    )


def results_page(plan: EvaluationPlan, only: ResultsFilter | None = None) -> ResultsPage:
    """Every figure of ``plan``'s learners' answers (those ``only`` keeps), ready for the page."""
    only = only or ResultsFilter()
    data = evaluation_data(plan, only=only)
    results = analyse(data)
    labels = dict(results.waves)
    sectors = sectors_of_codes(plan) if plan.links_waves else {}
    return ResultsPage(
        results=results,
        labels=labels,
        scales=tuple(
            dataclasses.replace(
                scale_figures(scale, results),
                by_sector=sector_breakdown(data, scale.key, labels, sectors),
            )
            for scale in results.scales
        ),
        responses=sum(int(wave.participants.size) for wave in data.waves),
        only=only,
        published=tuple(
            result
            for result in published_results().results
            if result.scale_key in {scale.key for scale in results.scales}
        ),
    )


def plain(value: Any) -> Any:
    """``value`` as JSON: dataclasses as objects, too few people as ``{"too_few": words}``."""
    if isinstance(value, TooFew):
        return {"too_few": paired_too_few(value), "n": value.n, "minimum": value.minimum}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def results_json(results: EvaluationResults) -> dict[str, Any]:
    """Every figure of ``results`` for the API."""
    return {
        "waves": [{"key": key, "label": label} for key, label in results.waves],
        "linked": results.linked,
        "attrition": plain(results.attrition),
        "scales": plain(results.scales),
        "knowledge_items": plain(results.knowledge_items),
    }
