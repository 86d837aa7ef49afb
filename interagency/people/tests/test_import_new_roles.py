"""An unknown role of a staff list created in a tier of an adopted framework from the preview."""

import datetime
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.catalogue.models import Role
from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory, TierFactory
from interagency.core.permissions import Role as MemberRole
from interagency.people.models import PeopleImport, Person
from interagency.people.services.imports import apply as applying_imports
from interagency.people.services.imports import save_import_choices
from interagency.people.tests.factories import AgencyFactory

TODAY = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.UTC)
STAFF = (
    "Name,Email,Role\n"
    "Ana Silva,ana@camden.example,Snr Practitioner\n"
    "Ben Okafor,ben@camden.example,snr practitioner\n"
    "Cy Three,cy@camden.example,Children's Social Worker\n"
)
COLUMNS = {"full_name": "Name", "work_email": "Email", "role": "Role"}


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


@pytest.fixture
def social_worker(partnership):
    role = RoleFactory.create(name="Children's Social Worker")
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    return role


@pytest.fixture
def tier(social_worker):
    return TierFactory.create(framework=social_worker.framework, name="Group C", order=3)


def url(name, partnership, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def preview(client, partnership, agency):
    file = SimpleUploadedFile("staff.csv", STAFF.encode())
    client.post(url("import-new", partnership), {"agency": agency.pk, "file": file})
    people_import = PeopleImport.objects.order_by("-pk")[0]
    client.post(url("import-mapping", partnership, import_id=people_import.pk), COLUMNS)
    people_import.refresh_from_db()
    return people_import


def choose(client, partnership, people_import, value):
    page = client.get(url("import-preview", partnership, import_id=people_import.pk))
    form = page.context["choices_form"]
    [(name, _)] = form.unknown_roles
    client.post(url("import-preview", partnership, import_id=people_import.pk), {name: value})
    people_import.refresh_from_db()
    return form[name]


def test_the_coordinator_creates_an_unknown_role_in_a_tier_and_its_people_get_it(
    coordinator_client, partnership, agency, tier
):
    people_import = preview(coordinator_client, partnership, agency)
    assert (people_import.created, people_import.rejected) == (1, 2)

    field = choose(coordinator_client, partnership, people_import, f"new:{tier.pk}")
    offered = dict(field.field.choices)
    assert offered[f"new:{tier.pk}"] == "Create the role 'Snr Practitioner' in Group C"
    # The rows wait only for the apply to create their role: good rows on the preview.
    assert (people_import.created, people_import.rejected) == (3, 0)
    assert not Role.objects.filter(name="Snr Practitioner").exists()

    coordinator_client.post(url("import-apply", partnership, import_id=people_import.pk))
    people_import.refresh_from_db()
    assert people_import.status == "applied"
    role = Role.objects.get(name="Snr Practitioner")  # once, for both spellings
    assert (role.local_to, role.tier, role.framework) == (partnership, tier, tier.framework)
    roles = dict(Person.objects.values_list("full_name", "role__name"))
    assert roles == {
        "Ana Silva": "Snr Practitioner",
        "Ben Okafor": "Snr Practitioner",
        "Cy Three": "Children's Social Worker",
    }


def test_a_tier_of_another_partnerships_framework_holds_the_rows_back(
    coordinator_client, partnership, agency, tier
):
    foreign = TierFactory.create(name="Their tier")  # a framework this partnership never adopted
    people_import = preview(coordinator_client, partnership, agency)
    field = choose(coordinator_client, partnership, people_import, f"new:{foreign.pk}")
    assert f"new:{foreign.pk}" not in dict(field.field.choices)

    # Sent anyway (the API takes the same choices): the rows are held back with the reason.
    save_import_choices(
        people_import=people_import,
        choices={"roles": {"Snr Practitioner": f"new:{foreign.pk}"}},
        changed_by=None,
    )
    people_import.refresh_from_db()
    assert (people_import.created, people_import.rejected) == (1, 2)
    reasons = {p["row"]: p["message"] for p in people_import.problems if p["level"] == "error"}
    assert set(reasons) == {2, 3}
    assert "cannot be created in the tier chosen" in reasons[2]
    coordinator_client.post(url("import-apply", partnership, import_id=people_import.pk))
    assert not Role.objects.filter(name="Snr Practitioner").exists()
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Cy Three"]


def test_only_those_who_manage_the_catalogue_are_offered_to_create_a_role(
    client, member_with, partnership, agency, tier
):
    from conftest import sign_in_verified

    lead = member_with(MemberRole.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    sign_in_verified(client, lead)
    people_import = preview(client, partnership, own)
    field = choose(client, partnership, people_import, f"new:{tier.pk}")
    assert not any(value.startswith("new:") for value, _ in field.field.choices)
    assert people_import.rejected == 2  # the choice is refused: the rows still wait
    assert not Role.objects.filter(name="Snr Practitioner").exists()


def test_a_failed_apply_creates_no_role(coordinator_client, partnership, agency, tier, monkeypatch):
    people_import = preview(coordinator_client, partnership, agency)
    choose(coordinator_client, partnership, people_import, f"new:{tier.pk}")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(applying_imports, "remember_agency_aliases", broken)
    coordinator_client.post(url("import-apply", partnership, import_id=people_import.pk))
    people_import.refresh_from_db()
    assert people_import.status == "failed"
    assert not Role.objects.filter(name="Snr Practitioner").exists()
    assert not Person.objects.exists()


def test_the_api_choices_create_the_role(coordinator, partnership, agency, tier):
    from django.test import Client

    _, token = issue_access_token(user=coordinator, name="Tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    uploaded = api.post(
        reverse("api:import-list", kwargs={"code": partnership.code}),
        {
            "agency": agency.pk,
            "file": SimpleUploadedFile("staff.csv", STAFF.encode()),
            "columns": json.dumps(COLUMNS),
            "choices": json.dumps({"roles": {"Snr Practitioner": f"new:{tier.pk}"}}),
        },
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert (uploaded.json()["created"], uploaded.json()["rejected"]) == (3, 0)
    import_id = uploaded.json()["id"]
    applied = api.post(
        reverse("api:import-apply", kwargs={"code": partnership.code, "import_id": import_id})
    )
    assert applied.json()["status"] == "applied"
    assert Role.objects.get(name="Snr Practitioner").local_to == partnership
    assert Person.objects.filter(role__name="Snr Practitioner").count() == 2

    refused = api.post(
        reverse("api:import-list", kwargs={"code": partnership.code}),
        {
            "agency": agency.pk,
            "file": SimpleUploadedFile("staff.csv", STAFF.encode()),
            "columns": json.dumps(COLUMNS),
            "choices": json.dumps({"roles": {"Snr Practitioner": "new:somewhere"}}),
        },
    )
    assert refused.status_code == 400
    errors = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert "new:<tier id>" in errors["choices.roles.Snr Practitioner"]
