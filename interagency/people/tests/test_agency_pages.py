"""Agencies, services and people pages: what each role may see and change, and the audit."""

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people.models import Agency, Person, Sector
from interagency.people.services.people import create_person
from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Royal Free Hospital")


# Reading -------------------------------------------------------------------------------


def test_index_counts_people_by_sector_and_agency(partnership, coordinator_client, agency):
    PersonFactory.create_batch(2, agency=agency)
    PersonFactory.create(agency=agency, left_on="2024-01-01")
    school = AgencyFactory.create(partnership=partnership, sector=Sector.EDUCATION)
    PersonFactory.create(agency=school)
    response = coordinator_client.get(url("index", partnership))
    assert response.status_code == 200
    text = response.text
    assert "3 current people you can see" in text
    assert "Royal Free Hospital" in text and "Education" in text
    assert reverse("tenancy:members", kwargs={"code": partnership.code}) in text
    assert f"/p/{partnership.code}/people/needs/" in text


def test_the_people_list_filters_and_searches(partnership, coordinator_client, agency):
    ward = ServiceFactory.create(agency=agency, name="Children's ward")
    PersonFactory.create(agency=agency, service=ward, full_name="Ada Nurse")
    PersonFactory.create(agency=agency, full_name="Bea Porter")
    PersonFactory.create(agency=agency, full_name="Cal Gone", left_on="2024-02-01")
    response = coordinator_client.get(url("people", partnership), {"service": ward.pk})
    assert "Ada Nurse" in response.text and "Bea Porter" not in response.text
    response = coordinator_client.get(url("people", partnership), {"q": "porter"})
    assert "Bea Porter" in response.text and "Ada Nurse" not in response.text
    response = coordinator_client.get(url("people", partnership))
    assert "Cal Gone" not in response.text
    response = coordinator_client.get(url("people", partnership), {"status": "left"})
    assert "Cal Gone" in response.text and "Ada Nurse" not in response.text


def test_the_people_list_takes_the_same_queries_for_one_or_thirty_people(
    partnership, coordinator_client, agency, django_assert_max_num_queries
):
    PersonFactory.create(agency=agency)
    with django_assert_max_num_queries(14) as one:
        coordinator_client.get(url("people", partnership))
    PersonFactory.create_batch(29, agency=agency, service=ServiceFactory.create(agency=agency))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(url("people", partnership))
    assert response.text.count("/people/") > 30


@pytest.mark.parametrize("page", ["index", "agencies"])
def test_index_and_agencies_take_the_same_queries_for_one_or_thirty_agencies(
    partnership, coordinator_client, django_assert_max_num_queries, page
):
    PersonFactory.create(agency__partnership=partnership)
    with django_assert_max_num_queries(14) as one:
        coordinator_client.get(url(page, partnership))
    for _ in range(29):
        PersonFactory.create(agency__partnership=partnership)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert coordinator_client.get(url(page, partnership)).status_code == 200


def test_agency_page_shows_services_lead_and_contact(
    partnership, coordinator_client, member_with, agency
):
    agency.lead = member_with(Role.AGENCY_LEAD)
    agency.save()
    ServiceFactory.create(agency=agency, name="Emergency department")
    response = coordinator_client.get(url("agency", partnership, agency_id=agency.pk))
    assert "Emergency department" in response.text
    assert agency.lead.email in response.text
    assert agency.contact_email in response.text


# Permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.TRAINER, Role.LEARNER])
def test_roles_without_people_access_are_refused(partnership, member_with, sign_in, client, role):
    sign_in(member_with(role))
    for name in ("index", "agencies", "people"):
        assert client.get(url(name, partnership)).status_code == 403


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.LINE_MANAGER])
def test_only_coordinators_add_and_change_agencies(
    partnership, member_with, sign_in, client, agency, role
):
    sign_in(member_with(role))
    assert client.get(url("agency-new", partnership)).status_code == 403
    assert client.get(url("agency-edit", partnership, agency_id=agency.pk)).status_code == 403
    assert client.get(url("service-new", partnership, agency_id=agency.pk)).status_code == 403


