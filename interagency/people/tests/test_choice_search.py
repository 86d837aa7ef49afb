"""Agencies and services are found by a search step, and long lists come 50 a page.

Without JavaScript, Find sends the form back with the matches as radios (nothing
saved); any search text, however long or odd, answers normally; the pages take
the same number of queries for a few agencies or hundreds.
"""

import re

import pytest
from django.urls import reverse

from interagency.people.models import Agency, Person, Service
from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory

pytestmark = pytest.mark.clock

ODD_SEARCHES = ["x" * 10_000, "%_*'\";--", "!!! ???", "   ", "\\", "名前"]


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="([^"]+)"', html)


def many_agencies(partnership, count: int, *, name: str) -> None:
    """``count`` agencies named ``name`` N, each with one service, in two inserts."""
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"{name} {n:04d}") for n in range(count)
    )
    Service.objects.bulk_create(
        Service(partnership=partnership, agency=agency, name="Front door") for agency in agencies
    )


@pytest.fixture
def hospital(partnership):
    return AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")


def test_find_without_javascript_lists_matching_agencies_and_keeps_what_was_typed(
    partnership, coordinator_client, hospital
):
    AgencyFactory.create(partnership=partnership, name="Camden Council")
    response = coordinator_client.post(
        url("person-new", partnership),
        {"full_name": "Nia Newstarter", "agency_search": "free", "find_agency": "1"},
    )
    assert response.status_code == 200
    assert radio_values(response.text, "agency") == [str(hospital.pk)]
    assert "Camden Council" not in response.text
    assert 'value="Nia Newstarter"' in response.text
    assert "There is a problem" not in response.text
    assert not Person.objects.filter(full_name="Nia Newstarter").exists()


def test_a_chosen_agency_and_service_are_saved(partnership, coordinator_client, hospital):
    ward = ServiceFactory.create(agency=hospital, name="Children's ward")
    response = coordinator_client.post(
        url("person-new", partnership),
        {
            "full_name": "Nia Newstarter",
            "agency": hospital.pk,
            "service": ward.pk,
            "employment_type": "permanent",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="Nia Newstarter")
    assert (person.agency, person.service) == (hospital, ward)


def test_once_an_agency_is_chosen_only_its_services_are_offered(
    partnership, coordinator_client, hospital
):
    ward = ServiceFactory.create(agency=hospital, name="Front door")
    ServiceFactory.create(agency__partnership=partnership, name="Front door")
    response = coordinator_client.post(
        url("person-new", partnership),
        {"agency": hospital.pk, "service_search": "front", "find_service": "1"},
    )
    assert radio_values(response.text, "service") == [str(ward.pk), "none"]


def test_no_agency_chosen_is_an_error_on_the_search_box(partnership, coordinator_client, hospital):
    response = coordinator_client.post(
        url("person-new", partnership),
        {"full_name": "Nia Newstarter", "employment_type": "permanent"},
    )
    assert response.status_code == 200
    assert '<a href="#id_agency_search">Find the agency and choose it' in response.text


def test_htmx_gets_only_the_agency_matches(partnership, coordinator_client, hospital):
    response = coordinator_client.get(
        url("person-new", partnership), {"agency_search": "royal"}, headers={"HX-Request": "true"}
    )
    assert "<form" not in response.text
    assert radio_values(response.text, "agency") == [str(hospital.pk)]


@pytest.mark.parametrize("text", ODD_SEARCHES)
@pytest.mark.parametrize(
    ("page", "field"),
    [("person-new", "agency"), ("person-new", "manager"), ("headcount-new", "agency")],
)
def test_any_search_text_answers_normally(
    partnership, coordinator_client, hospital, page, field, text
):
    PersonFactory.create(agency=hospital)
    data = {f"{field}_search": text, f"find_{field}": "1"}
    assert coordinator_client.post(url(page, partnership), data).status_code == 200
    htmx = coordinator_client.get(
        url(page, partnership), {f"{field}_search": text}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200


@pytest.mark.parametrize("text", ODD_SEARCHES)
@pytest.mark.parametrize("page", ["agencies", "survey", "people"])
def test_lists_answer_any_search_text(partnership, coordinator_client, hospital, page, text):
    response = coordinator_client.get(
        url(page, partnership), {"q": text, "agency_search": text, "service_search": text}
    )
    assert response.status_code == 200


def test_the_people_list_filters_by_an_agency_found_without_javascript(
    partnership, coordinator_client, hospital
):
    PersonFactory.create(agency=hospital, full_name="Hana Hospital")
    PersonFactory.create(agency__partnership=partnership, full_name="Oli Other")
    found = coordinator_client.get(
        url("people", partnership), {"agency_search": "royal", "find_agency": "1"}
    )
    assert radio_values(found.text, "agency") == [str(hospital.pk), "none"]
    listed = coordinator_client.get(url("people", partnership), {"agency": hospital.pk}).text
    assert "Hana Hospital" in listed and "Oli Other" not in listed
    # The chosen agency stays chosen, and in the page links.
    assert f'value="{hospital.pk}" checked' in listed


def test_the_agencies_list_searches_names_and_pages_keep_the_search(
    partnership, coordinator_client
):
    many_agencies(partnership, 60, name="Nursery")
    AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")
    first = coordinator_client.get(url("agencies", partnership), {"q": "nursery"}).text
    assert "60 agencies match “nursery”" in first
    assert first.count("Nursery 00") == 50 and "Royal Free Hospital" not in first
    assert "?q=nursery&amp;page=2" in first
    second = coordinator_client.get(url("agencies", partnership), {"q": "nursery", "page": 2})
    assert second.text.count("Nursery 00") == 10


def test_the_survey_counts_agencies_by_step_and_lists_a_page(partnership, coordinator_client):
    many_agencies(partnership, 60, name="Nursery")
    html = coordinator_client.get(url("survey", partnership)).text
    assert re.search(r"Not sent.*?numeric\">60<", html, re.DOTALL)
    assert html.count('class="govuk-tag govuk-tag--grey">Not sent') == 50
    sent = coordinator_client.get(url("survey", partnership), {"status": "sent"}).text
    assert "No agency matches." in sent


@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("index", {}),
        ("agencies", {"q": "n"}),
        ("survey", {}),
        ("people", {"agency_search": "n", "service_search": "front"}),
        ("agency-new", {}),
        ("headcount-new", {}),
    ],
)
def test_agency_pages_take_the_same_queries_for_a_few_agencies_or_hundreds(
    partnership, coordinator_client, django_assert_max_num_queries, page, data
):
    many_agencies(partnership, 3, name="Nursery")
    with django_assert_max_num_queries(30) as few:
        assert coordinator_client.get(url(page, partnership), data).status_code == 200
    many_agencies(partnership, 300, name="Nursery Plus")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url(page, partnership), data)
    assert response.status_code == 200
    assert len(response.content) < 200_000
