"""The demo's evaluation story: change during the course, attrition, blanks, a knowledge drop."""

from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from interagency.evaluation.models import Answer, EvaluationPlan, Response, Scoring

pytestmark = pytest.mark.django_db


def share_right(plan, wave_kind: str) -> float:
    answers = Answer.objects.filter(
        response__wave__plan=plan,
        response__wave__kind=wave_kind,
        item__scale__scoring=Scoring.PERCENT_CORRECT,
    ).values_list("value", "item__correct_answer")
    return sum(value == right for value, right in answers) / len(answers)


def average(rows) -> float:
    values = list(rows.values_list("value", flat=True))
    return sum(values) / len(values)


def test_a_seeded_borough_has_evaluations_that_tell_a_story():
    call_command("seed", "--scale", "borough", "--people", "400", stdout=StringIO())
    plans = list(EvaluationPlan.objects.select_related("course"))
    assert plans
    by_wave: dict[str, int] = defaultdict(int)
    for kind in Response.objects.values_list("wave__kind", flat=True):
        by_wave[kind] += 1
    assert by_wave["start"] > by_wave["end"] > by_wave["follow_up"] > 0  # attrition
    assert by_wave["registration"] < by_wave["start"]
    changes = [share_right(plan, "end") - share_right(plan, "start") for plan in plans]
    assert min(changes) < 0 < max(changes)  # one course's knowledge falls
    ratings = Answer.objects.filter(item__scale__scoring=Scoring.MEAN, value__isnull=False)
    start = ratings.filter(response__wave__kind="start", item__reverse_keyed=False)
    end = ratings.filter(response__wave__kind="end", item__reverse_keyed=False)
    assert average(end) > average(start)  # confidence and attitudes rise during the course
    asked = Response.objects.count() * 25
    assert Answer.objects.filter(value__isnull=False).count() < asked  # some left blank
    call_command("seed", "--scale", "borough", "--people", "400", stdout=StringIO())
    assert EvaluationPlan.objects.count() == len(plans)  # once
