"""Agencies, services, people and headcounts through the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory
from interagency.core.permissions import Role
from interagency.people.models import Agency, Person, Sector, Service
from interagency.people.tests.factories import (
    AgencyFactory,
    HeadcountFactory,
    PersonFactory,
    ServiceFactory,
)


@pytest.fixture
def token_client(db):
    """``token_client(user)``: a client sending a new personal access token of ``user``."""

    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


@pytest.fixture
def api(token_client, coordinator):
    return token_client(coordinator)


@pytest.mark.django_db
def test_a_coordinator_lists_and_reads_agencies_with_their_services(api, partnership):
    trust = AgencyFactory.create(partnership=partnership, name="Whittington Health")
    ServiceFactory.create(agency=trust, name="Health visiting")
    PersonFactory.create_batch(2, agency=trust)
    AgencyFactory.create(partnership=partnership, name="Camden Council", sector=Sector.EDUCATION)

    listed = api.get(url("agency-list", partnership)).json()
    assert [a["name"] for a in listed["results"]] == ["Camden Council", "Whittington Health"]
    assert listed["results"][1]["current_people"] == 2

    detail = api.get(url("agency-detail", partnership, agency_id=trust.pk)).json()
    assert [s["name"] for s in detail["services"]] == ["Health visiting"]
    services = api.get(url("service-list", partnership, agency_id=trust.pk)).json()
    assert services["count"] == 1


@pytest.mark.django_db
def test_a_coordinator_adds_an_agency_and_a_service(api, partnership):
    response = api.post(
        url("agency-list", partnership),
        {"name": "Camden Police", "sector": "police", "contact_email": "lead@police.example"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    agency = Agency.objects.get()
    assert (agency.name, agency.sector, agency.partnership) == (
        "Camden Police",
        "police",
        partnership,
    )
    assert AuditEvent.objects.filter(subject_type="people.Agency").count() == 1

    response = api.post(
        url("service-list", partnership, agency_id=agency.pk),
        {"name": "Public protection"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Service.objects.get().agency == agency


@pytest.mark.django_db
def test_an_agency_with_a_taken_name_is_refused_with_the_field_named(api, partnership):
    AgencyFactory.create(partnership=partnership, name="Camden Police")
    response = api.post(
        url("agency-list", partnership),
        {"name": "camden police", "sector": "police"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "name" in response.content.decode()
    assert Agency.objects.count() == 1


@pytest.mark.django_db
def test_people_are_filtered_by_agency_role_status_and_words(api, partnership):
    framework = RoleFactory.create().framework
    AdoptionFactory.create(partnership=partnership, framework=framework)
    nurse = RoleFactory.create(framework=framework, tier__framework=framework)
    trust = AgencyFactory.create(partnership=partnership)
    council = AgencyFactory.create(partnership=partnership)
    PersonFactory.create(agency=trust, full_name="Ada Lovelace", role=nurse)
    PersonFactory.create(agency=trust, full_name="Left Person", left_on=datetime.date(2025, 1, 1))
    PersonFactory.create(agency=council, full_name="Bea Council")

    def names(**query) -> list[str]:
        response = api.get(url("person-list", partnership), query)
        assert response.status_code == 200, response.json()
        return [p["full_name"] for p in response.json()["results"]]

    assert names() == ["Ada Lovelace", "Bea Council"]
    assert names(agency=trust.pk) == ["Ada Lovelace"]
    assert names(role=nurse.pk) == ["Ada Lovelace"]
    assert names(current="false") == ["Left Person"]
    assert names(q="bea") == ["Bea Council"]


@pytest.mark.django_db
def test_a_line_manager_lists_only_their_team(token_client, member_with, partnership):
    manager = member_with(Role.LINE_MANAGER)
    agency = AgencyFactory.create(partnership=partnership)
    me = PersonFactory.create(agency=agency, user=manager, full_name="Manager Me")
    PersonFactory.create(agency=agency, line_manager=me, full_name="My Report")
    stranger = PersonFactory.create(agency=agency, full_name="Someone Else")
    client = token_client(manager)

    response = client.get(url("person-list", partnership))
    assert [p["full_name"] for p in response.json()["results"]] == ["Manager Me", "My Report"]
    assert client.get(url("person-detail", partnership, person_id=stranger.pk)).status_code == 404


@pytest.mark.django_db
def test_the_people_list_costs_the_same_queries_for_one_or_thirty(
    api, partnership, django_assert_max_num_queries
):
    agency = AgencyFactory.create(partnership=partnership)
    PersonFactory.create(agency=agency)
    with django_assert_max_num_queries(20) as one:
        api.get(url("person-list", partnership))
    PersonFactory.create_batch(29, agency=agency)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = api.get(url("person-list", partnership))
    assert response.json()["count"] == 30


@pytest.mark.django_db
def test_a_coordinator_adds_changes_and_marks_a_person_as_left(api, partnership):
    agency = AgencyFactory.create(partnership=partnership)
    ward = ServiceFactory.create(agency=agency)

    created = api.post(
        url("person-list", partnership),
        {
            "full_name": "Cal Newman",
            "agency": agency.pk,
            "service": ward.pk,
            "started_on": "2024-02-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    person_id = created.json()["id"]
    changed = api.patch(
        url("person-detail", partnership, person_id=person_id),
        {"job_title": "Health visitor"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["job_title"] == "Health visitor"
    assert changed.json()["service_id"] == ward.pk
    left = api.post(
        url("person-leave", partnership, person_id=person_id),
        {"left_on": "2026-03-31"},
        content_type="application/json",
    )
    assert left.status_code == 200, left.json()
    assert Person.objects.get().left_on == datetime.date(2026, 3, 31)
    events = AuditEvent.objects.filter(subject_type="people.Person", subject_id=str(person_id))
    assert events.count() == 3


@pytest.mark.django_db
def test_leaving_before_starting_is_refused(api, partnership):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership), started_on=datetime.date(2024, 1, 1)
    )
    response = api.post(
        url("person-leave", partnership, person_id=person.pk),
        {"left_on": "2023-01-01"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    person.refresh_from_db()
    assert person.left_on is None


@pytest.mark.django_db
def test_an_agency_lead_adds_people_only_to_their_agency(token_client, member_with, partnership):
    lead = member_with(Role.AGENCY_LEAD)
    mine = AgencyFactory.create(partnership=partnership, lead=lead)
    theirs = AgencyFactory.create(partnership=partnership)
    client = token_client(lead)

    refused = client.post(
        url("person-list", partnership),
        {"full_name": "Not Mine", "agency": theirs.pk},
        content_type="application/json",
    )
    assert refused.status_code in (400, 422)
    accepted = client.post(
        url("person-list", partnership),
        {"full_name": "Mine", "agency": mine.pk},
        content_type="application/json",
    )
    assert accepted.status_code == 201
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Mine"]


@pytest.mark.django_db
def test_a_learner_may_not_add_agencies_or_people(token_client, member_with, partnership):
    client = token_client(member_with(Role.LEARNER))
    agency = AgencyFactory.create(partnership=partnership)
    assert (
        client.post(
            url("agency-list", partnership),
            {"name": "X", "sector": "police"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("person-list", partnership),
            {"full_name": "X", "agency": agency.pk},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_headcounts_list_only_the_latest_figure(api, partnership):
    agency = AgencyFactory.create(partnership=partnership)
    old = HeadcountFactory.create(agency=agency, count=5, as_of=datetime.date(2024, 1, 1))
    HeadcountFactory.create(agency=agency, tier=old.tier, count=9, as_of=datetime.date(2025, 1, 1))

    response = api.get(url("headcount-list", partnership))

    assert response.status_code == 200
    assert [h["count"] for h in response.json()["results"]] == [9]


@pytest.mark.django_db
def test_another_partnerships_agency_answers_404(api, partnership, other_partnership):
    theirs = AgencyFactory.create(partnership=other_partnership)
    PersonFactory.create(agency=theirs)
    assert api.get(url("agency-detail", partnership, agency_id=theirs.pk)).status_code == 404
    assert api.get(url("person-list", partnership)).json()["count"] == 0
