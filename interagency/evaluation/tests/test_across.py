"""Results across courses: effect sizes by course type, the region pooled from aggregates only."""

import math
import random
import re
import statistics
from fractions import Fraction

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.catalogue.models import Course
from interagency.evaluation.analysis.pooling import Aggregate, Pooled, pool, pooled_change
from interagency.evaluation.analysis.statistics import Suppressed
from interagency.evaluation.evidence import published_results
from interagency.evaluation.models import WaveKind
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import code_for, full_answers, make_plan
from interagency.tenancy.tests.factories import PartnershipFactory, RegionFactory

TOLERANCE = 1e-9


def summary(values: list[float]) -> Aggregate:
    return Aggregate(
        n=len(values),
        mean=statistics.fmean(values),
        sd=statistics.stdev(values) if len(values) > 1 else None,
    )


def exact_mean_and_sd(values: list[float]) -> tuple[Fraction, float]:
    """The mean in exact fractions and the SD (ddof 1) from the exact variance."""
    exact = [Fraction(v) for v in values]
    mean = sum(exact, Fraction(0)) / len(exact)
    variance = sum(((v - mean) ** 2 for v in exact), Fraction(0)) / (len(exact) - 1)
    return mean, math.sqrt(variance)


@pytest.mark.parametrize("seed", range(20))
def test_pooling_summaries_equals_summarising_everyone_together(seed):
    rng = random.Random(seed)
    groups = [
        [rng.choice([-2.0, -0.5, 0.0, 0.25, 1.0, 1.5, 3.0]) for _ in range(rng.randint(1, 40))]
        for _ in range(rng.randint(1, 8))
    ]
    pooled = pool(summary(group) for group in groups)
    everyone = [value for group in groups for value in group]
    assert pooled.n == len(everyone)
    if len(everyone) == 1:
        assert pooled.mean == everyone[0] and pooled.sd is None
        return
    mean, sd = exact_mean_and_sd(everyone)
    assert abs(pooled.mean - float(mean)) < TOLERANCE
    assert pooled.sd is not None and abs(pooled.sd - sd) < TOLERANCE


def test_groups_under_five_are_left_out_and_too_few_in_all_is_suppressed():
    big = [1.0, 2.0, 2.0, 3.0, 4.0, 1.0]
    small = [10.0, 10.0, 10.0]  # would pull the mean up if it were pooled
    found = pooled_change([summary(big), summary(small)])
    assert isinstance(found, Pooled) and found.n == 6 and found.groups == 1
    assert abs(found.mean - statistics.fmean(big)) < TOLERANCE
    assert found.d_z is not None
    assert abs(found.d_z - statistics.fmean(big) / statistics.stdev(big)) < TOLERANCE
    hidden = pooled_change([summary(small), summary([1.0, 2.0])])
    assert isinstance(hidden, Suppressed)
    assert hidden.message == "Fewer than 5 people: not shown."


def test_the_published_results_are_only_what_the_sources_state():
    published = published_results()
    studies = {result.study for result in published.results}
    assert studies == {"Carpenter et al. 2011", "Szilassy et al. 2013", "Hackett et al. 2013"}
    assert sorted({result.n for result in published.results}) == [95, 147, 177]
    # No means or effect sizes were published: direction and significance only.
    assert all(result.significance and result.direction for result in published.results)
    assert "Bristol study" in published.source


# --- the page ----------------------------------------------------------------------------------


def c1_answers(people: int, rise: int) -> list[tuple[int, int]]:
    """Start and end answers to item c1: up by ``rise``, one learner in three a point more."""
    return [(1 + n % 2, 1 + n % 2 + rise + (n % 3 == 0)) for n in range(people)]


def confidence_changes(people: int, rise: int) -> list[float]:
    """The confidence scale's changes: c1's, over its five items."""
    return [(end - start) / 5 for start, end in c1_answers(people, rise)]


def answered(partnership, *, people: int, rise: int, category=Course.Category.SPECIALIST):
    """A plan whose learners answered start and end, confidence item c1 rising."""
    plan = make_plan(partnership)
    assert plan.session is not None
    Course.objects.filter(pk=plan.session.course_id).update(category=category)
    for start, end in c1_answers(people, rise):
        code = code_for(plan)
        for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
            submit_response(
                wave=plan.waves.get(kind=kind),
                answers=full_answers(c1=c1),
                idempotency_key=f"{kind}-{code}",
                consented=True,
                code=code,
            )
    return plan


def page_text(client, **query) -> str:
    address = reverse("evaluation:results", kwargs={"code": "camden"})
    response = client.get(address, query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel("2026-12-07T12:00:00+00:00", tick=False):
        yield


@pytest.mark.django_db
@pytest.mark.clock
def test_effect_sizes_by_course_type_sit_beside_the_region_and_published_studies(
    partnership, other_partnership, coordinator, sign_in, django_assert_max_num_queries
):
    answered(partnership, people=6, rise=2)
    answered(partnership, people=3, rise=1, category=Course.Category.CORE)
    answered(other_partnership, people=6, rise=1)
    # Under 5 on core courses in each partnership: the region's core figure is not shown.
    answered(other_partnership, people=4, rise=2, category=Course.Category.CORE)
    elsewhere = PartnershipFactory(region=RegionFactory(code="south-west", name="South West"))
    answered(elsewhere, people=8, rise=2)  # another region: never counted
    client = sign_in(coordinator)
    with django_assert_max_num_queries(30):
        text = page_text(client)
    assert "Effect sizes by course type" in text
    assert "Specialist courses: effect size d_z of each course and scale" in text
    assert "Core courses" in text
    assert "Fewer than 5 paired responses (3): too few to show a change." in text
    assert 'Specialist: Confidence <span class="govuk-body-s">(score 1 to 5)' in text
    camden = confidence_changes(6, 2)
    own, _ = exact_mean_and_sd(camden)
    assert f"{float(own):.2f} (95% interval" in text
    # The region: Camden's six and Islington's six on specialist courses.
    region, sd = exact_mean_and_sd(camden + confidence_changes(6, 1))
    assert f"d<sub>z</sub> {float(region) / sd:.2f}; 12 people in 2 partnerships" in text
    assert "Fewer than 5 people: not shown." in text
    assert "Carpenter et al. 2011" in text and "p &lt; 0.001" in text


@pytest.mark.django_db
@pytest.mark.clock
def test_results_across_courses_cost_the_same_queries_with_more_plans(
    partnership, other_partnership, coordinator, sign_in, django_assert_num_queries
):
    answered(partnership, people=5, rise=1)
    client = sign_in(coordinator)
    page_text(client)
    with CaptureQueriesContext(connection) as first:
        page_text(client)
    answered(partnership, people=6, rise=2, category=Course.Category.CORE)
    answered(other_partnership, people=7, rise=1)
    with django_assert_num_queries(len(first.captured_queries)):
        text = page_text(client, course_type="core")
    assert "Core courses" in text and "Specialist courses" not in text


def test_the_region_pools_exactly_what_its_partnerships_would_show():
    camden = [0.4] * 3 + [0.8] * 3
    islington = [0.2] * 3 + [0.4] * 3
    found = pooled_change([summary(camden), summary(islington)])
    mean, sd = exact_mean_and_sd(camden + islington)
    assert isinstance(found, Pooled)
    assert abs(found.mean - float(mean)) < TOLERANCE and abs(found.sd - sd) < TOLERANCE
    assert found.d_z is not None and abs(found.d_z - float(mean) / sd) < TOLERANCE
