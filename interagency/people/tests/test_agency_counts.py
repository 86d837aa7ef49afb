"""The agencies list's counts, and the pages listing every agency, at a fixed query count."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.clock


def url(name: str, partnership) -> str:
    return reverse(f"people:{name}", kwargs={"code": partnership.code})


def row_counts(html: str, name: str) -> tuple[str, str]:
    """(services, current people) shown on the agencies list for the agency ``name``."""
    row = re.search(rf">{re.escape(name)}</a>.*?</tr>", html, re.DOTALL)
    assert row, name
    numbers = re.findall(r"cell--numeric\">(\d+)</td>", row.group(0))
    return numbers[0], numbers[1]


def test_each_agency_shows_its_own_services_and_current_people(partnership, coordinator_client):
    today = timezone.localdate()
    hospital = AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")
    ServiceFactory.create_batch(3, agency=hospital)
    PersonFactory.create_batch(2, agency=hospital)
    PersonFactory.create(agency=hospital, left_on=today + datetime.timedelta(days=30))
    PersonFactory.create(agency=hospital, left_on=today - datetime.timedelta(days=30))
    kept = PersonFactory.create(agency=hospital)
    PersonFactory.create(agency=hospital, merged_into=kept)
    AgencyFactory.create(partnership=partnership, name="Empty Nursery")

    html = coordinator_client.get(url("agencies", partnership)).text

    # Three services, not multiplied by the people; four current people: two, the one
    # leaving next month and the kept record (not the one who left, nor the merged copy).
    assert row_counts(html, "Royal Free Hospital") == ("3", "4")
    assert row_counts(html, "Empty Nursery") == ("0", "0")


@pytest.mark.parametrize("page", ["agencies", "agency-new", "headcount-new", "person-new"])
def test_pages_choosing_an_agency_take_the_same_queries_for_two_or_forty(
    partnership, coordinator_client, django_assert_max_num_queries, page
):
    for _ in range(2):
        PersonFactory.create(agency=ServiceFactory.create(agency__partnership=partnership).agency)
    with django_assert_max_num_queries(20) as few:
        assert coordinator_client.get(url(page, partnership)).status_code == 200
    for _ in range(38):
        PersonFactory.create(agency=ServiceFactory.create(agency__partnership=partnership).agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url(page, partnership))
    assert response.status_code == 200
    # Agencies are found by a search step, never offered all at once.
    assert response.text.count("<option") < 40
