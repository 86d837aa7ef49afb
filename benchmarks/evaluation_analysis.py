"""Time one evaluation's analysis: 2,000 participants, 4 waves, 3 scales, against bare NumPy.

    .venv/bin/python benchmarks/evaluation_analysis.py
    .venv/bin/python benchmarks/evaluation_analysis.py --participants 2000 --repeats 15

Makes synthetic answers in memory (registration, start, end and an 8-week
follow-up; a 0-100 confidence scale of 8 items, a 1-5 attitudes scale of 9
with 4 reverse keyed, 8 right-or-wrong knowledge items; about 5 % of answers
missing and a fifth of the people lost at each wave), then times
``analysis.analyse`` and a bare NumPy computation of the same figures
(scores, n, mean, SD and interval per scale and wave, paired change with t,
Wilcoxon and effect sizes between consecutive waves, the double baseline,
alpha with item-total correlations and alpha if deleted, knowledge items,
attrition), vectorised, with SciPy's distribution functions only. Both run
in the same process, alternately, so the ratio holds on a busy machine; the
figures of the two are checked equal to 1e-9 first. No database: reading the
answers is the selector's cost, measured with the pages.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interagency.evaluation.analysis import analyse
from interagency.evaluation.analysis.data import (
    EvaluationData,
    ItemSpec,
    ScaleAnswers,
    ScaleSpec,
    WaveData,
)
from interagency.evaluation.analysis.statistics import PairedChange

WAVES = ("registration", "start", "end", "follow_up_8")
SCALES = (
    ScaleSpec("confidence", "Confidence", "2b", tuple(ItemSpec(f"c{i}", 0, 100) for i in range(8))),
    ScaleSpec(
        "attitudes",
        "Attitudes",
        "2a",
        tuple(ItemSpec(f"a{i}", 1, 5, reverse=i % 2 == 1 and i < 8) for i in range(9)),
    ),
    ScaleSpec(
        "knowledge",
        "Knowledge",
        "2b",
        tuple(ItemSpec(f"k{i}", 0, 1, correct=i % 2) for i in range(8)),
        percent_correct=True,
    ),
)


def synthetic(participants: int, seed: int = 7) -> EvaluationData:
    """Answers with a real change during the course, missing answers and attrition."""
    rng = np.random.default_rng(seed)
    ability = rng.normal(0, 1, participants)
    present = np.ones(participants, dtype=bool)
    waves = []
    for number, key in enumerate(WAVES):
        if number:
            present &= rng.random(participants) > 0.2
        ids = np.flatnonzero(present).astype(np.int64) + 1
        lift = {0: 0.0, 1: 0.1, 2: 0.8, 3: 0.6}[number]
        scales = {}
        for spec in SCALES:
            k = len(spec.items)
            latent = ability[ids - 1, None] + lift + rng.normal(0, 0.8, (ids.size, k))
            if spec.key == "confidence":
                values = np.clip(np.round(50 + 15 * latent), 0, 100)
            elif spec.key == "attitudes":
                values = np.clip(np.round(3 + latent), 1, 5)
                reverse = np.array([item.reverse for item in spec.items])
                values[:, reverse] = 6 - values[:, reverse]
            else:
                right = rng.random((ids.size, k)) < special.expit(latent - (lift if number else 0))
                keys = np.array([item.correct for item in spec.items])
                values = np.where(right, keys, 1 - keys).astype(float)
            values[rng.random(values.shape) < 0.05] = np.nan
            scales[spec.key] = ScaleAnswers.asked_in_full(spec, values)
        waves.append(WaveData(key, key, ids, np.ones(ids.size, dtype=bool), scales))
    return EvaluationData(waves=tuple(waves), linked=True)


# --- the same figures, bare -----------------------------------------------------------------


def bare_scores(answers: ScaleAnswers) -> tuple[np.ndarray, np.ndarray]:
    spec, x = answers.spec, answers.values
    if spec.percent_correct:
        keys = np.array([item.correct for item in spec.items], dtype=float)
        scored = np.where(np.isnan(x), np.nan, (x == keys).astype(float))
    else:
        ends = np.array([i.minimum + i.maximum if i.reverse else 0 for i in spec.items], float)
        sign = np.array([-1.0 if i.reverse else 1.0 for i in spec.items])
        scored = ends + sign * x
    count = (~np.isnan(scored)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.nansum(scored, axis=1) / count
    score[count < answers.required] = np.nan
    return (score * 100 if spec.percent_correct else score), scored


def bare_describe(x: np.ndarray) -> tuple[int, float, float, float]:
    x = x[~np.isnan(x)]
    n, mean, sd = x.size, x.mean(), x.std(ddof=1)
    return n, mean, sd, special.stdtrit(n - 1, 0.975) * sd / np.sqrt(n)


def bare_paired(a: np.ndarray, b: np.ndarray) -> tuple[float, ...]:
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    d = b - a
    n = d.size
    mean, sd = d.mean(), d.std(ddof=1)
    t = mean / (sd / np.sqrt(n))
    p = 2 * special.stdtr(n - 1, -abs(t))
    r = np.round(d, 9) + 0.0
    r = r[r != 0]
    _, inverse, counts = np.unique(np.abs(r), return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = (ends - (counts - 1) / 2)[inverse]
    m = r.size
    w_plus = ranks[r > 0].sum()
    var = m * (m + 1) * (2 * m + 1) / 24 - (counts**3 - counts).sum() / 48
    z = (w_plus - m * (m + 1) / 4) / np.sqrt(var)
    d_av = mean / ((a.std(ddof=1) + b.std(ddof=1)) / 2)
    return n, mean, t, p, w_plus, z, 2 * special.ndtr(-abs(z)), mean / sd, d_av


def bare_alpha(scored: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    x = scored[~np.isnan(scored).any(axis=1)]
    k = x.shape[1]
    var_items = x.var(axis=0, ddof=1)
    total = x.sum(axis=1)
    alpha = k / (k - 1) * (1 - var_items.sum() / total.var(ddof=1))
    rest = total[:, None] - x
    dx, dr = x - x.mean(axis=0), rest - rest.mean(axis=0)
    r = (dx * dr).sum(axis=0) / np.sqrt((dx * dx).sum(axis=0) * (dr * dr).sum(axis=0))
    deleted = (k - 1) / (k - 2) * (1 - (var_items.sum() - var_items) / rest.var(axis=0, ddof=1))
    return alpha, r, deleted


def bare(data: EvaluationData) -> dict:
    figures: dict = {"attrition": [], "scales": {}}
    previous = None
    for wave in data.waves:
        here = wave.participants[wave.present]
        kept = None if previous is None else np.isin(here, previous, assume_unique=True).sum()
        figures["attrition"].append((here.size, kept))
        previous = here
    for spec in SCALES:
        scores, scored = {}, {}
        for wave in data.waves:
            scores[wave.key], scored[wave.key] = bare_scores(wave.scales[spec.key])
        result: dict = {"describe": {}, "alpha": {}, "changes": [], "items": {}}
        for wave in data.waves:
            result["describe"][wave.key] = bare_describe(scores[wave.key])
            result["alpha"][wave.key] = bare_alpha(scored[wave.key])
            if spec.percent_correct:
                result["items"][wave.key] = np.nanmean(scored[wave.key], axis=0) * 100
        for first, second in zip(data.waves, data.waves[1:], strict=False):
            _, i, j = np.intersect1d(
                first.participants, second.participants, assume_unique=True, return_indices=True
            )
            result["changes"].append(bare_paired(scores[first.key][i], scores[second.key][j]))
        reg, start, end = data.waves[:3]
        common = np.intersect1d(
            np.intersect1d(reg.participants, start.participants), end.participants
        )
        aligned = [
            scores[w.key][np.searchsorted(w.participants, common)] for w in (reg, start, end)
        ]
        result["double"] = bare_paired(aligned[1] - aligned[0], aligned[2] - aligned[1])
        figures["scales"][spec.key] = result
    return figures


def check_equal(results, figures) -> None:
    """The bare figures are the analysis's, so the two timings compare like with like."""
    for scale in results.scales:
        expected = figures["scales"][scale.key]
        for wave, summary in scale.by_wave.items():
            n, mean, sd, half = expected["describe"][wave]
            assert summary.n == n and np.isclose(summary.mean, mean, rtol=1e-9, atol=1e-9)
            assert np.isclose(summary.sd, sd, rtol=1e-9)
            assert np.isclose(summary.ci_high - summary.mean, half, rtol=1e-9)
        for change, bare_change in zip(scale.changes, expected["changes"], strict=True):
            result = change.result
            assert isinstance(result, PairedChange) and result.signed_rank is not None
            n, mean, t, p, w_plus, z, p_w, d_z, d_av = bare_change
            assert result.n == n and np.isclose(result.t, t, rtol=1e-9)
            assert np.isclose(result.p, p, rtol=1e-9, atol=1e-300)
            assert result.signed_rank.w_plus == w_plus and np.isclose(result.signed_rank.z, z)
            assert np.isclose(result.signed_rank.p, p_w, rtol=1e-9, atol=1e-300)
            assert np.isclose(result.mean_difference, mean, rtol=1e-9, atol=1e-12)
            assert np.isclose(result.d_z, d_z, rtol=1e-9)
            assert np.isclose(result.d_av, d_av, rtol=1e-9)
        for wave, reliability in scale.reliability.items():
            alpha, r, _ = expected["alpha"][wave]
            assert np.isclose(reliability.alpha, alpha, rtol=1e-9)
            assert np.allclose([i.corrected_item_total for i in reliability.items], r, rtol=1e-9)
    assert [(s.present, s.retained) for s in results.attrition] == [
        (n, None if kept is None else int(kept)) for n, kept in figures["attrition"]
    ]


def timed(function, data) -> float:
    started = time.perf_counter()
    function(data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    data = synthetic(args.participants)
    check_equal(analyse(data), bare(data))
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(timed(analyse, data))
        theirs.append(timed(bare, data))
    analysis, numpy_only = statistics.median(ours), statistics.median(theirs)
    present = [int(wave.present.sum()) for wave in data.waves]
    print(f"{args.participants:,} participants, {len(WAVES)} waves, {len(SCALES)} scales")
    print(f"present at each wave: {', '.join(f'{n:,}' for n in present)}")
    print(f"analyse:    median {analysis * 1000:7.1f} ms, max {max(ours) * 1000:7.1f} ms")
    print(f"bare NumPy: median {numpy_only * 1000:7.1f} ms, max {max(theirs) * 1000:7.1f} ms")
    print(f"ratio {analysis / numpy_only:.2f} (medians of {args.repeats} alternating runs)")
    print(f"load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
