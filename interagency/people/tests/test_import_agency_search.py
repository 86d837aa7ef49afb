"""The staff-list upload finds its agency by a search step, "several agencies" beside it.

Without JavaScript, Find sends the form back with the matches as radios and the
"several agencies" radio (nothing uploaded); the agency chosen is the import's;
another partnership's agency is never offered nor accepted; the page takes the
same queries for a few agencies or hundreds; any search text answers normally.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interagency.people.models import Agency, PeopleImport
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.clock

ODD_SEARCHES = ["x" * 10_000, "%_*'\";--", "!!! ???", "   ", "\\", "名前"]
STAFF = b"Employee Name,Email\nAna Silva,ana@camden.example\n"


def new_url(partnership) -> str:
    return reverse("people:import-new", kwargs={"code": partnership.code})


def radio_values(html: str) -> list[str]:
    return re.findall(r'name="agency" type="radio" value="([^"]+)"', html)


@pytest.fixture
def health(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


def test_the_blank_form_offers_several_agencies_next_to_the_search_unchosen(
    partnership, coordinator_client, health
):
    response = coordinator_client.get(new_url(partnership))
    assert radio_values(response.text) == ["none"]
    assert "Several agencies: taken from the file&#x27;s organisation column" in response.text
    assert 'value="none" checked' not in response.text
    assert "Camden Health" not in response.text


def test_find_without_javascript_lists_the_matches_and_uploads_nothing(
    partnership, coordinator_client, health
):
    AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")
    response = coordinator_client.post(
        new_url(partnership), {"agency_search": "health", "find_agency": "1"}
    )
    assert response.status_code == 200
    assert radio_values(response.text) == [str(health.pk), "none"]
    assert "Royal Free Hospital" not in response.text
    assert "There is a problem" not in response.text
    assert not PeopleImport.objects.exists()


def test_the_agency_chosen_among_the_matches_is_the_imports(
    partnership, coordinator_client, health
):
    AgencyFactory.create(partnership=partnership, name="Camden Health Visitors")
    file = SimpleUploadedFile("staff.csv", STAFF)
    response = coordinator_client.post(new_url(partnership), {"agency": health.pk, "file": file})
    assert response.status_code == 302
    assert PeopleImport.objects.get().agency == health


def test_nothing_chosen_is_an_error_on_the_search_box(partnership, coordinator_client, health):
    file = SimpleUploadedFile("staff.csv", STAFF)
    response = coordinator_client.post(new_url(partnership), {"file": file})
    assert response.status_code == 200
    assert '<a href="#id_agency_search">Choose the agency whose staff list this is' in (
        response.text
    )
    assert not PeopleImport.objects.exists()


def test_another_partnerships_agency_is_never_offered_nor_accepted(
    partnership, other_partnership, coordinator_client, health
):
    theirs = AgencyFactory.create(partnership=other_partnership, name="Camden Health Elsewhere")
    found = coordinator_client.post(
        new_url(partnership), {"agency_search": "health", "find_agency": "1"}
    )
    assert radio_values(found.text) == [str(health.pk), "none"]
    file = SimpleUploadedFile("staff.csv", STAFF)
    refused = coordinator_client.post(new_url(partnership), {"agency": theirs.pk, "file": file})
    assert refused.status_code == 200
    assert "Choose the agency whose staff list this is" in refused.text
    assert not PeopleImport.objects.exists()


def test_htmx_gets_only_the_matches(partnership, coordinator_client, health):
    response = coordinator_client.get(
        new_url(partnership), {"agency_search": "health"}, headers={"HX-Request": "true"}
    )
    assert "<form" not in response.text
    assert radio_values(response.text) == [str(health.pk), "none"]


@pytest.mark.parametrize("text", ODD_SEARCHES)
def test_any_search_text_answers_normally(partnership, coordinator_client, health, text):
    posted = coordinator_client.post(
        new_url(partnership), {"agency_search": text, "find_agency": "1"}
    )
    assert posted.status_code == 200
    htmx = coordinator_client.get(
        new_url(partnership), {"agency_search": text}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200


def test_the_page_takes_the_same_queries_for_a_few_agencies_or_hundreds(
    partnership, coordinator_client, django_assert_max_num_queries
):
    def agencies(count: int, name: str) -> None:
        Agency.objects.bulk_create(
            Agency(partnership=partnership, name=f"{name} {n:04d}") for n in range(count)
        )

    agencies(3, "Nursery")
    with django_assert_max_num_queries(30) as few:
        assert coordinator_client.get(new_url(partnership)).status_code == 200
    agencies(300, "Nursery Plus")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(new_url(partnership))
    assert response.status_code == 200
    assert "Nursery Plus 0001" not in response.text
