"""One evaluation's responses as a table: a row per response, a column per item.

The one read behind every export. Items of different versions with the
same key share a column (a version may drop or add items; a key keeps its
meaning). Identity appears only in a named evaluation; a pseudonymous one
shows the response code, an anonymous one neither. A filter (``ResultsFilter``,
the results page's) narrows the responses of every wave alike.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from interagency.evaluation.analysis.scoring import scale_scores
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.formats import ResponseFormat, value_labels
from interagency.evaluation.models import (
    Answer,
    EvaluationPlan,
    Item,
    Respondent,
    Response,
    ResponseMode,
)
from interagency.evaluation.selectors import evaluation_data


@dataclass(frozen=True)
class Column:
    key: str
    # A name statistics packages accept: a letter first, then letters, digits and underscores.
    variable: str
    text: str
    scale: str
    is_text: bool
    labels: dict[int, str]


@dataclass
class Row:
    response: int
    wave: str
    wave_label: str
    respondent: str
    code: str
    name: str
    session: int | None
    version: int
    submitted_at: datetime.datetime
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseTable:
    plan: EvaluationPlan
    named: bool
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def variable_name(key: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", key)
    if not name[:1].isalpha():
        name = "q_" + name
    name = name[:60]
    unique, number = name, 2
    while unique.lower() in taken:
        unique = f"{name}_{number}"
        number += 1
    taken.add(unique.lower())
    return unique


def response_table(plan: EvaluationPlan, only: ResultsFilter | None = None) -> ResponseTable:
    """Every response to ``plan`` (those ``only`` keeps) with its answers, waves in time order."""
    only = only or ResultsFilter()
    named = plan.response_mode == ResponseMode.NAMED
    found = (
        Response.objects.for_partnership(plan.partnership)
        .filter(only.responses(), wave__plan=plan)
        .select_related("wave", "instrument_version", "response_code")
        .order_by("id")
    )
    if named:
        found = found.select_related("response_code__booking__person")
    waves = {wave.pk: wave for wave in plan.waves.all()}
    responses = sorted(found, key=lambda r: (waves[r.wave_id].sort_key, r.respondent, r.pk))
    version_ids = {response.instrument_version_id for response in responses}
    items = Item.objects.filter(version_id__in=version_ids).select_related("scale", "version")
    # The newest version's wording and order win for a shared key.
    by_key: dict[str, Item] = {}
    for item in sorted(items, key=lambda i: (-i.version.number, i.order, i.pk)):
        by_key.setdefault(item.key, item)
    ordered = sorted(by_key.values(), key=lambda i: (i.order, i.pk))
    taken = {"response", "wave", "respondent", "code", "name", "session", "version", "submitted"}
    columns = tuple(
        Column(
            key=item.key,
            variable=variable_name(item.key, taken),
            text=item.text,
            scale=item.scale.key if item.scale is not None else "",
            is_text=item.response_format == ResponseFormat.FREE_TEXT,
            labels=value_labels(item.response_format, item.choices),
        )
        for item in ordered
    )
    rows = {response.pk: _row(response, waves[response.wave_id], named) for response in responses}
    for response_id, key, value, text in Answer.objects.filter(
        only.responses("response__"),
        response__partnership=plan.partnership,
        response__wave__plan=plan,
    ).values_list("response_id", "item__key", "value", "text"):
        rows[response_id].answers[key] = value if value is not None else text
    return ResponseTable(plan=plan, named=named, columns=columns, rows=tuple(rows.values()))


def _row(response: Response, wave, named: bool) -> Row:
    code = response.response_code
    person = code.booking.person if named and code and code.booking else None
    return Row(
        response=response.pk,
        wave=wave.key,
        wave_label=wave.label,
        respondent=response.respondent,
        code=code.code if code else "",
        name=person.full_name if person else "",
        session=response.session_id,
        version=response.instrument_version.number,
        submitted_at=response.submitted_at,
    )


def scores_by_response(
    plan: EvaluationPlan, only: ResultsFilter | None = None
) -> tuple[list[tuple[str, str]], dict[int, dict]]:
    """Each scale (key, name) and each response's scale scores (None where missing)."""
    scales: list[tuple[str, str]] = []
    scores: dict[int, dict[str, float | None]] = {}
    for respondent in Respondent.values:
        for wave in evaluation_data(plan, respondent=respondent, only=only).waves:
            assert wave.response_ids is not None
            for key, answers in wave.scales.items():
                if (key, answers.spec.name) not in scales:
                    scales.append((key, answers.spec.name))
                for response, score in zip(wave.response_ids, scale_scores(answers), strict=True):
                    value = None if score != score else float(score)  # NaN is missing
                    scores.setdefault(int(response), {})[key] = value
    return scales, scores
