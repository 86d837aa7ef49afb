"""E-learning completions from a CSV or XLSX file: previewed, then applied once, on confirmation."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.records.models import RecordImport, TrainingRecord

# Written around named dates (2025 and 2026): they stand at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)


def upload(client, partnership, name, content):
    url = reverse("records:import-new", kwargs={"code": partnership.code})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def csv_of(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def test_a_coordinator_previews_then_confirms_and_unknown_rows_are_left_out(
    client, sign_in, partnership, catalogue, team
):
    sign_in(team["coordinator"])
    content = csv_of(
        "Work email,Staff number,Course,Completed,Hours",
        "ada@agency.example,,Core,03/02/2026,",
        ",E100,Intro,2026-01-15,1.5",
        "nobody@agency.example,,Core,03/02/2026,",
        "ada@agency.example,,Knitting,03/02/2026,",
        "ada@agency.example,,Core,31/12/2026,",
        "ada@agency.example,,Core,02/30/2026,",
    )
    response = upload(client, partnership, "completions.csv", content)
    assert response.status_code == 302
    record_import = RecordImport.objects.get()
    preview = client.get(response["Location"])
    text = preview.text
    assert "2 to record" in text
    assert "No person in this partnership has the work email nobody@agency.example" in text
    assert "No course called Knitting" in text
    assert "must be today or in the past" in text
    assert "02/30/2026 is not a date" in text
    assert "day/month/year text" in text  # how the date column was read
    # Row numbers as in the file (the header is row 1).
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">4</td>' in text
    assert not TrainingRecord.objects.exists()

    applied = client.post(response["Location"])
    assert applied.status_code == 302
    summary = client.get(response["Location"]).text
    assert "2 recorded" in summary and "0 already recorded" in summary
    records = {r.course.title: r for r in TrainingRecord.objects.select_related("course")}
    assert set(records) == {"Core", "Intro"}
    assert records["Core"].source == TrainingRecord.Source.ELEARNING
    assert records["Core"].hours == catalogue["core"].duration_hours
    assert records["Intro"].completed_on == datetime.date(2026, 1, 15)
    assert records["Intro"].tier_id == catalogue["intro"].tier_id
    assert records["Core"].inter_agency is False
    record_import.refresh_from_db()
    assert record_import.status == RecordImport.Status.APPLIED
    assert AuditEvent.objects.filter(subject_type="records.TrainingRecord").count() == 2

    # Confirming again, or importing the same completions again, records nothing twice.
    again = client.post(response["Location"])
    assert "already been applied" in again.text
    second = upload(client, partnership, "again.csv", content)
    assert "0 to record" in client.get(second["Location"]).text
    client.post(second["Location"])
    assert TrainingRecord.objects.count() == 2


def test_an_xlsx_file_with_date_cells_is_read(client, sign_in, partnership, catalogue, team):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Course title", "Date completed"])
    sheet.append(["ADA@agency.example", "core", datetime.datetime(2026, 2, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sign_in(team["coordinator"])
    response = upload(client, partnership, "completions.xlsx", buffer.getvalue())
    client.post(response["Location"])
    record = TrainingRecord.objects.get()
    assert record.completed_on == datetime.date(2026, 2, 1)
    assert record.person == team["learner"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("completions.csv", b"", "file is empty"),
        ("completions.pdf", b"%PDF-1.4", "must be a CSV or an Excel"),
        ("completions.csv", csv_of("Name,Course", "Ada,Core"), "Work email or Staff number"),
    ],
)
def test_a_file_it_cannot_use_is_refused_saying_why(
    client, sign_in, partnership, catalogue, team, name, content, message
):
    sign_in(team["coordinator"])
    response = upload(client, partnership, name, content)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert not RecordImport.objects.exists()


def test_only_coordinators_import(client, sign_in, partnership, team):
    sign_in(team["manager_user"])
    url = reverse("records:import-new", kwargs={"code": partnership.code})
    assert client.get(url).status_code == 403


def test_the_preview_reads_a_fixed_number_of_queries(
    client, sign_in, partnership, catalogue, team, django_assert_max_num_queries
):
    from interagency.people.tests.factories import PersonFactory

    people = PersonFactory.create_batch(30, partnership=partnership, agency=team["learner"].agency)
    rows = [f"{person.work_email},Core,01/02/2026" for person in people]
    sign_in(team["coordinator"])
    response = upload(client, partnership, "many.csv", csv_of("Email,Course,Completed", *rows))
    with django_assert_max_num_queries(14):
        preview = client.get(response["Location"])
    assert "30 to record" in preview.text