def test_an_agency_lead_cannot_see_or_change_another_agencys_person(
    partnership, member_with, sign_in, client, agency
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    mine = PersonFactory.create(agency=own, full_name="Mine Person")
    theirs = PersonFactory.create(agency=agency, full_name="Their Person")
    sign_in(lead)
    assert client.get(url("person", partnership, person_id=mine.pk)).status_code == 200
    for name in ("person", "person-edit", "person-leave"):
        assert client.get(url(name, partnership, person_id=theirs.pk)).status_code == 404
    response = client.post(
        url("person-leave", partnership, person_id=theirs.pk),
        {"left_on_0": "1", "left_on_1": "1", "left_on_2": "2030"},
    )
    assert response.status_code == 404
    assert Person.objects.get(pk=theirs.pk).left_on is None
    listing = client.get(url("people", partnership)).text
    assert "Mine Person" in listing and "Their Person" not in listing


def test_an_agency_lead_adds_people_only_to_their_agency(
    partnership, member_with, sign_in, client, agency
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead, name="Lead's own agency")
    sign_in(lead)
    # Both names hold an "o": only the lead's own agency is offered.
    found = client.post(url("person-new", partnership), {"agency_search": "o", "find_agency": "1"})
    assert "Lead&#x27;s own agency" in found.text and "Royal Free Hospital" not in found.text
    response = client.post(
        url("person-new", partnership),
        {"full_name": "Slipped In", "agency": agency.pk, "employment_type": "permanent"},
    )
    assert response.status_code == 200
    assert "Choose the agency from the list of matches" in response.text
    assert not Person.objects.filter(full_name="Slipped In").exists()
    response = client.post(
        url("person-new", partnership),
        {"full_name": "New Starter", "agency": own.pk, "employment_type": "permanent"},
    )
    assert response.status_code == 302
    assert Person.objects.get(full_name="New Starter").agency == own


def test_a_line_manager_sees_their_team_but_changes_nobody(
    partnership, member_with, sign_in, client, agency
):
    user = member_with(Role.LINE_MANAGER)
    manager = PersonFactory.create(agency=agency, user=user)
    report = PersonFactory.create(agency=agency, line_manager=manager)
    other = PersonFactory.create(agency=agency)
    sign_in(user)
    assert client.get(url("person", partnership, person_id=report.pk)).status_code == 200
    assert client.get(url("person", partnership, person_id=other.pk)).status_code == 404
    assert client.get(url("person-edit", partnership, person_id=report.pk)).status_code == 403


# Changes and their audit ---------------------------------------------------------------


def test_a_coordinator_adds_an_agency_and_a_service(partnership, coordinator_client):
    response = coordinator_client.post(
        url("agency-new", partnership),
        {"name": "Camden Council", "sector": Sector.CHILDRENS_SOCIAL_CARE},
    )
    agency = Agency.objects.get(partnership=partnership, name="Camden Council")
    assert response.status_code == 302
    response = coordinator_client.post(
        url("service-new", partnership, agency_id=agency.pk), {"name": "Early help"}
    )
    assert response.status_code == 302
    assert [service.name for service in agency.services.all()] == ["Early help"]


def test_a_second_agency_of_the_same_name_is_refused(partnership, coordinator_client, agency):
    response = coordinator_client.post(
        url("agency-new", partnership), {"name": "royal free hospital", "sector": Sector.HEALTH}
    )
    assert response.status_code == 200
    assert "already has an agency with this name" in response.text
    assert response.text.count("govuk-error-summary") >= 1


def test_changing_an_agencys_contact_is_audited(partnership, coordinator_client, agency):
    response = coordinator_client.post(
        url("agency-edit", partnership, agency_id=agency.pk),
        {"name": agency.name, "sector": agency.sector, "contact_email": "new@nhs.example"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(subject_type="people.Agency", action="changed")
    assert event.changes["contact_email"][1] == "new@nhs.example"
    assert event.partnership == partnership


def test_changing_a_person_is_audited_with_before_and_after(
    partnership, coordinator, coordinator_client, agency
):
    person = PersonFactory.create(agency=agency, job_title="Nurse")
    response = coordinator_client.post(
        url("person-edit", partnership, person_id=person.pk),
        {
            "full_name": person.full_name,
            "work_email": person.work_email,
            "job_title": "Ward sister",
            "agency": agency.pk,
            "employment_type": "permanent",
            "started_on_0": "6",
            "started_on_1": "1",
            "started_on_2": "2020",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(subject_id=str(person.pk), action="changed")
    assert event.changes == {"job_title": ["Nurse", "Ward sister"]}
    assert event.actor_user_id == coordinator.pk


def test_adding_a_person_is_audited(partnership, coordinator, agency):
    person = create_person(
        partnership=partnership, changed_by=coordinator, full_name=" Dee Doctor ", agency=agency
    )
    assert person.full_name == "Dee Doctor"
    event = AuditEvent.objects.get(subject_id=str(person.pk), action="created")
    assert event.changes["full_name"] == [None, "Dee Doctor"]


def test_marking_a_person_as_left_is_audited(partnership, coordinator_client, agency):
    person = PersonFactory.create(agency=agency)
    response = coordinator_client.post(
        url("person-leave", partnership, person_id=person.pk),
        {"left_on_0": "31", "left_on_1": "3", "left_on_2": "2025"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert str(person.left_on) == "2025-03-31"
    event = AuditEvent.objects.get(subject_id=str(person.pk), action="changed")
    assert event.changes == {"left_on": [None, "2025-03-31"]}


def test_a_leaving_date_before_the_start_is_refused_with_the_error_summary(
    partnership, coordinator_client, agency
):
    person = PersonFactory.create(agency=agency, started_on="2020-01-06")
    response = coordinator_client.post(
        url("person-leave", partnership, person_id=person.pk),
        {"left_on_0": "1", "left_on_1": "1", "left_on_2": "2019"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "The leaving date must be on or after the start date." in response.text
    assert "<title>Error: " in response.text
    person.refresh_from_db()
    assert person.left_on is None
    assert not AuditEvent.objects.filter(subject_id=str(person.pk)).exists()


def test_a_service_of_another_agency_is_refused(partnership, coordinator, agency):
    elsewhere = ServiceFactory.create(agency__partnership=partnership)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        create_person(
            partnership=partnership,
            changed_by=coordinator,
            full_name="Mixed Up",
            agency=agency,
            service=elsewhere,
        )
    assert "service" in refused.value.message_dict


def test_an_agency_code_is_kept_and_a_second_agency_with_it_is_refused(
    partnership, coordinator_client, agency
):
    response = coordinator_client.post(
        url("agency-edit", partnership, agency_id=agency.pk),
        {"name": agency.name, "sector": agency.sector, "code": " RAL01 "},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.code == "RAL01"
    response = coordinator_client.post(
        url("agency-new", partnership),
        {"name": "Another trust", "sector": Sector.HEALTH, "code": "ral01"},
    )
    assert response.status_code == 200
    assert "already has an agency with this code" in response.text
    assert not Agency.objects.filter(partnership=partnership, name="Another trust").exists()
