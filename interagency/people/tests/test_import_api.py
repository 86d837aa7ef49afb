"""Staff-list imports through the API: upload and preview, apply, poll, rejected rows."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.accounts.services import issue_access_token
from interagency.core.permissions import Role
from interagency.people.importing import reading
from interagency.people.models import ColumnMapping, PeopleImport, Person
from interagency.people.services.imports import apply as applying_imports
from interagency.people.tests.factories import AgencyFactory

STAFF = (
    "Employee Name,Email,Staff number\n"
    "Ana Silva,ana@camden.example,H1\n"
    "No Email,bad,H2\n"
    "Ben Okafor,ben@camden.example,H3\n"
)
COLUMNS = {"full_name": "Employee Name", "work_email": "Email", "external_id": "Staff number"}


@pytest.fixture
def token_client(db):
    def make(user) -> Client:
        _, text = issue_access_token(user=user, name="Tests")
        return Client(headers={"Authorization": f"Bearer {text}"})

    return make


@pytest.fixture
def api(token_client, coordinator):
    return token_client(coordinator)


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


def url(name: str, partnership, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


def upload(
    client, partnership, agency, content: bytes, *, name="staff.csv", columns=COLUMNS, **extra
):
    data = {"agency": agency.pk, "file": SimpleUploadedFile(name, content), **extra}
    if columns is not None:
        data["columns"] = columns if isinstance(columns, str) else json.dumps(columns)
    return client.post(url("import-list", partnership), data)


def messages_of(response) -> dict[str, str]:
    return {error["field"]: error["message"] for error in response.json().get("errors", [])}


def test_a_coordinator_uploads_previews_applies_and_polls_an_import(api, partnership, agency):
    response = upload(api, partnership, agency, STAFF.encode())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "previewed"
    assert (body["created"], body["rejected"], body["rows_total"]) == (2, 1, 3)
    assert body["agency_id"] == agency.pk and body["file_name"] == "staff.csv"
    assert body["reading_notes"] == ["Read as UTF-8"]
    [problem] = body["problems"]
    assert (problem["row"], problem["column"], problem["level"]) == (3, "Email", "error")
    assert "correct format" in problem["message"]
    assert not Person.objects.exists()
    assert ColumnMapping.objects.get(agency=agency).columns == COLUMNS

    import_id = body["id"]
    applied = api.post(url("import-apply", partnership, import_id=import_id))
    assert applied.status_code == 200, applied.json()
    assert applied.json()["status"] == "applied" and applied.json()["percent"] == 100
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["Ana Silva", "Ben Okafor"]

    polled = api.get(url("import-detail", partnership, import_id=import_id)).json()
    assert (polled["status"], polled["created"], polled["rejected"]) == ("applied", 2, 1)
    assert polled["rows_done"] == polled["rows_total"] == 3
    # Applying again changes nothing.
    again = api.post(url("import-apply", partnership, import_id=import_id))
    assert again.json()["status"] == "applied"
    assert Person.objects.count() == 2

    listed = api.get(url("import-list", partnership)).json()
    assert [i["id"] for i in listed["results"]] == [import_id]


def test_the_agencys_remembered_columns_are_used_when_none_are_sent(api, partnership, agency):
    ColumnMapping.objects.create(
        partnership=partnership,
        agency=agency,
        columns={**COLUMNS, "job_title": "Post"},  # "Post" is not in this file: left out
    )
    response = upload(api, partnership, agency, STAFF.encode(), columns=None)
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2


def test_without_columns_sent_or_remembered_the_upload_names_the_columns_field(
    api, partnership, agency
):
    response = upload(api, partnership, agency, STAFF.encode(), columns=None)
    assert response.status_code == 400
    message = messages_of(response)["columns"]
    assert "No columns are remembered" in message and "full_name='Employee Name'" in message
    assert not PeopleImport.objects.exists()


def test_a_column_missing_from_the_file_is_named(api, partnership, agency):
    response = upload(
        api, partnership, agency, STAFF.encode(), columns={"full_name": "Name", "role": "Role"}
    )
    assert response.status_code == 400
    errors = messages_of(response)
    assert "no column 'Name'" in errors["columns.full_name"]
    assert "no column 'Role'" in errors["columns.role"]
    unknown = upload(api, partnership, agency, STAFF.encode(), columns={"shoe_size": "Email"})
    assert "Not a field of a person" in messages_of(unknown)["columns.shoe_size"]
    broken = upload(api, partnership, agency, STAFF.encode(), columns="{not json")
    assert "Columns must be JSON" in messages_of(broken)["columns"]
    assert not PeopleImport.objects.exists()


def workbook_with_formula() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email"])
    sheet.append(["Ana Silva", "ana@camden.example"])
    sheet["A3"] = "=A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a staff list", "staff.pdf", "must be a CSV or an Excel (.xlsx) file"),
        (b"Ana Silva,ana@x.example\n", "staff.csv", "must be a header row"),
        (b"", "staff.csv", "The selected file is empty"),
        (b"Employee Name,Email\n", "staff.csv", "header row but no people"),
        (
            "Employee Name\nZoë\n".encode() + "René\n".encode("cp1252"),
            "staff.csv",
            "mixes text encodings",
        ),
        (workbook_with_formula(), "staff.xlsx", "formula in cell A3"),
    ],
)
def test_a_bad_file_answers_400_naming_the_problem(
    api, partnership, agency, content, name, message
):
    response = upload(api, partnership, agency, content, name=name, columns={"full_name": "Name"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert message in messages_of(response)["file"]
    assert not PeopleImport.objects.exists()


def test_a_file_over_the_size_limit_answers_400(api, partnership, agency, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UPLOAD_BYTES", 20)
    response = upload(api, partnership, agency, STAFF.encode())
    assert response.status_code == 400
    assert "must be smaller than" in messages_of(response)["file"]
    assert not PeopleImport.objects.exists()


def test_a_missing_file_or_agency_is_named(api, partnership):
    response = api.post(url("import-list", partnership), {})
    assert response.status_code == 400
    errors = messages_of(response)
    assert "Select a CSV or XLSX file" in errors["file"]
    assert "agency" in errors


def test_rejected_rows_as_json_and_csv(api, partnership, agency):
    text = STAFF + "=cmd|' /C calc'!A0,also-bad,H4\n"
    import_id = upload(api, partnership, agency, text.encode()).json()["id"]
    report = api.get(url("import-rejected-rows", partnership, import_id=import_id)).json()
    assert report["rejected"] == 2 and report["complete"] is True
    assert [(r["row"], r["column"]) for r in report["rows"]] == [(3, "Email"), (5, "Email")]
    assert "correct format" in report["rows"][0]["reason"]

    response = api.get(url("import-rejected-rows-csv", partnership, import_id=import_id))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="staff-rejected-rows.csv"' in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "Row,Employee Name,Email,Staff number,Problems"
    assert lines[1].startswith("3,No Email,bad,H2,")
    assert lines[2].startswith("5,'=cmd")

    api.post(url("import-apply", partnership, import_id=import_id))
    after = api.get(url("import-rejected-rows", partnership, import_id=import_id)).json()
    assert [r["row"] for r in after["rows"]] == [3, 5] and after["complete"] is True
    # Kept from the check, so still there once the file is gone: the same rows to correct.
    kept = api.get(url("import-rejected-rows-csv", partnership, import_id=import_id))
    assert kept.status_code == 200
    assert kept.content.decode().splitlines() == lines


def test_a_large_file_is_queued_and_polled_while_the_worker_runs(
    api, partnership, agency, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(applying_imports, "BACKGROUND_ROWS", 2)
    import_id = upload(api, partnership, agency, STAFF.encode()).json()["id"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(url("import-apply", partnership, import_id=import_id))
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert len(callbacks) == 1  # the task is enqueued once the transaction commits
    PeopleImport.objects.filter(pk=import_id).update(status="running", rows_done=1)
    polled = api.get(url("import-detail", partnership, import_id=import_id)).json()
    assert (polled["status"], polled["rows_done"], polled["percent"]) == ("running", 1, 33)
    assert not Person.objects.exists()


def test_an_agency_lead_imports_only_for_their_own_agency(
    token_client, member_with, partnership, agency, coordinator
):
    lead = member_with(Role.AGENCY_LEAD)
    own = AgencyFactory.create(partnership=partnership, lead=lead)
    client = token_client(lead)
    refused = upload(client, partnership, agency, STAFF.encode())
    assert refused.status_code == 400
    assert "among those you import for" in messages_of(refused)["agency"]
    other = upload(token_client(coordinator), partnership, agency, STAFF.encode()).json()["id"]
    for name in ("import-detail", "import-rejected-rows", "import-rejected-rows-csv"):
        assert client.get(url(name, partnership, import_id=other)).status_code == 404
    assert client.post(url("import-apply", partnership, import_id=other)).status_code == 404
    assert not Person.objects.exists()
    assert client.get(url("import-list", partnership)).json()["count"] == 0
    mine = upload(client, partnership, own, STAFF.encode())
    assert mine.status_code == 201
    assert client.get(url("import-list", partnership)).json()["count"] == 1


def test_members_who_may_not_import_are_refused(token_client, member_with, partnership, agency):
    client = token_client(member_with(Role.LINE_MANAGER))
    assert client.get(url("import-list", partnership)).status_code == 403
    assert upload(client, partnership, agency, STAFF.encode()).status_code == 403


def test_imports_cost_a_fixed_number_of_queries(
    api, partnership, agency, coordinator, django_assert_max_num_queries
):
    first = upload(api, partnership, agency, STAFF.encode()).json()["id"]
    for _ in range(5):
        other = AgencyFactory.create(partnership=partnership)
        upload(api, partnership, other, STAFF.encode())
    with django_assert_max_num_queries(5):
        listed = api.get(url("import-list", partnership) + "?page_size=50").json()
    assert listed["count"] == 6
    with django_assert_max_num_queries(4):
        api.get(url("import-detail", partnership, import_id=first))
    # An upload's queries do not grow with the file: 3 rows and 203 rows cost the same.
    counts = []
    for extra in (0, 200):
        text = STAFF + "".join(f"P {n},p{n}@camden.example,X{n}\n" for n in range(extra))
        with CaptureQueriesContext(connection) as queries:
            assert upload(api, partnership, agency, text.encode()).status_code == 201
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 27  # 26, and one for the agency's further posts
