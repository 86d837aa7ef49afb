"""The charges page filters by an agency found by a search step, not a select of them all.

Without JavaScript, Find sends the filters back with the charged agencies that
match as radios; the one chosen filters the list; an agency this partnership
never charged (another partnership's) is never offered nor applied; the page
takes the same queries for a few agencies or hundreds; any search text answers.
"""

import re

import pytest

from interagency.delivery.tests.test_charges import around, charges_url, make_charge, week_ago
from interagency.people.models import Agency
from interagency.people.tests.factories import AgencyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

ODD_SEARCHES = ["x" * 10_000, "%_*'\";--", "!!! ???", "   ", "\\", "名前"]


def radio_values(html: str) -> list[str]:
    return re.findall(r'name="agency" type="radio" value="(\d+)"', html)


@pytest.fixture
def police(partnership):
    return AgencyFactory.create(partnership=partnership, name="Metropolitan Police")


@pytest.fixture
def council(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Council")


def test_find_without_javascript_lists_the_charged_agencies_that_match(
    partnership, coordinator_client, police, council
):
    make_charge(partnership, agency=police, name="Pete Police")
    make_charge(partnership, agency=council, name="Cara Council")
    AgencyFactory.create(partnership=partnership, name="Police Cadets Never Charged")
    response = coordinator_client.get(
        charges_url(partnership, agency_search="police", find_agency="1")
    )
    assert response.status_code == 200
    assert radio_values(response.text) == [str(police.pk)]
    assert "Police Cadets Never Charged" not in response.text
    assert "There is a problem" not in response.text


def test_the_agency_chosen_filters_the_charges(partnership, coordinator_client, police, council):
    make_charge(partnership, agency=police, name="Pete Police")
    make_charge(partnership, agency=council, name="Cara Council")
    response = coordinator_client.get(
        charges_url(partnership, agency=police.pk, **around(week_ago()))
    )
    assert response.status_code == 200
    assert "Pete Police" in response.text
    assert "Cara Council" not in response.text
    # The chosen agency stays chosen, so the next filter keeps it.
    assert f'type="radio" value="{police.pk}" checked' in response.text


def test_another_partnerships_agency_is_never_offered_nor_applied(
    partnership, other_partnership, coordinator_client, police
):
    make_charge(partnership, agency=police, name="Pete Police")
    theirs = AgencyFactory.create(partnership=other_partnership, name="Police Elsewhere")
    found = coordinator_client.get(charges_url(partnership, agency_search="police", find_agency=1))
    assert radio_values(found.text) == [str(police.pk)]
    refused = coordinator_client.get(charges_url(partnership, agency=theirs.pk))
    assert refused.status_code == 200
    assert "Choose an agency from the list of matches." in refused.text
    assert "Police Elsewhere" not in refused.text
    assert "Pete Police" in refused.text  # the bad filter is left out, not applied


def test_htmx_gets_only_the_matches(partnership, coordinator_client, police):
    make_charge(partnership, agency=police, name="Pete Police")
    response = coordinator_client.get(
        charges_url(partnership, agency_search="metro"), headers={"HX-Request": "true"}
    )
    assert "<form" not in response.text
    assert radio_values(response.text) == [str(police.pk)]


@pytest.mark.parametrize("text", ODD_SEARCHES)
def test_any_search_text_answers_normally(partnership, coordinator_client, police, text):
    make_charge(partnership, agency=police, name="Pete Police")
    url = charges_url(partnership)
    assert (
        coordinator_client.get(url, {"agency_search": text, "find_agency": "1"}).status_code == 200
    )
    htmx = coordinator_client.get(url, {"agency_search": text}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200


def test_the_page_takes_the_same_queries_for_a_few_agencies_or_hundreds(
    partnership, coordinator_client, django_assert_max_num_queries
):
    def charged(count: int, name: str) -> None:
        for n in range(count):
            agency = AgencyFactory.create(partnership=partnership, name=f"{name} {n:03d}")
            make_charge(partnership, agency=agency, name=f"Person {name} {n}")

    query = {"agency_search": "Nursery", **around(week_ago())}
    charged(2, "Nursery")
    with django_assert_max_num_queries(40) as few:
        assert coordinator_client.get(charges_url(partnership, **query)).status_code == 200
    charged(25, "Nursery Plus")
    Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Uncharged {n:04d}") for n in range(300)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(charges_url(partnership, **query))
    assert response.status_code == 200
    assert len(radio_values(response.text)) == 20
    assert "Uncharged 0001" not in response.text
