"""Results filtered by agency, sector, profession, session and period, and change by sector."""

import re

import numpy as np
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.analysis.breakdowns import change_by_group, main_change
from interagency.evaluation.analysis.data import EvaluationData
from interagency.evaluation.analysis.statistics import PairedChange, TooFew, paired_change
from interagency.evaluation.filters import ResultsFilter
from interagency.evaluation.models import WaveKind
from interagency.evaluation.selectors import evaluation_data
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.evaluation.tests.test_results import wave
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel("2026-12-07T12:00:00+00:00", tick=False):
        yield


def answer(plan, agency, *, start: int, end: int) -> None:
    """One learner of ``agency`` answering the start and end waves (confidence c1 only moves)."""
    booking = BookingFactory.create(
        session=plan.session, person=PersonFactory(agency=agency), agency=agency
    )
    code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
    for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
        submit_response(
            wave=plan.waves.get(kind=kind),
            answers=full_answers(c1=c1),
            idempotency_key=f"{kind}-{code}",
            consented=True,
            code=code,
        )


@pytest.fixture
def two_sectors(partnership):
    """Six learners from a health agency (up by 2 or 3) and three from the police (up by 1)."""
    plan = make_plan(partnership)
    health = AgencyFactory(partnership=partnership, name="Hospital", sector=Sector.HEALTH)
    police = AgencyFactory(partnership=partnership, name="Police", sector=Sector.POLICE)
    for number in range(6):
        answer(plan, health, start=1 + number % 2, end=4)
    for _ in range(3):
        answer(plan, police, start=3, end=4)
    return plan, health, police


def start_n(data: EvaluationData) -> int:
    return int(next(w for w in data.waves if w.key == "start").participants.size)


def test_a_filter_reads_only_the_chosen_agencys_responses_at_every_wave(two_sectors):
    plan, health, police = two_sectors
    assert start_n(evaluation_data(plan)) == 9
    assert start_n(evaluation_data(plan, only=ResultsFilter(agency=police.pk))) == 3
    assert start_n(evaluation_data(plan, only=ResultsFilter(sector=Sector.HEALTH))) == 6
    healthy = main_change(evaluation_data(plan, only=ResultsFilter(agency=health.pk)), "confidence")
    assert healthy is not None and isinstance(healthy[1], PairedChange) and healthy[1].n == 6


def test_a_period_without_sessions_leaves_nothing(two_sectors):
    plan, _, _ = two_sectors
    after = ResultsFilter(ran_from=plan.session.starts_at.date().replace(year=2030))
    assert start_n(evaluation_data(plan, only=after)) == 0


def test_change_by_group_equals_the_change_over_each_groups_people():
    data = EvaluationData(
        linked=True,
        waves=(
            wave("start", range(1, 9), [[0, 1]] * 8),
            wave("end", range(1, 9), [[1, 0]] * 5 + [[1, 1]] * 3),
        ),
    )
    groups = {1: "a", 2: "a", 3: "a", 4: "a", 5: "a", 6: "a", 7: "b", 8: "b"}
    found = change_by_group(data, "knowledge", groups)
    assert isinstance(found["b"], TooFew) and found["b"].n == 2
    expected = paired_change(np.zeros(6), np.array([100.0] * 5 + [50.0]))
    assert found["a"] == expected


def url(plan, **query):
    address = reverse("evaluation:plan", kwargs={"code": "camden", "plan_id": plan.pk})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_results_page_filters_by_sector_and_breaks_change_down_by_sector(
    two_sectors, coordinator, sign_in, django_assert_max_num_queries
):
    plan, _, police = two_sectors
    client = sign_in(coordinator)
    with django_assert_max_num_queries(27):
        page = client.get(url(plan))
    text = re.sub(r"\s+", " ", page.text)
    assert "Filter the results" in text and 'name="sector"' in text
    assert "Change by sector: at the start of the course to at the end of the course" in text
    # Police: three paired learners, said in words; health drawn and tabled.
    assert "Fewer than 5 paired responses (3): too few to show a change." in text
    assert "Mean change by sector" in text
    # The published studies on confidence and knowledge sit beside them.
    assert "Published results on these scales" in text and "Carpenter et al. 2011" in text
    filtered = re.sub(r"\s+", " ", client.get(url(plan, agency=police.pk)).text)
    assert "These results are filtered: 6 learner responses match." in filtered


def test_the_results_page_costs_the_same_queries_with_more_learners(
    two_sectors, coordinator, sign_in, django_assert_num_queries, partnership
):
    plan, _, _ = two_sectors
    client = sign_in(coordinator)
    client.get(url(plan, sector="health"))
    with CaptureQueriesContext(connection) as before:
        client.get(url(plan, sector="health"))
    for _ in range(5):
        answer(
            plan, AgencyFactory(partnership=partnership, sector=Sector.EDUCATION), start=2, end=5
        )
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url(plan, sector="health"))


def test_a_bad_filter_is_named_and_the_rest_still_apply(two_sectors, coordinator, sign_in):
    plan, _, _ = two_sectors
    page = sign_in(coordinator).get(url(plan, ran_from="2026-12-01", ran_to="2026-11-01"))
    text = re.sub(r"\s+", " ", page.text)
    assert page.status_code == 200
    assert "The ‘to’ date must be on or after the ‘from’ date." in text
    assert "<title>Error: Results" in text
