"""Hostile headcounts, planned places and names: a field error (or a rejected row), never a 500,
and nothing stored."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    TierFactory,
)
from interagency.people.models import Headcount, Person, PlannedPlaces
from interagency.people.services.imports import save_import_mapping, start_people_import
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2030, 5, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tier(partnership):
    framework = FrameworkFactory()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return TierFactory.create(framework=framework, name="Group B", order=2)


def url(partnership, name: str) -> str:
    return reverse(name, kwargs={"code": partnership.code})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("count", "1e400"),
        ("count", "NaN"),
        ("count", "-1"),
        ("count", str(10**20)),
        ("as_of_2", str(10**30)),
        ("source", "HR return\x00"),
        ("source", "HR return\x07"),
        ("source", "H" * 201),
    ],
)
def test_a_hostile_headcount_is_refused_and_nothing_is_stored(
    partnership, coordinator_client, tier, field, value
):
    agency = AgencyFactory.create(partnership=partnership)
    data = {
        "agency": agency.pk,
        "service": "",
        "role": "",
        "tier": tier.pk,
        "count": "12",
        "as_of_0": "1",
        "as_of_1": "4",
        "as_of_2": "2030",
        "source": "HR return, April 2030",
        field: value,
    }
    response = coordinator_client.post(url(partnership, "people:headcount-new"), data)

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert not Headcount.objects.exists()
    assert coordinator_client.get(url(partnership, "people:headcounts")).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("planned-places", "1e400", "whole number"),
        ("planned-places", str(10**30), "less than or equal to"),
        ("planned-places", "-1", "greater than or equal to"),
        ("planned-year", str(10**20), "less than or equal to"),
        ("planned-year", "1999", "greater than or equal to"),
    ],
)
def test_hostile_planned_places_are_refused_and_nothing_is_stored(
    partnership, coordinator_client, tier, field, value, words
):
    course = CourseFactory.create(tier=tier, framework=tier.framework)
    data = {"planned-course": course.pk, "planned-year": "2030", "planned-places": "40"}
    data[field] = value
    response = coordinator_client.post(url(partnership, "people:needs"), data)

    assert response.status_code == 200
    assert words in response.text
    assert not PlannedPlaces.objects.exists()
    assert coordinator_client.get(url(partnership, "people:needs")).status_code == 200


def test_an_imported_name_with_a_control_character_is_rejected_with_row_and_column(
    partnership, coordinator
):
    agency = AgencyFactory.create(partnership=partnership, name="Camden Health")
    text = "Name,Email\nAna Silva,ana@x.example\nBen\x07 Jones,ben@x.example\n"
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=coordinator,
        file_name="staff.csv",
        content=text.encode(),
        is_full_staff_list=False,
    )
    save_import_mapping(
        people_import=people_import,
        columns={"full_name": "Name", "work_email": "Email"},
        changed_by=coordinator,
    )
    people_import.refresh_from_db()

    [problem] = people_import.problems
    assert (problem["row"], problem["column"]) == (3, "Name")
    assert "control character (U+0007)" in problem["message"]
    assert (people_import.created, people_import.rejected) == (1, 1)
    assert not Person.objects.exists()  # the preview writes nothing
