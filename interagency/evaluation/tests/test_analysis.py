"""Every statistic against an independent calculation in plain Python on the same data (1e-9)."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from interagency.evaluation.analysis.data import (
    ItemSpec,
    ScaleAnswers,
    ScaleSpec,
    required_answers,
)
from interagency.evaluation.analysis.reliability import Reliability, reliability
from interagency.evaluation.analysis.scoring import item_scores, scale_scores
from interagency.evaluation.analysis.statistics import (
    PairedChange,
    Suppressed,
    TooFew,
    describe,
    double_baseline,
    paired_change,
    signed_rank,
    suppress_small,
)
from interagency.evaluation.tests import by_hand
from interagency.evaluation.tests.by_hand import close

NaN = float("nan")

AGREE = [ItemSpec(key=f"a{i}", minimum=1, maximum=5) for i in range(1, 6)]
AGREE[2] = ItemSpec(key="a3", minimum=1, maximum=5, reverse=True)
ATTITUDES = ScaleSpec(key="attitudes", name="Attitudes", level="2a", items=tuple(AGREE))


def answers(spec: ScaleSpec, rows) -> ScaleAnswers:
    return ScaleAnswers.asked_in_full(spec, np.array(rows, dtype=float))


# --- scores ------------------------------------------------------------------------------


def test_a_reverse_keyed_item_is_recoded_max_plus_min_minus_x():
    scored = item_scores(answers(ATTITUDES, [[5, 4, 1, 2, 3], [1, 1, 5, 1, NaN]]))
    assert scored[0].tolist() == [5, 4, 5, 2, 3]
    assert scored[1, :4].tolist() == [1, 1, 1, 1] and np.isnan(scored[1, 4])


def test_a_score_needs_80_percent_of_the_items_answered():
    rows = [
        [5, 4, 1, 2, 3],  # all five: (5+4+5+2+3)/5
        [5, 4, 1, 2, NaN],  # four of five is 80 %: (5+4+5+2)/4
        [5, 4, NaN, NaN, NaN],  # two of five: missing
        [NaN, 4, 1, NaN, 3],  # three of five is 60 %: missing
        [NaN] * 5,
    ]
    scores = scale_scores(answers(ATTITUDES, rows))
    assert close(scores[0], float(F(19, 5)))
    assert close(scores[1], float(F(16, 4)))
    assert np.isnan(scores[2:]).all()


@pytest.mark.parametrize(
    ("items", "percent", "needed"),
    [(5, 80, 4), (4, 80, 4), (10, 80, 8), (6, 80, 5), (3, 80, 3), (2, 50, 1), (7, 100, 7)],
)
def test_the_threshold_rounds_up_in_whole_numbers(items, percent, needed):
    assert int(required_answers(items, percent)) == needed


def test_knowledge_is_percent_correct_of_the_answered_items_and_unanswered_is_not_wrong():
    spec = ScaleSpec(
        key="knowledge",
        name="Knowledge",
        level="2b",
        percent_correct=True,
        items=tuple(
            ItemSpec(key=f"k{i}", minimum=low, maximum=high, correct=right)
            for i, (low, high, right) in enumerate(
                [(0, 1, 1), (0, 1, 0), (1, 4, 2), (1, 4, 3), (0, 1, 1)]
            )
        ),
    )
    rows = [[1, 0, 2, 3, 1], [1, 1, 2, NaN, 1], [0, NaN, NaN, 3, 1], [NaN] * 5]
    scores = scale_scores(answers(spec, rows))
    assert close(scores[0], 100.0)
    assert close(scores[1], float(F(3, 4) * 100))  # three right of the four answered
    assert np.isnan(scores[2]) and np.isnan(scores[3])  # three of five answered is under 80 %


# --- description and paired change -------------------------------------------------------

BEFORE = [F(x, 5) for x in (12, 15, 10, 17, 14, 11, 16, 13, 15, 12)]
AFTER = [F(x, 5) for x in (17, 16, 15, 17, 19, 13, 18, 12, 20, 15)]


def test_n_mean_sd_and_interval_by_wave():
    summary = describe(np.array([float(x) for x in BEFORE] + [NaN]))
    assert summary.n == 10
    assert close(summary.mean, float(by_hand.exact_mean(BEFORE)))
    assert close(summary.sd, by_hand.sd(BEFORE))
    half = by_hand.t_critical(9) * by_hand.sd(BEFORE) / 10**0.5
    assert close(summary.ci_low, float(by_hand.exact_mean(BEFORE)) - half)
    assert close(summary.ci_high, float(by_hand.exact_mean(BEFORE)) + half)


def assert_matches_by_hand(result, before, after) -> PairedChange:
    expected = by_hand.paired(before, after)
    assert isinstance(result, PairedChange)
    assert result.n == expected["n"]
    for name in ("mean_difference", "sd_difference", "ci_low", "ci_high", "t", "p", "d_z", "d_av"):
        assert close(getattr(result, name), expected[name]), name
    assert result.signed_rank is not None
    assert result.signed_rank.n == expected["wilcoxon_n"]
    for name in ("w_plus", "w_minus", "z", "p"):
        assert close(getattr(result.signed_rank, name), expected[f"wilcoxon_{name}"]), name
    return result


def test_paired_change_start_to_end_with_tied_and_zero_differences():
    # Differences (fifths): 5, 1, 5, 0, 5, 2, 2, -1, 5, 3: a zero, and ties of 5, 2 and |1|.
    result = paired_change(
        np.array([float(x) for x in BEFORE]), np.array([float(x) for x in AFTER])
    )
    checked = assert_matches_by_hand(result, BEFORE, AFTER)
    assert checked.signed_rank is not None and checked.signed_rank.n == 9  # the zero is dropped


def test_people_without_both_scores_are_left_out_of_the_pairs():
    before = np.array([float(x) for x in BEFORE] + [3.0, NaN])
    after = np.array([float(x) for x in AFTER] + [NaN, 4.0])
    assert_matches_by_hand(paired_change(before, after), BEFORE, AFTER)


def test_differences_equal_in_arithmetic_tie_exactly_in_floating_point():
    # 0.1 + 0.2 - 0 and 1.0 - 0.7 are both 0.30000000000000004; 0.3 - 0 is 0.3: one tie of three.
    before = [0.0, 0.7, 0.0, 0.5, 0.0, 0.2]
    after = [0.1 + 0.2, 1.0, 0.3, 0.1, 0.6, 0.2 + 1e-16]
    assert (after[0] - before[0]) != (after[2] - before[2])
    exact_before = [F(x) for x in ("0", "0.7", "0", "0.5", "0", "0.2")]
    exact_after = [F(x) for x in ("0.3", "1", "0.3", "0.1", "0.6", "0.2")]
    result = paired_change(np.array(before), np.array(after))
    expected = by_hand.signed_rank([a - b for b, a in zip(exact_before, exact_after, strict=True)])
    assert isinstance(result, PairedChange) and result.signed_rank is not None
    rank = result.signed_rank
    assert rank.n == expected["n"] == 5  # the 1e-16 change counts as none
    assert rank.w_plus == expected["w_plus"]
    assert rank.w_minus == expected["w_minus"]
    assert close(rank.z, expected["z"])
    assert close(rank.p, expected["p"])


def test_fewer_than_five_pairs_gives_too_few_instead_of_numbers():
    four = paired_change(np.array([1.0, 2, 3, 4, NaN]), np.array([2.0, 3, 5, 4, 5]))
    assert four == TooFew(n=4)
    assert four.message == "Only 4 people: at least 5 are needed to show this."
    five = paired_change(np.array([1.0, 2, 3, 4, 2]), np.array([2.0, 3, 5, 4, 5]))
    assert isinstance(five, PairedChange) and five.n == 5


def test_the_same_change_for_everyone_has_an_interval_but_no_t():
    result = paired_change(np.array([1.0, 2, 3, 4, 5]), np.array([1.2, 2.2, 3.2, 4.2, 5.2]))
    assert isinstance(result, PairedChange)
    assert result.t is None and result.p is None and result.d_z is None
    assert close(result.ci_low, 0.2) and close(result.ci_high, 0.2)
    assert result.signed_rank is not None and result.signed_rank.w_plus == 15


def test_no_change_at_all_has_no_signed_rank_test():
    result = paired_change(np.ones(6), np.ones(6))
    assert isinstance(result, PairedChange) and result.signed_rank is None


def test_double_baseline_compares_change_during_with_change_before_the_course():
    registration = [F(x, 4) for x in (10, 12, 9, 14, 11, 13, 10, 12)]
    start = [F(x, 4) for x in (11, 12, 10, 14, 12, 12, 11, 13)]
    end = [F(x, 4) for x in (15, 16, 12, 17, 15, 16, 13, 17)]
    result = double_baseline(
        *(
            np.array([float(x) for x in w] + [NaN])
            for w in (registration, start, [*end[:-1], end[-1]])
        )
    )
    assert result.n == 8
    assert_matches_by_hand(result.before_course, registration, start)
    assert_matches_by_hand(result.during_course, start, end)
    before = [s - r for r, s in zip(registration, start, strict=True)]
    during = [e - s for s, e in zip(start, end, strict=True)]
    assert_matches_by_hand(result.during_against_before, before, during)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(5, 25), st.integers(5, 25)), min_size=5, max_size=40).filter(
        lambda pairs: len({b - a for a, b in pairs}) > 1 and any(a != b for a, b in pairs)
    )
)
def test_any_paired_scores_in_fifths_match_the_long_way(pairs):
    """Scores that are means of five 1-5 items: float noise in differences, exact by hand."""
    before = [F(a, 5) for a, _ in pairs]
    after = [F(b, 5) for _, b in pairs]
    result = paired_change(
        np.array([float(x) for x in before]), np.array([float(x) for x in after])
    )
    assert_matches_by_hand(result, before, after)


@pytest.mark.parametrize(
    "differences",
    [
        [1.0, -1.0, 2.0, 2.0, 0.0, 3.0, -0.5, 1.0, 2.0],
        [0.2, 0.2, 0.2, -0.2, 0.4, 0.4, 0.0, 0.0, 1.2, -0.6, 0.2],
        [5.0, 3.0, -1.0, 2.0, 4.0, 6.0],
    ],
)
def test_the_t_test_and_signed_rank_give_what_scipy_stats_gives(differences):
    """Our t and Wilcoxon p are SciPy's ttest_rel and wilcoxon(approx, no correction, wilcox)."""
    before = np.linspace(1.0, 3.0, len(differences))
    after = before + np.array(differences)
    result = paired_change(before, after)
    assert isinstance(result, PairedChange) and result.signed_rank is not None
    t_test = stats.ttest_rel(after, before)
    assert close(result.t, float(t_test.statistic)) and close(result.p, float(t_test.pvalue))
    wilcoxon = stats.wilcoxon(
        np.round(after - before, 9), zero_method="wilcox", correction=False, method="approx"
    )
    assert close(result.signed_rank.p, float(wilcoxon.pvalue))
    assert min(result.signed_rank.w_plus, result.signed_rank.w_minus) == wilcoxon.statistic
    interval = stats.t.interval(
        0.95, result.n - 1, loc=result.mean_difference, scale=result.sd_difference / result.n**0.5
    )
    assert close(result.ci_low, interval[0]) and close(result.ci_high, interval[1])


