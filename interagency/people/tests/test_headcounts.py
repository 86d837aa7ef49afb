"""Headcounts: the coordinator lists the newest figures by agency and adds or corrects one."""

import datetime

import pytest
from django.urls import reverse

from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    FrameworkFactory,
    RoleFactory,
    TierFactory,
)
from interagency.core.permissions import Role
from interagency.people.models import Headcount
from interagency.people.tests.factories import AgencyFactory, HeadcountFactory, ServiceFactory


@pytest.fixture
def tiers(partnership):
    framework = FrameworkFactory()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    return {
        "b": TierFactory.create(framework=framework, name="Group B", order=2),
        "c": TierFactory.create(framework=framework, name="Group C", order=3),
    }


def url(partnership, name="people:headcounts", **kwargs):
    return reverse(name, kwargs={"code": partnership.code, **kwargs})


def form_data(agency, tier=None, role=None, service=None, **overrides):
    data = {
        "agency": agency.pk,
        "service": service.pk if service else "",
        "role": role.pk if role else "",
        "tier": tier.pk if tier else "",
        "count": "12",
        "as_of_0": "1",
        "as_of_1": "4",
        "as_of_2": "2025",
        "source": "HR return, April 2025",
    }
    return data | overrides


def test_the_list_shows_only_the_newest_figure_of_each_group_with_date_and_source(
    partnership, coordinator_client, tiers
):
    agency = AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")
    service = ServiceFactory.create(agency=agency, name="Emergency department")
    HeadcountFactory.create(
        agency=agency, service=service, tier=tiers["b"], count=40, as_of=datetime.date(2024, 4, 1)
    )
    HeadcountFactory.create(
        agency=agency,
        service=service,
        tier=tiers["b"],
        count=55,
        as_of=datetime.date(2025, 4, 1),
        source="Mapping survey, 1 April 2025",
    )
    HeadcountFactory.create(agency=agency, tier=tiers["c"], count=7)

    response = coordinator_client.get(url(partnership))

    assert response.status_code == 200
    page = response.text
    assert "Royal Free Hospital" in page
    assert "55" in page and "Mapping survey, 1 April 2025" in page and "1 April 2025" in page
    assert ">40<" not in page
    assert "Whole agency" in page and ">7<" in page


def test_the_list_makes_the_same_queries_for_one_agency_or_many(
    partnership, coordinator_client, tiers, django_assert_max_num_queries
):
    HeadcountFactory.create(agency__partnership=partnership, tier=tiers["b"])
    with django_assert_max_num_queries(99) as one:
        coordinator_client.get(url(partnership))
    for _ in range(6):
        agency = AgencyFactory.create(partnership=partnership)
        HeadcountFactory.create(agency=agency, service=ServiceFactory.create(agency=agency))
        HeadcountFactory.create(agency=agency, role=RoleFactory.create(tier=tiers["c"]), tier=None)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(url(partnership))
    assert response.status_code == 200


def test_adding_a_headcount_by_tier_for_a_service_records_it(
    partnership, coordinator_client, tiers
):
    agency = AgencyFactory.create(partnership=partnership)
    service = ServiceFactory.create(agency=agency)

    response = coordinator_client.post(
        url(partnership, "people:headcount-new"),
        form_data(agency, tier=tiers["b"], service=service),
    )

    assert response.status_code == 302
    headcount = Headcount.objects.get()
    assert (headcount.agency, headcount.service, headcount.tier, headcount.role) == (
        agency,
        service,
        tiers["b"],
        None,
    )
    assert headcount.count == 12
    assert headcount.as_of == datetime.date(2025, 4, 1)
    assert headcount.source == "HR return, April 2025"
    assert headcount.partnership == partnership


def test_a_headcount_needs_a_role_or_a_tier_but_not_both(partnership, coordinator_client, tiers):
    agency = AgencyFactory.create(partnership=partnership)
    role = RoleFactory.create(tier=tiers["b"])

    neither = coordinator_client.post(url(partnership, "people:headcount-new"), form_data(agency))
    both = coordinator_client.post(
        url(partnership, "people:headcount-new"), form_data(agency, tier=tiers["b"], role=role)
    )

    assert "Choose a role or a training level" in neither.text
    assert "not both" in both.text
    assert neither.text.count("<title>Error: ") == 1
    assert not Headcount.objects.exists()


def test_a_service_of_another_agency_and_a_bad_date_are_refused(
    partnership, coordinator_client, tiers
):
    agency = AgencyFactory.create(partnership=partnership)
    elsewhere = ServiceFactory.create(agency__partnership=partnership)

    response = coordinator_client.post(
        url(partnership, "people:headcount-new"),
        form_data(agency, tier=tiers["b"], service=elsewhere, as_of_1="", count="lots"),
    )

    assert response.status_code == 200
    assert "Choose a service of this agency" in response.text
    assert "Enter the number of staff and volunteers as a whole number" in response.text
    assert "Enter the month" in response.text
    assert not Headcount.objects.exists()


def test_an_impossible_date_is_refused(partnership, coordinator_client, tiers):
    agency = AgencyFactory.create(partnership=partnership)

    response = coordinator_client.post(
        url(partnership, "people:headcount-new"),
        form_data(agency, tier=tiers["b"], as_of_0="31", as_of_1="2"),
    )

    assert "The date must be a real date" in response.text
    assert not Headcount.objects.exists()


def test_a_tier_of_a_framework_the_partnership_did_not_adopt_is_refused(
    partnership, coordinator_client, tiers
):
    agency = AgencyFactory.create(partnership=partnership)
    foreign_tier = TierFactory.create()

    response = coordinator_client.post(
        url(partnership, "people:headcount-new"), form_data(agency, tier=foreign_tier)
    )

    assert "Choose a training level from the list" in response.text
    assert not Headcount.objects.exists()


def test_correcting_a_headcount_changes_that_figure(partnership, coordinator_client, tiers):
    headcount = HeadcountFactory.create(agency__partnership=partnership, tier=tiers["b"])

    page = coordinator_client.get(
        url(partnership, "people:headcount-edit", headcount_id=headcount.pk)
    )
    assert 'value="10"' in page.text
    response = coordinator_client.post(
        url(partnership, "people:headcount-edit", headcount_id=headcount.pk),
        form_data(headcount.agency, tier=tiers["c"], count="11"),
    )

    assert response.status_code == 302
    headcount.refresh_from_db()
    assert (headcount.count, headcount.tier) == (11, tiers["c"])
    assert Headcount.objects.count() == 1


def test_another_partnerships_headcount_is_not_found(
    partnership, other_partnership, coordinator_client, tiers
):
    theirs = HeadcountFactory.create(agency__partnership=other_partnership)

    response = coordinator_client.get(
        url(partnership, "people:headcount-edit", headcount_id=theirs.pk)
    )

    assert response.status_code == 404


def test_agency_leads_cannot_manage_headcounts(partnership, member_with, sign_in, client):
    client = sign_in(member_with(Role.AGENCY_LEAD))

    assert client.get(url(partnership)).status_code == 403
    assert client.get(url(partnership, "people:headcount-new")).status_code == 403
