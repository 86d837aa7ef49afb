"""One evaluation analysed: waves paired by code, attrition, knowledge items, from the database."""

from fractions import Fraction as F

import numpy as np
import pytest

from interagency.evaluation.analysis import analyse
from interagency.evaluation.analysis.data import (
    EvaluationData,
    ItemSpec,
    ScaleAnswers,
    ScaleSpec,
    WaveData,
)
from interagency.evaluation.analysis.evaluation import AttritionStep, ItemPercent
from interagency.evaluation.analysis.reliability import Reliability
from interagency.evaluation.analysis.statistics import PairedChange
from interagency.evaluation.models import ResponseMode, WaveKind
from interagency.evaluation.selectors import evaluation_data, plan_for_session
from interagency.evaluation.services.instruments import revise_instrument
from interagency.evaluation.services.plans import set_wave_version
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests import by_hand
from interagency.evaluation.tests.by_hand import close
from interagency.evaluation.tests.factories import SMALL_DEFINITION, code_for, make_plan

NaN = float("nan")
KNOWLEDGE = ScaleSpec(
    key="knowledge",
    name="Knowledge",
    level="2b",
    percent_correct=True,
    items=(ItemSpec("k1", 0, 1, correct=1), ItemSpec("k2", 0, 1, correct=0)),
)


def wave(key, participants, rows, present=None):
    participants = np.array(participants, dtype=np.int64)
    return WaveData(
        key=key,
        label=key.title(),
        participants=participants,
        present=np.ones(len(participants), bool)
        if present is None
        else np.array(present, dtype=bool),
        scales={"knowledge": ScaleAnswers.asked_in_full(KNOWLEDGE, np.array(rows, float))},
    )


def test_attrition_counts_who_was_present_and_who_stayed():
    data = EvaluationData(
        linked=True,
        waves=(
            wave("registration", range(1, 11), [[1, 0]] * 10),
            wave("start", [1, 2, 3, 4, 5, 6, 7, 8, 11], [[1, 0]] * 9),
            wave("end", [1, 2, 3, 4, 5, 11, 12], [[1, 0]] * 7, [1, 1, 1, 1, 0, 1, 1]),
        ),
    )
    assert analyse(data).attrition == (
        AttritionStep("registration", 10, 100.0, None, None),
        AttritionStep("start", 9, 90.0, 8, 80.0),
        AttritionStep("end", 6, 60.0, 5, 5 / 9 * 100),
    )


def test_a_knowledge_item_whose_percent_correct_falls_is_flagged():
    start_rows = [[1, 0]] * 6 + [[0, 0]] * 2  # k1 75 % right, k2 100 %
    end_rows = [[1, 0]] * 3 + [[0, 1]] * 5  # k1 37.5 %, k2 37.5 %
    data = EvaluationData(
        linked=True,
        waves=(wave("start", range(8), start_rows), wave("end", range(8), end_rows)),
    )
    items = {item.key: item for item in analyse(data).knowledge_items}
    assert items["k1"].by_wave == {"start": ItemPercent(8, 75.0), "end": ItemPercent(8, 37.5)}
    assert items["k1"].falls == (("start", "end"),) and items["k2"].falling


def test_an_anonymous_evaluation_shows_each_wave_but_no_change():
    data = EvaluationData(
        linked=False,
        waves=(
            wave("start", [-1, -2, -3, -4, -5], [[1, 0]] * 5),
            wave("end", [-6, -7, -8, -9, -10], [[0, 0]] * 5),
        ),
    )
    results = analyse(data)
    (knowledge,) = results.scales
    assert knowledge.changes == () and knowledge.double_baseline is None
    assert knowledge.by_wave["start"].mean == 100.0 and knowledge.by_wave["end"].mean == 50.0
    assert results.attrition[1].retained is None


# --- from the database -----------------------------------------------------------------------

# Confidence answers (c1..c5, c3 reverse keyed) of six learners at three waves.
Rows = list[list[int | None]]
REGISTRATION: Rows = [
    [3, 3, 3, 3, 3],
    [2, 3, 4, 2, 2],
    [3, 3, 3, 4, 3],
    [4, 4, 2, 4, 4],
    [2, 2, 4, 2, 3],
]
START: Rows = [
    [3, 3, 3, 3, 4],
    [2, 3, 3, 3, 2],
    [3, 4, 3, 4, 3],
    [4, 4, 2, 4, 4],
    [3, 2, 4, 2, 3],
    [2, 2, 4, 2, None],
]
END: Rows = [
    [4, 5, 2, 4, 4],
    [4, 4, 2, 4, 3],
    [5, 4, 1, 5, 5],
    [4, 5, 2, 4, 5],
    [4, 3, 3, 3, 4],
    [3, 3, None, None, 3],  # three of five: no score
]


