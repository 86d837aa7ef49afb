"""The finance forms find their agency by a search step, not a select of every agency.

A budget line, a partner agreement and an exemption each name one agency of the
partnership: without JavaScript, Find sends the form back with the matches
(nothing saved); the agency chosen among them is the one saved; another
partnership's agency is never offered nor accepted; the pages take the same
queries for a few agencies or hundreds, and any search text answers normally.
"""

import re

import pytest
from django.urls import reverse

from interagency.finance.models import BudgetLine, ChargeExemption, PartnerAgreement
from interagency.people.models import Agency
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.clock

ODD_SEARCHES = ["x" * 10_000, "%_*'\";--", "!!! ???", "   ", "\\", "名前"]

# Each page: its address name, the agency field's name, what saving it needs besides
# the agency, and what it saves.
Saved = type[BudgetLine] | type[PartnerAgreement] | type[ChargeExemption]
PAGES: dict[str, tuple[str, dict[str, str], Saved]] = {
    "line-new": (
        "agency",
        {"category": "venue_hire", "description": "Police room", "planned": "100"},
        BudgetLine,
    ),
    "agreement-new": ("agency", {"amount": "500", "earns": "none"}, PartnerAgreement),
    "delegate-charges": (
        "exemption-agency",
        {"form": "exemption", "exemption-basis": "named"},
        ChargeExemption,
    ),
}


def url(name: str, partnership) -> str:
    return reverse(f"finance:{name}", kwargs={"code": partnership.code})


def radio_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="(\d+)"', html)


def find(page: str) -> dict[str, str]:
    """The Find button of the page's agency search (its search box named as the form names it)."""
    extra = {"form": "exemption"} if page == "delegate-charges" else {}
    return {"find_agency": "1", **extra}


def search_name(page: str) -> str:
    return f"{PAGES[page][0]}_search"


@pytest.fixture
def police(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Police")


@pytest.mark.parametrize("page", PAGES)
def test_find_without_javascript_lists_the_matches_and_saves_nothing(
    partnership, coordinator_client, police, page
):
    AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")
    field, _, model = PAGES[page]
    response = coordinator_client.post(
        url(page, partnership), {search_name(page): "police", **find(page)}
    )
    assert response.status_code == 200
    assert radio_values(response.text, field) == [str(police.pk)]
    assert "Royal Free Hospital" not in response.text
    assert "There is a problem" not in response.text
    assert not model.objects.exists()


@pytest.mark.parametrize("page", PAGES)
def test_the_agency_chosen_among_the_matches_is_saved(
    partnership, coordinator_client, police, page
):
    AgencyFactory.create(partnership=partnership, name="Camden Police Cadets")
    field, data, model = PAGES[page]
    response = coordinator_client.post(url(page, partnership), {field: police.pk, **data})
    assert response.status_code == 302
    assert model.objects.get().agency == police


@pytest.mark.parametrize("page", PAGES)
def test_another_partnerships_agency_is_never_offered_nor_accepted(
    partnership, other_partnership, coordinator_client, police, page
):
    theirs = AgencyFactory.create(partnership=other_partnership, name="Camden Police Elsewhere")
    field, data, model = PAGES[page]
    found = coordinator_client.post(
        url(page, partnership), {search_name(page): "police", **find(page)}
    )
    assert radio_values(found.text, field) == [str(police.pk)]
    refused = coordinator_client.post(url(page, partnership), {field: theirs.pk, **data})
    assert refused.status_code == 200
    assert "Choose an agency from the list of matches." in refused.text
    assert not model.objects.exists()


def test_no_agency_chosen_is_an_error_naming_the_field(partnership, coordinator_client):
    response = coordinator_client.post(
        url("agreement-new", partnership), {"amount": "500", "earns": "none"}
    )
    assert response.status_code == 200
    assert '<a href="#id_agency_search">Choose an agency.</a>' in response.text


def test_a_budget_line_may_name_no_agency(partnership, coordinator_client, police):
    data = {"category": "venue_hire", "description": "Room hire", "planned": "100"}
    response = coordinator_client.post(url("line-new", partnership), {"agency": "none", **data})
    assert response.status_code == 302
    assert BudgetLine.objects.get().agency is None


@pytest.mark.parametrize("page", PAGES)
def test_htmx_gets_only_the_matches(partnership, coordinator_client, police, page):
    response = coordinator_client.get(
        url(page, partnership), {search_name(page): "police"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<form" not in response.text
    assert radio_values(response.text, PAGES[page][0]) == [str(police.pk)]


@pytest.mark.parametrize("text", ODD_SEARCHES)
@pytest.mark.parametrize("page", PAGES)
def test_any_search_text_answers_normally(partnership, coordinator_client, police, page, text):
    posted = coordinator_client.post(
        url(page, partnership), {search_name(page): text, **find(page)}
    )
    assert posted.status_code == 200
    htmx = coordinator_client.get(
        url(page, partnership), {search_name(page): text}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_take_the_same_queries_for_a_few_agencies_or_hundreds(
    partnership, coordinator_client, django_assert_max_num_queries, page
):
    def agencies(count: int, name: str) -> None:
        Agency.objects.bulk_create(
            Agency(partnership=partnership, name=f"{name} {n:04d}") for n in range(count)
        )

    agencies(3, "Nursery")
    with django_assert_max_num_queries(40) as few:
        assert coordinator_client.get(url(page, partnership)).status_code == 200
    agencies(300, "Nursery Plus")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url(page, partnership))
    assert response.status_code == 200
    assert "Nursery Plus 0001" not in response.text


def test_an_exemption_without_an_agency_names_its_search_box(partnership, coordinator_client):
    response = coordinator_client.post(
        url("delegate-charges", partnership), {"form": "exemption", "exemption-basis": "named"}
    )
    assert response.status_code == 200
    assert '<a href="#id_exemption-agency_search">Choose an agency.</a>' in response.text
    assert not ChargeExemption.objects.exists()
