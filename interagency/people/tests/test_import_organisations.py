"""People imports across agencies: each row's agency from the file's organisation column,
matched by name, code or a remembered alias; unknown organisations chosen on the preview."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.people.importing.organisations import REJECT
from interagency.people.models import AgencyAlias, PeopleImport, Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory

TODAY = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.UTC)
COLUMNS = {"full_name": "Name", "work_email": "Email", "organisation": "Organisation"}


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def health(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


@pytest.fixture
def council(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Council", code="CAM01")


def url(name, partnership, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def upload_from_file(client, partnership, text: str, columns=COLUMNS):
    """Upload a file whose agency is taken from its organisation column, map it; the import."""
    file = SimpleUploadedFile("staff.csv", text.encode())
    response = client.post(url("import-new", partnership), {"agency": "none", "file": file})
    assert response.status_code == 302, response.context["form"].errors
    people_import = PeopleImport.objects.order_by("-pk")[0]
    response = client.post(url("import-mapping", partnership, import_id=people_import.pk), columns)
    assert response.status_code == 302, response.context["form"].errors
    people_import.refresh_from_db()
    return people_import


def choose(client, partnership, people_import, **choices):
    """Post the preview's organisation table: {organisation text: agency id or "reject"}."""
    page = client.get(url("import-preview", partnership, import_id=people_import.pk))
    form = page.context["choices_form"]
    texts = {
        name: people_import.review["organisations"][key]["text"]
        for name, key in form.unknown_organisations
    }
    data = {name: choices[text] for name, text in texts.items() if text in choices}
    response = client.post(url("import-preview", partnership, import_id=people_import.pk), data)
    assert response.status_code == 302
    people_import.refresh_from_db()
    return people_import


def apply(client, partnership, people_import):
    client.post(url("import-apply", partnership, import_id=people_import.pk))
    people_import.refresh_from_db()
    return people_import


def errors(people_import):
    return {
        (p["row"], p["column"], p["message"])
        for p in people_import.problems
        if p["level"] == "error"
    }


def agencies_of_people():
    return dict(Person.objects.values_list("full_name", "agency__name"))


STAFF = (
    "Name,Email,Organisation\n"
    "Ana Silva,ana@camden.example,camden  HEALTH\n"  # by name, any case and spacing
    "Ben Okafor,ben@camden.example,cam01\n"  # by code
    "Cy Three,cy@camden.example,Camden Hlth Trust\n"  # unknown: chosen on the preview
    "Di Four,di@camden.example,Camden Hlth Trust\n"
)


def test_rows_go_to_the_agency_their_organisation_names_and_a_chosen_alias_is_remembered(
    coordinator_client, partnership, health, council
):
    existing = PersonFactory.create(
        partnership=partnership, agency=health, full_name="Ana Old", work_email="ana@camden.example"
    )
    people_import = upload_from_file(coordinator_client, partnership, STAFF)
    assert people_import.agency is None
    unknown = people_import.review["organisations"]["camden hlth trust"]
    assert (unknown["text"], unknown["rows"], unknown["sample"]) == ("Camden Hlth Trust", 2, [4, 5])
    assert errors(people_import) == {
        (
            row,
            "Organisation",
            "No agency of the partnership is called 'Camden Hlth Trust': choose its agency, or to "
            "reject these rows, in the table of organisations on the preview.",
        )
        for row in (4, 5)
    }
    page = coordinator_client.get(url("import-preview", partnership, import_id=people_import.pk))
    assert "Organisations no agency matches" in page.content.decode()

    people_import = choose(
        coordinator_client, partnership, people_import, **{"Camden Hlth Trust": str(health.pk)}
    )
    assert (people_import.created, people_import.updated, people_import.rejected) == (3, 1, 0)
    assert apply(coordinator_client, partnership, people_import).status == "applied"
    # The existing person is matched within their agency (by email) and updated, not doubled.
    existing.refresh_from_db()
    assert existing.full_name == "Ana Silva"
    assert agencies_of_people() == {
        "Ana Silva": "Camden Health",
        "Ben Okafor": "Camden Council",
        "Cy Three": "Camden Health",
        "Di Four": "Camden Health",
    }
    alias = AgencyAlias.objects.get()
    assert (alias.text, alias.agency) == ("camden hlth trust", health)
    assert AuditEvent.objects.filter(
        subject_type="people.AgencyAlias", action=AuditEvent.Action.CREATED
    ).exists()

    # The next import knows the alias: nothing to choose, the rows go to Camden Health.
    again = upload_from_file(
        coordinator_client,
        partnership,
        "Name,Email,Organisation\nEd Five,ed@camden.example,CAMDEN HLTH TRUST\n",
    )
    assert again.review["organisations"] == {} and again.rejected == 0
    apply(coordinator_client, partnership, again)
    assert agencies_of_people()["Ed Five"] == "Camden Health"


