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
from interagency.evaluation.analysis.evaluation import ScaleResults
from interagency.evaluation.analysis.reliability import Reliability
from interagency.evaluation.analysis.statistics import PairedChange, Summary, TooFew
from interagency.evaluation.charts import MeansChart, means_chart
from interagency.evaluation.models import EvaluationPlan, OutcomeLevel
from interagency.evaluation.selectors import evaluation_data


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


@dataclass(frozen=True)
class ResultsPage:
    results: EvaluationResults
    labels: dict[str, str]
    scales: tuple[ScaleFigures, ...]
    responses: int


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


def results_page(plan: EvaluationPlan) -> ResultsPage:
    """Every figure of ``plan``'s learners' answers, ready for the page."""
    data = evaluation_data(plan)
    results = analyse(data)
    return ResultsPage(
        results=results,
        labels=dict(results.waves),
        scales=tuple(scale_figures(scale, results) for scale in results.scales),
        responses=sum(int(wave.participants.size) for wave in data.waves),
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
