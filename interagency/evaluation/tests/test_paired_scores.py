"""The pairs kept per person give results across courses exactly the figures the answers give."""

import datetime

import numpy as np
import pytest
from django.utils import timezone

from interagency.evaluation.across import plan_changes
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.main_changes import changes_of
from interagency.evaluation.models import WaveKind
from interagency.evaluation.selectors import evaluations_data, region_plans
from interagency.evaluation.services import responses
from interagency.evaluation.tests.factories import code_for, full_answers
from interagency.evaluation.tests.test_across import (
    answered,
    c1_answers,
    confidence_changes,
    pinned_clock,  # noqa: F401 (the fixture)
)
from interagency.evaluation.tests.test_region_filters import (
    SOCIAL_CARE,
    own_figure,
    page_text,
    region,  # noqa: F401 (the fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def assert_same_changes(kept, computed) -> None:
    assert [(c.plan.pk, c.group, c.scale, c.waves) for c in kept] == [
        (c.plan.pk, c.group, c.scale, c.waves) for c in computed
    ]
    for mine, theirs in zip(kept, computed, strict=True):
        # The same scores in the same order: every figure drawn from them is the same.
        assert np.array_equal(mine.before, theirs.before)
        assert np.array_equal(mine.after, theirs.after)
        assert np.array_equal(mine.differences, theirs.differences)


def test_kept_pairs_follow_every_filter_as_scoring_the_answers_does(region, partnership):  # noqa: F811
    social_worker, camden_own, council = region
    plans = list(region_plans(partnership))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for only in (
        ResultsFilter(),
        ResultsFilter(agency=council.pk),
        ResultsFilter(sector=SOCIAL_CARE),
        ResultsFilter(profession=social_worker.pk),
        ResultsFilter(profession=camden_own.pk, ran_to=timezone.localdate()),
        ResultsFilter(ran_from=tomorrow),
    ):
        assert_same_changes(
            changes_of(plans, only), plan_changes(plans, evaluations_data(plans, only=only))
        )


def test_answers_written_without_the_service_count_when_the_page_is_next_read(
    partnership, coordinator, sign_in, monkeypatch
):
    plan = answered(partnership, people=6, rise=2)
    client = sign_in(coordinator)
    assert own_figure(confidence_changes(6, 2)) in page_text(client)
    # A seventh learner's answers written as bulk data writes them: no pairs kept for them.
    monkeypatch.setattr(responses, "record_response", lambda response: None)
    code = code_for(plan)
    start, end = c1_answers(7, 2)[6]
    for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
        responses.submit_response(
            wave=plan.waves.get(kind=kind),
            answers=full_answers(c1=c1),
            idempotency_key=f"{kind}-{code}",
            consented=True,
            code=code,
        )
    assert own_figure(confidence_changes(7, 2)) in page_text(client)
