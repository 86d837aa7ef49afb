"""The training status page at county scale: agency and service found by search, the
by-agency table a page of agencies at a time."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory
from interagency.records.views import AGENCIES_PER_PAGE

pytestmark = pytest.mark.clock


def page_url(partnership, **query):
    url = reverse("records:training-status", args=[partnership.code])
    return url + ("?" + urlencode(query) if query else "")


def radio_values(html, name):
    return re.findall(rf'name="{name}" type="radio" value="(\d+)"', html)


def test_find_offers_matching_agencies_and_services_without_javascript(
    coordinator_client, partnership, catalogue
):
    police = AgencyFactory.create(partnership=partnership, name="Police")
    health = AgencyFactory.create(partnership=partnership, name="Health")
    visiting = ServiceFactory.create(agency=health, name="Health visiting")
    ServiceFactory.create(agency=police, name="Response")
    PersonFactory.create(agency=police, role=catalogue["role"], full_name="Pat Police")
    PersonFactory.create(
        agency=health, service=visiting, role=catalogue["role"], full_name="Hana Visitor"
    )

    found = coordinator_client.get(
        page_url(partnership, agency_search="poli", service_search="visit", find_agency="1")
    ).text

    assert radio_values(found, "agency") == [str(police.pk)]
    assert radio_values(found, "service") == [str(visiting.pk)]
    assert "<option" not in found.split('name="status"')[0]
    chosen = coordinator_client.get(page_url(partnership, agency=police.pk)).text
    assert "Pat Police" in chosen and "Hana Visitor" not in chosen
    assert f'value="{police.pk}" checked' in chosen


def test_the_csv_link_keeps_the_searched_filter(coordinator_client, partnership, catalogue):
    police = AgencyFactory.create(partnership=partnership, name="Police")
    PersonFactory.create(agency=police, role=catalogue["role"], full_name="Pat Police")
    PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership), role=catalogue["role"]
    )

    html = coordinator_client.get(page_url(partnership, agency=police.pk, agencies=1)).text
    link = html.split("Download this list")[0].rsplit('href="', 1)[1].split('"')[0]
    response = coordinator_client.get(link.replace("&amp;", "&"))

    people = {line.split(b",")[0] for line in b"".join(response.streaming_content).splitlines()}
    assert people == {b"Person", b"Pat Police"}


def test_the_agency_table_is_paged_with_the_filters_kept(
    coordinator_client, partnership, catalogue
):
    for number in range(AGENCIES_PER_PAGE + 1):
        agency = AgencyFactory.create(partnership=partnership, name=f"Agency {number:03}")
        PersonFactory.create(agency=agency, role=catalogue["role"], full_name=f"Ann {number:03}")

    first = coordinator_client.get(page_url(partnership, q="ann")).text
    second = coordinator_client.get(page_url(partnership, q="ann", agencies=2)).text

    table = first.split('id="by-agency"')[1].split("</table>")[0]
    assert table.count('<th scope="row"') == AGENCIES_PER_PAGE
    assert "?q=ann&amp;agencies=2#by-agency" in first
    assert "Agency 050" in second.split('id="by-agency"')[1].split("</table>")[0]
    assert "?q=ann&amp;agencies=1#by-agency" in second
    # The people list has its own page number, and keeps the agency page in its links.
    assert "?q=ann&amp;agencies=2&amp;page=2" in second


def test_the_page_costs_the_same_queries_for_few_or_many_agencies(
    coordinator_client, partnership, catalogue, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            agency = AgencyFactory.create(partnership=partnership)
            ServiceFactory.create(agency=agency, name="Early help")
            PersonFactory.create(agency=agency, role=catalogue["role"])

    add(1)
    query = {"agency_search": "a", "service_search": "early", "agencies": 1}
    with django_assert_max_num_queries(30) as few:
        assert coordinator_client.get(page_url(partnership, **query)).status_code == 200
    add(AGENCIES_PER_PAGE + 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert coordinator_client.get(page_url(partnership, **query)).status_code == 200


@pytest.mark.parametrize("text", ["x" * 5000, "O'Brien & Sons <b>%_\\", "%", "_"])
def test_long_or_odd_search_text_answers_normally(coordinator_client, partnership, catalogue, text):
    PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership, name="Health"),
        role=catalogue["role"],
        full_name="Hana Health",
    )

    response = coordinator_client.get(
        page_url(partnership, agency_search=text, service_search=text)
    )

    assert response.status_code == 200
    assert "Hana Health" in response.text
    assert "<b>%" not in response.text


def test_htmx_asks_only_for_the_matches(coordinator_client, partnership, catalogue):
    police = AgencyFactory.create(partnership=partnership, name="Police")

    response = coordinator_client.get(
        page_url(partnership, agency_search="pol"), headers={"HX-Request": "true"}
    )

    assert radio_values(response.text, "agency") == [str(police.pk)]
    assert "Training status" not in response.text
