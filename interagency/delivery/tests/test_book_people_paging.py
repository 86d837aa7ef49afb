"""Booking people on a session: a page of people in name order, with agency and service."""

import re

import pytest

from interagency.core.permissions import Role
from interagency.delivery.tests.test_learner_pages import session_of, url
from interagency.delivery.views.learner import PEOPLE_PER_PAGE
from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory

pytestmark = [pytest.mark.clock, pytest.mark.django_db]


def listed_names(response) -> list[str]:
    return re.findall(
        r'<label class="govuk-label govuk-checkboxes__label"[^>]*>\s*([^<]+?)\s*<', response.text
    )


def test_people_come_a_page_at_a_time_in_name_order_with_their_agency(
    partnership, client, sign_in, member_with, django_assert_max_num_queries
):
    from interagency.catalogue.tests.factories import CourseFactory

    agency = AgencyFactory.create(partnership=partnership, name="Whittington Health")
    service = ServiceFactory.create(agency=agency, name="Health visiting")
    names = [f"Person {n:03}" for n in range(PEOPLE_PER_PAGE + 3)]
    for name in reversed(names):
        PersonFactory.create(agency=agency, service=service, full_name=name)
    session = session_of(partnership, CourseFactory.create())
    sign_in(member_with(Role.COORDINATOR))
    address = url("book-people", partnership, session_id=session.pk)
    with django_assert_max_num_queries(20) as first_page:
        first = client.get(address)
    assert listed_names(first) == names[:PEOPLE_PER_PAGE]
    assert "Whittington Health: Health visiting" in first.text
    with django_assert_max_num_queries(len(first_page.captured_queries)):
        second = client.get(address, {"page": 2})
    assert listed_names(second) == names[PEOPLE_PER_PAGE:]
