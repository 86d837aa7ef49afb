"""People import pages: upload, columns, preview, apply, progress and rejected rows."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interagency.core.permissions import Role
from interagency.people.importing import reading
from interagency.people.models import PeopleImport, Person
from interagency.people.services.imports import save_import_mapping, start_people_import
from interagency.people.tests.factories import AgencyFactory

STAFF = "Employee Name,Email,Staff number\nAna Silva,ana@camden.example,H1\nNo Email,bad,H2\n"


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


def url(name, partnership, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def post_file(client, partnership, agency, content: bytes, name="staff.csv", full=False):
    data = {"agency": agency.pk, "file": SimpleUploadedFile(name, content)}
    if full:
        data["is_full_staff_list"] = "on"
    return client.post(url("import-new", partnership), data)


def test_a_coordinator_uploads_maps_previews_and_applies_a_staff_list(
    coordinator_client, partnership, agency
):
    response = post_file(coordinator_client, partnership, agency, STAFF.encode())
    people_import = PeopleImport.objects.get()
    assert response.url == url("import-mapping", partnership, import_id=people_import.pk)

    page = coordinator_client.get(response.url)
    assert page.status_code == 200
    # Suggested from the headers: the name and email columns are already chosen.
    assert page.context["form"].initial["full_name"] == "Employee Name"
    assert page.context["form"].initial["external_id"] == "Staff number"

    response = coordinator_client.post(
        url("import-mapping", partnership, import_id=people_import.pk),
        {"full_name": "Employee Name", "work_email": "Email", "external_id": "Staff number"},
    )
    assert response.url == url("import-preview", partnership, import_id=people_import.pk)
    preview = coordinator_client.get(response.url)
    text = preview.content.decode()
    assert "Add new people" in text and "Enter a work email in the correct format" in text
    assert preview.context["people_import"].created == 1
    assert preview.context["people_import"].rejected == 1
    assert Person.objects.count() == 0

    response = coordinator_client.post(url("import-apply", partnership, import_id=people_import.pk))
    assert response.url == url("import-status", partnership, import_id=people_import.pk)
    status = coordinator_client.get(response.url)
    assert "Applied" in status.content.decode() and "100%" in status.content.decode()
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Ana Silva"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "staff.csv", "The selected file is empty"),
        (b"%PDF-1.4", "staff.pdf", "must be a CSV or an Excel"),
        (b"Ana Silva,ana@x.example\n", "staff.csv", "must be a header row"),
        ("Name\nZoë\n".encode() + "René\n".encode("cp1252"), "staff.csv", "mixes text encodings"),
        (b"Name,Email\n", "staff.csv", "header row but no people"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    coordinator_client, partnership, agency, content, name, message
):
    response = post_file(coordinator_client, partnership, agency, content, name=name)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert message in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_a_file_over_the_limit_is_refused(coordinator_client, partnership, agency, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UPLOAD_BYTES", 10)
    response = post_file(coordinator_client, partnership, agency, b"Name\nAna Silva Long\n")
    assert "smaller than 20 MB" in response.content.decode()
    assert not PeopleImport.objects.exists()


def test_the_mapping_needs_the_name_column(coordinator_client, partnership, agency):
    post_file(coordinator_client, partnership, agency, STAFF.encode())
    people_import = PeopleImport.objects.get()
    response = coordinator_client.post(
        url("import-mapping", partnership, import_id=people_import.pk), {"work_email": "Email"}
    )
    assert response.status_code == 200
    assert "Choose the column that holds the full name" in response.content.decode()


def previewed(agency, user, text=STAFF):
    people_import = start_people_import(
        partnership=agency.partnership,
        agency=agency,
        uploaded_by=user,
        file_name="staff.csv",
        content=text.encode(),
        is_full_staff_list=False,
    )
    save_import_mapping(
        people_import=people_import,
        columns={"full_name": "Employee Name", "work_email": "Email"},
        changed_by=user,
    )
    return people_import


def test_rejected_rows_download_as_csv(coordinator_client, coordinator, partnership, agency):
    people_import = previewed(agency, coordinator, STAFF + "=cmd|' /C calc'!A0,also-bad,H3\n")
    response = coordinator_client.get(
        url("import-rejected-csv", partnership, import_id=people_import.pk)
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "Row,Employee Name,Email,Staff number,Problems"
    assert lines[1].startswith("3,No Email,bad,H2,")
    assert lines[2].startswith("4,'=cmd")


def test_an_agency_lead_imports_only_for_their_own_agency(
    client, sign_in, member_with, partnership, agency, coordinator
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    sign_in(lead)
    for name, offered in ((own.name, True), (agency.name, False)):
        page = client.post(
            url("import-new", partnership), {"agency_search": name, "find_agency": "1"}
        )
        offers = re.findall(r'name="agency" type="radio" value="([^"]+)"', page.text)
        assert offers == ([str(own.pk)] if offered else []) + ["none"]
    refused = post_file(client, partnership, agency, STAFF.encode())
    assert refused.status_code == 200 and refused.context["form"].errors
    other = previewed(agency, coordinator)
    for name in ("import-mapping", "import-preview", "import-status", "import-rejected-csv"):
        assert client.get(url(name, partnership, import_id=other.pk)).status_code == 404
    assert client.post(url("import-apply", partnership, import_id=other.pk)).status_code == 404
    assert not Person.objects.exists()
    mine = previewed(own, lead)
    assert client.get(url("import-preview", partnership, import_id=mine.pk)).status_code == 200


def test_line_managers_cannot_import(client, sign_in, member_with, partnership):
    sign_in(member_with(Role.LINE_MANAGER))
    assert client.get(url("imports", partnership)).status_code == 403


def test_a_queued_import_shows_progress_with_a_refresh_link_and_an_htmx_poll(
    coordinator_client, coordinator, partnership, agency
):
    people_import = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk=people_import.pk).update(
        status=PeopleImport.Status.RUNNING, rows_total=4000, rows_done=1000
    )
    status_url = url("import-status", partnership, import_id=people_import.pk)
    page = coordinator_client.get(status_url).content.decode()
    assert "1,000 of 4,000 rows checked (25%)" in page
    assert f'href="{status_url}">Refresh</a>' in page
    assert 'hx-trigger="every 2s"' in page
    partial = coordinator_client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="progress"')
    assert "<html" not in partial


def test_the_status_and_list_pages_make_a_fixed_number_of_queries(
    coordinator_client, coordinator, partnership, agency, django_assert_max_num_queries
):
    first = previewed(agency, coordinator)
    for _ in range(5):
        previewed(AgencyFactory.create(partnership=partnership), coordinator)
    with django_assert_max_num_queries(12):
        coordinator_client.get(url("import-status", partnership, import_id=first.pk))
    with django_assert_max_num_queries(12):
        response = coordinator_client.get(url("imports", partnership))
    assert len(response.context["page"].object_list) == 6