def test_a_blank_or_rejected_organisation_rejects_the_row_with_row_and_column(
    coordinator_client, partnership, health
):
    text = (
        "Name,Email,Organisation\n"
        "Ana Silva,ana@camden.example,Camden Health\n"
        "Ben Okafor,ben@camden.example,  \n"
        "Cy Three,cy@camden.example,Nowhere Ltd\n"
    )
    people_import = upload_from_file(coordinator_client, partnership, text)
    people_import = choose(
        coordinator_client, partnership, people_import, **{"Nowhere Ltd": REJECT}
    )
    assert errors(people_import) == {
        (
            3,
            "Organisation",
            "Enter the organisation or employer: without it the person's agency is unknown.",
        ),
        (4, "Organisation", "You chose on the preview to reject the rows naming 'Nowhere Ltd'."),
    }
    apply(coordinator_client, partnership, people_import)
    assert agencies_of_people() == {"Ana Silva": "Camden Health"}
    assert not AgencyAlias.objects.exists()  # rejecting remembers nothing


def test_another_partnerships_agency_never_matches_and_cannot_be_chosen(
    coordinator_client, partnership, other_partnership, health
):
    theirs = AgencyFactory.create(partnership=other_partnership, name="Islington Health")
    AgencyAlias.objects.create(partnership=other_partnership, agency=theirs, text="isl")
    text = (
        "Name,Email,Organisation\n"
        "Ana Silva,ana@camden.example,Islington Health\n"
        "B One,b@x.example,ISL\n"
    )
    people_import = upload_from_file(coordinator_client, partnership, text)
    assert set(people_import.review["organisations"]) == {"islington health", "isl"}
    assert people_import.rejected == 2
    page = coordinator_client.get(url("import-preview", partnership, import_id=people_import.pk))
    assert "Islington Health</option>" not in page.content.decode()
    form = page.context["choices_form"]
    name = form.unknown_organisations[0][0]
    refused = coordinator_client.post(
        url("import-preview", partnership, import_id=people_import.pk), {name: str(theirs.pk)}
    )
    assert refused.status_code == 200 and refused.context["choices_form"].errors[name]
    apply(coordinator_client, partnership, people_import)
    assert not Person.objects.exists()


def test_an_agency_lead_imports_only_into_the_agencies_they_lead(
    client, sign_in, member_with, partnership, health, council
):
    lead = member_with(Role.AGENCY_LEAD)
    health.lead = lead
    health.save()
    sign_in(lead)
    text = (
        "Name,Email,Organisation\n"
        "Ana Silva,ana@camden.example,Camden Health\n"
        "Ben Okafor,ben@camden.example,Camden Council\n"
    )
    people_import = upload_from_file(client, partnership, text)
    assert errors(people_import) == {
        (
            3,
            "Organisation",
            "'Camden Council' is Camden Council, which you do not lead: you may import people "
            "only into the agencies you lead.",
        )
    }
    apply(client, partnership, people_import)
    assert agencies_of_people() == {"Ana Silva": "Camden Health"}


def test_an_import_across_agencies_needs_its_organisation_column_and_no_full_list(
    coordinator_client, partnership, health
):
    file = SimpleUploadedFile("staff.csv", STAFF.encode())
    refused = coordinator_client.post(
        url("import-new", partnership), {"agency": "none", "file": file, "is_full_staff_list": "on"}
    )
    assert (
        "A full staff list is one agency's"
        in refused.context["form"].errors["is_full_staff_list"][0]
    )
    file = SimpleUploadedFile("staff.csv", STAFF.encode())
    coordinator_client.post(url("import-new", partnership), {"agency": "none", "file": file})
    people_import = PeopleImport.objects.get()
    page = coordinator_client.post(
        url("import-mapping", partnership, import_id=people_import.pk),
        {"full_name": "Name", "work_email": "Email"},
    )
    assert page.context["form"].errors["organisation"] == [
        "Choose the column that holds the organisation or employer: "
        "each person's agency is taken from it."
    ]


def test_one_agency_imports_offer_no_organisation_column(coordinator_client, partnership, health):
    file = SimpleUploadedFile("staff.csv", STAFF.encode())
    coordinator_client.post(url("import-new", partnership), {"agency": health.pk, "file": file})
    people_import = PeopleImport.objects.get()
    page = coordinator_client.get(url("import-mapping", partnership, import_id=people_import.pk))
    assert "organisation" not in page.context["form"].fields
    coordinator_client.post(
        url("import-mapping", partnership, import_id=people_import.pk),
        {"full_name": "Name", "work_email": "Email"},
    )
    apply(coordinator_client, partnership, PeopleImport.objects.get())
    # Every row is the chosen agency's, whatever the file's organisation says.
    assert set(agencies_of_people().values()) == {"Camden Health"}


def test_the_api_imports_across_agencies_when_no_agency_is_sent(
    coordinator, partnership, health, council
):
    import json

    from django.test import Client

    from interagency.accounts.services import issue_access_token

    _, token = issue_access_token(user=coordinator, name="Tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    endpoint = reverse("api:import-list", kwargs={"code": partnership.code})
    response = api.post(
        endpoint,
        {
            "file": SimpleUploadedFile("staff.csv", STAFF.encode()),
            "columns": json.dumps(COLUMNS),
            "choices": json.dumps({"organisations": {"Camden Hlth Trust": health.pk}}),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["agency_id"], body["created"], body["rejected"]) == (None, 4, 0)
    applied = api.post(
        reverse("api:import-apply", kwargs={"code": partnership.code, "import_id": body["id"]})
    )
    assert applied.status_code == 200, applied.json()
    assert agencies_of_people()["Ben Okafor"] == "Camden Council"
    assert AgencyAlias.objects.get().agency == health
