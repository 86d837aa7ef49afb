"""Hostile numbers and text through the local course form, the tailoring form and the API.

Each is refused with an error naming its field; no course or tailoring is
stored, and the catalogue still reads afterwards.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.catalogue.models import Course, CourseTailoring
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_a(partnership):
    framework = FrameworkFactory.create(name="Competence Matters", region=partnership.region)
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return TierFactory.create(framework=framework, code="a", name="Group A", order=1)


@pytest.fixture
def api(coordinator) -> Client:
    _, text = issue_access_token(user=coordinator, name="Tests")
    return Client(headers={"Authorization": f"Bearer {text}"})


def api_url(partnership, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


def page_url(partnership, name: str, **kwargs) -> str:
    return reverse(f"catalogue:{name}", kwargs={"code": partnership.code, **kwargs})


def local_course(tier, /, **fields) -> dict:
    return {
        "framework": tier.framework_id,
        "tier": tier.pk,
        "title": "Gangs and exploitation",
        "category": "specialist",
        "duration_text": "3 hours",
        **fields,
    }


def catalogue_still_reads(api: Client, partnership) -> None:
    assert api.get(api_url(partnership, "course-list")).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prerequisites": [10**30]}, "prerequisites.0"),
        ({"framework": 10**20}, "framework"),
        ({"title": "Gangs\x00"}, "title"),
        ({"title": "Gangs\x07 and exploitation"}, "title"),
        ({"title": "G" * 201}, "title"),
        ({"aims": "Spot the signs\x00"}, "aims"),
        ({"outcomes": ["Know the signs\x07"]}, "outcomes.0"),
        ({"duration_text": "1e400"}, "duration_text"),
        ({"duration_text": "NaN"}, "duration_text"),
        ({"duration_text": "Infinity hours"}, "duration_text"),
        ({"duration_text": "99999 hours"}, "duration_text"),
    ],
)
def test_a_hostile_local_course_is_a_field_error(partnership, api, group_a, fields, field):
    response = api.post(
        api_url(partnership, "local-course-create"),
        json.dumps(local_course(group_a, **fields)),
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Course.objects.filter(local_to=partnership).exists()
    catalogue_still_reads(api, partnership)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"local_duration_hours": 1e400}', "local_duration_hours"),
        ('{"local_duration_hours": "NaN"}', "local_duration_hours"),
        ('{"local_duration_hours": -1}', "local_duration_hours"),
        ('{"local_duration_hours": 1000.5}', "local_duration_hours"),
        ('{"local_title": "Neglect\\u0000"}', "local_title"),
    ],
)
def test_a_hostile_tailoring_is_a_field_error(partnership, api, group_a, raw, field):
    course = CourseFactory.create(tier=group_a, framework=group_a.framework)
    response = api.post(
        api_url(partnership, "course-tailoring", course_id=course.pk),
        raw,
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not CourseTailoring.objects.exists()
    catalogue_still_reads(api, partnership)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "Gangs\x07", "control character"),
        ("title", "Gangs\x00", "Null characters are not allowed"),
        ("aims", "Spot\x1b the signs", "control character"),
        ("duration_text", "1e400", "too long"),
        ("duration_text", "NaN", "not a duration"),
        ("title", "G" * 201, "200 characters"),
    ],
)
def test_the_local_course_form_names_the_problem(
    coordinator_client, partnership, group_a, field, value, words
):
    data = {
        "tier": group_a.pk,
        "title": "Gangs and exploitation",
        "category": "specialist",
        "level": "",
        "duration_text": "3 hours",
        "aims": "Spot the signs of exploitation.",
        "outcomes": "Know the signs\nKnow who to call",
        "topics": "Exploitation",
        "delivery_modes": ["face_to_face"],
        "prerequisite_note": "",
        field: value,
    }
    response = coordinator_client.post(page_url(partnership, "manage-local-course-new"), data)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert words in response.text
    assert not Course.objects.filter(local_to=partnership).exists()
    assert coordinator_client.get(page_url(partnership, "manage-local-courses")).status_code == 200


def test_free_text_keeps_its_line_breaks(coordinator_client, partnership, group_a):
    data = {
        "tier": group_a.pk,
        "title": "Gangs and exploitation",
        "category": "specialist",
        "level": "",
        "duration_text": "3 hours",
        "aims": "Spot the signs.\r\n\tAct on them.",
        "outcomes": "Know the signs\nKnow who to call",
        "topics": "Exploitation",
        "delivery_modes": ["face_to_face"],
        "prerequisite_note": "",
    }
    response = coordinator_client.post(page_url(partnership, "manage-local-course-new"), data)

    assert response.status_code == 302
    assert Course.objects.get(local_to=partnership).duration_hours == 3
