"""What the generated-input run (test_schema_fuzz.py) found, pinned as plain tests."""

from django.urls import reverse

from interagency.people.models import PeopleImport
from interagency.people.tests.factories import AgencyFactory, PersonFactory


def test_patching_a_persons_text_to_null_clears_it(partnership, coordinator, token_client):
    person = PersonFactory.create(
        agency=AgencyFactory.create(partnership=partnership),
        external_id="E-12",
        registration_number="SW-99",
        job_title="Nurse",
    )
    response = token_client(coordinator).patch(
        f"/api/v1/partnerships/camden/people/{person.pk}",
        {"external_id": None, "registration_number": None, "job_title": None},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["external_id"], body["registration_number"], body["job_title"]) == ("", "", "")
    person.refresh_from_db()
    assert (person.external_id, person.registration_number, person.job_title) == ("", "", "")


def test_an_imports_status_is_documented_with_the_imports_own_values(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    schema = document["components"]["schemas"]["PeopleImportOut"]["properties"]["status"]
    assert set(schema["enum"]) == set(PeopleImport.Status.values)
    assert "previewed" in schema["enum"]