def exact_score(row):
    answered = [
        F(6 - x) if key == "c3" else F(x)
        for key, x in zip(["c1", "c2", "c3", "c4", "c5"], row, strict=True)
        if x is not None
    ]
    return sum(answered) / len(answered) if len(answered) >= 4 else None


@pytest.mark.django_db
@pytest.mark.clock
def test_a_plans_responses_are_scored_paired_by_code_and_tested(partnership):
    plan = make_plan(partnership)
    assert plan.session is not None
    assert plan_for_session(plan.session) == plan
    codes = [code_for(plan) for _ in range(6)]
    for kind, rows in (
        (WaveKind.REGISTRATION, REGISTRATION),
        (WaveKind.START, START),
        (WaveKind.END, END),
    ):
        for code, row in zip(codes, rows, strict=False):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=dict(zip(["c1", "c2", "c3", "c4", "c5"], row, strict=True)),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )
    results = analyse(evaluation_data(plan))
    confidence = next(scale for scale in results.scales if scale.key == "confidence")
    start = [exact_score(row) for row in START]
    end = [exact_score(row) for row in END]
    assert close(confidence.by_wave["start"].mean, float(by_hand.exact_mean(start)))
    assert confidence.by_wave["end"].n == 5
    start_to_end = next(
        c for c in confidence.changes if (c.from_wave, c.to_wave) == ("start", "end")
    )
    assert isinstance(start_to_end.result, PairedChange)
    pairs = [(s, e) for s, e in zip(start, end, strict=True) if s is not None and e is not None]
    expected = by_hand.paired([s for s, _ in pairs], [e for _, e in pairs])
    assert start_to_end.result.n == 5
    assert close(start_to_end.result.t, expected["t"])
    assert start_to_end.result.signed_rank is not None
    assert close(start_to_end.result.signed_rank.z, expected["wilcoxon_z"])
    # The sixth learner missed registration: five have all three waves.
    assert confidence.double_baseline is not None and confidence.double_baseline.n == 5
    # Alpha of the recoded answers over the five complete rows at the end.
    complete = [[6 - x if i == 2 else x for i, x in enumerate(row) if x] for row in END[:5]]
    reliability = confidence.reliability["end"]
    assert isinstance(reliability, Reliability) and reliability.n == 5
    assert close(reliability.alpha, by_hand.cronbach_alpha(complete))
    assert isinstance(confidence.reliability["registration"], Reliability)
    assert [step.present for step in results.attrition] == [5, 6, 6, 0]


@pytest.mark.django_db
@pytest.mark.clock
def test_rows_of_an_older_version_are_scored_against_the_items_it_asked(partnership):
    plan = make_plan(partnership, mode=ResponseMode.NAMED)
    start = plan.waves.get(kind=WaveKind.START)
    submit_response(
        wave=start,
        answers={"c1": 5, "c2": 5, "c3": 1, "c4": 5, "c5": 5},
        idempotency_key="old",
        consented=True,
        code=code_for(plan),
    )
    shorter = {
        **SMALL_DEFINITION,
        "scales": [
            {**SMALL_DEFINITION["scales"][0], "items": SMALL_DEFINITION["scales"][0]["items"][:4]}
        ],
    }
    newer = revise_instrument(
        instrument=start.instrument_version.instrument, definition=shorter, created_by=None
    )
    set_wave_version(wave=start, instrument_version=newer)
    # Four of four items: 100 % of the newer version's confidence scale.
    submit_response(
        wave=start,
        answers={"c1": 1, "c2": 1, "c3": 5, "c4": 1},
        idempotency_key="new",
        consented=True,
        code=code_for(plan),
    )
    data = evaluation_data(plan)
    (start_data,) = [w for w in data.waves if w.key == "start"]
    assert start_data.scales["confidence"].required.tolist() == [4, 4]
    scores = analyse(data).scales[0].by_wave["start"]
    assert scores.n == 2 and close(scores.mean, 3.0)