def test_signed_rank_p_is_the_normal_approximation_of_the_same_z():
    d = np.array([1.0, -1.0, 2.0, 2.0, 0.0, 3.0, -0.5, 1.0, 2.0])
    result = signed_rank(d)
    expected = by_hand.signed_rank([F(str(x)) for x in d])
    assert result is not None
    assert (result.w_plus, result.w_minus) == (expected["w_plus"], expected["w_minus"]) == (32, 4)
    assert close(result.p, by_hand.normal_two_sided_p(result.z))


# --- reliability ----------------------------------------------------------------------------

RATINGS = [
    [4, 5, 4, 3, 4],
    [2, 3, 2, 2, 3],
    [5, 5, 4, 5, 4],
    [3, 3, 3, 2, 2],
    [4, 4, 5, 4, 5],
    [1, 2, 2, 1, 2],
    [3, 4, 3, 4, 3],
]


def test_cronbach_alpha_item_total_and_alpha_if_deleted_over_complete_rows():
    with_gaps = [*RATINGS, [5, NaN, 4, 4, 4]]
    result = reliability(np.array(with_gaps, dtype=float), tuple("abcde"))
    assert isinstance(result, Reliability)
    assert result.n == 7 and not result.kr20
    assert close(result.alpha, by_hand.cronbach_alpha(RATINGS))
    for i, item in enumerate(result.items):
        own = [row[i] for row in RATINGS]
        rest = [sum(row) - row[i] for row in RATINGS]
        assert close(item.corrected_item_total, by_hand.correlation(own, rest))
        others = [[x for j, x in enumerate(row) if j != i] for row in RATINGS]
        assert close(item.alpha_if_deleted, by_hand.cronbach_alpha(others))


def test_kr20_for_right_or_wrong_items():
    rows = [
        [1, 1, 1, 0],
        [1, 0, 1, 0],
        [0, 0, 1, 0],
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [1, 1, 0, 1],
        [1, 0, 1, 1],
    ]
    result = reliability(np.array(rows, dtype=float), tuple("abcd"))
    assert isinstance(result, Reliability) and result.kr20
    assert close(result.alpha, by_hand.kr20(rows))


def test_reliability_needs_five_complete_rows_and_two_items():
    assert reliability(np.array(RATINGS[:4], dtype=float), tuple("abcde")) == TooFew(n=4)
    assert reliability(np.array([[1.0], [2.0]]), ("a",)) is None


# --- suppression ----------------------------------------------------------------------------


def test_groups_under_five_are_suppressed_without_saying_how_many():
    shown = suppress_small({"Health": 12, "Police": 4, "Schools": 5}, count=lambda n: n)
    assert shown["Health"] == 12 and shown["Schools"] == 5
    assert shown["Police"] == Suppressed(n=4)
    assert shown["Police"].message == "Fewer than 5 people: not shown."
