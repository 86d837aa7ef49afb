"""The partnership's training beside its children: the page and its API."""

import datetime

import pytest
from django.urls import reverse

from interagency.core.permissions import Role
from interagency.delivery.models import Session
from interagency.delivery.tests.factories import SessionFactory
from interagency.local_statistics.models import (
    Authority,
    AuthorityChange,
    ChildPopulation,
    ChildrenInNeed,
)
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def statistics(db):
    """Camden's children in 2024 to 2025 and Northamptonshire's reorganisation."""
    Authority.objects.create(
        gss_code="E09000007", name="Camden", upper_tier_code="E09000007", upper_tier_name="Camden"
    )
    ChildrenInNeed.objects.create(
        gss_code="E09000007", name="Camden", year=2025, at_31_march=1808, during_year=2890
    )
    ChildPopulation.objects.create(
        gss_code="E09000007", name="Camden", year=2024, aged_0_to_17=40000
    )
    for code, name, children, in_need in (
        ("E06000061", "North Northamptonshire", 83113, None),
        ("E06000062", "West Northamptonshire", 96295, 2661),
    ):
        AuthorityChange.objects.create(
            old_code="E10000021",
            old_name="Northamptonshire",
            new_code=code,
            new_name=name,
            kind="split",
        )
        ChildrenInNeed.objects.create(gss_code=code, name=name, year=2025, at_31_march=in_need)
        ChildPopulation.objects.create(gss_code=code, name=name, year=2024, aged_0_to_17=children)


def sessions(partnership, *starts: datetime.date, capacity: int = 20, **kwargs) -> None:
    for start in starts:
        SessionFactory.create(
            partnership=partnership, capacity=capacity, parts__start=start, **kwargs
        )


def test_the_page_shows_sessions_and_places_per_children_for_the_year(
    statistics, partnership, member_with, sign_in, client, django_assert_max_num_queries
):
    partnership.local_authority_codes = ["E09000007"]
    partnership.save()
    # Two in the year (one on its first day), one cancelled, one the year after.
    sessions(partnership, datetime.date(2024, 4, 1), datetime.date(2025, 3, 31))
    sessions(partnership, datetime.date(2024, 6, 1), status=Session.Status.CANCELLED)
    sessions(partnership, datetime.date(2025, 4, 1))
    sign_in(member_with(Role.BOARD_MEMBER))
    url = reverse("local_statistics:figures", kwargs={"code": partnership.code})
    with django_assert_max_num_queries(13):
        page = client.get(url, {"year": 2024})
    text = page.content.decode()
    assert page.status_code == 200
    assert "April 2024 to March 2025" in text
    assert "Camden (E09000007)" in text
    assert "1,808" in text and "40,000" in text
    # 2 sessions and 40 places: per 1,000 of 1,808 in need, per 10,000 of 40,000 children.
    assert ">1.1</td>" in text and ">22.1</td>" in text
    assert ">0.5</td>" in text and ">10.0</td>" in text


def test_a_split_authority_sums_its_successors_and_a_suppressed_one_is_not_available(
    statistics, member_with, sign_in, client
):
    partnership = PartnershipFactory.create(local_authority_codes=["E10000021"])
    sessions(partnership, datetime.date(2024, 9, 1))
    sign_in(member_with(Role.COORDINATOR, partnership=partnership))
    page = client.get(reverse("local_statistics:figures", kwargs={"code": partnership.code}))
    text = page.content.decode()
    assert "April 2024 to March 2025" in text  # the latest year with figures
    assert "179,408" in text  # children aged 0 to 17: 83,113 + 96,295
    assert "The sum of North Northamptonshire and West Northamptonshire." in text
    assert "Part of the sum of North Northamptonshire and West Northamptonshire is suppressed." in (
        text
    )
    assert text.count("not available") == 3  # in need, and both rates per child in need
    assert ">1.1</td>" in text  # 20 places per 10,000 of 179,408 children


def test_without_statistics_the_page_says_how_to_load_them(partnership, coordinator_client):
    page = coordinator_client.get(
        reverse("local_statistics:figures", kwargs={"code": partnership.code})
    )
    assert "No official statistics are loaded yet" in page.content.decode()


def test_learners_and_trainers_may_not_see_it(
    statistics, partnership, member_with, sign_in, client
):
    sign_in(member_with(Role.LEARNER, Role.TRAINER))
    url = reverse("local_statistics:figures", kwargs={"code": partnership.code})
    assert client.get(url).status_code == 403


def test_the_api_answers_the_same_figures(statistics, partnership, member_with, token_client):
    partnership.local_authority_codes = ["E09000007"]
    partnership.save()
    sessions(partnership, datetime.date(2024, 5, 1))
    client = token_client(member_with(Role.AGENCY_LEAD))
    url = reverse("api:local-statistics", kwargs={"code": partnership.code})
    body = client.get(url, {"year": 2024}).json()
    assert body["label"] == "April 2024 to March 2025"
    assert body["children_in_need"] == {"value": 1808, "note": ""}
    assert (body["sessions"], body["places"]) == (1, 20)
    assert body["places_per_1000_in_need"] == "11.1"
    missing = client.get(url, {"year": 2030})
    assert missing.status_code == 400
    assert "no children in need figures" in missing.json()["detail"]
