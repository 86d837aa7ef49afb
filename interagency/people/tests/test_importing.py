"""People import: reading files, mapping columns, checking rows and applying them whole."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import override_settings

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory
from interagency.people.importing import applying, checking, mapping, reading, rejecting
from interagency.people.models import ColumnMapping, PeopleImport, Person, Service
from interagency.people.services.imports import apply as applying_imports
from interagency.people.services.imports import (
    apply_people_import,
    save_import_mapping,
    start_people_import,
)
from interagency.people.tests.factories import AgencyFactory, PersonFactory

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
HEADER = "Name,Email,Job title,Role,Team,Manager email,Contract,Start date,Leaving date,Staff no\n"
COLUMNS = {
    "full_name": "Name",
    "work_email": "Email",
    "job_title": "Job title",
    "role": "Role",
    "service": "Team",
    "line_manager_email": "Manager email",
    "employment_type": "Contract",
    "started_on": "Start date",
    "left_on": "Leaving date",
    "external_id": "Staff no",
}


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


@pytest.fixture
def social_worker(partnership):
    role = RoleFactory.create(name="Children's Social Worker")
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    return role


def upload(agency, coordinator, text: str | bytes, *, full=False, name="staff.csv"):
    content = text.encode() if isinstance(text, str) else text
    return start_people_import(
        partnership=agency.partnership,
        agency=agency,
        uploaded_by=coordinator,
        file_name=name,
        content=content,
        is_full_staff_list=full,
    )


def preview(people_import, coordinator, columns=None):
    save_import_mapping(
        people_import=people_import, columns=columns or COLUMNS, changed_by=coordinator
    )
    people_import.refresh_from_db()
    return people_import


def import_file(agency, coordinator, text, *, full=False, columns=None, name="staff.csv"):
    people_import = preview(
        upload(agency, coordinator, text, full=full, name=name), coordinator, columns
    )
    apply_people_import(people_import=people_import, applied_by=coordinator)
    people_import.refresh_from_db()
    return people_import


NAME_AND_EMAIL = {"full_name": "Name", "work_email": "Email"}
FIRST = HEADER + (
    "Ana Silva,ana@camden.example,Social worker,children's social worker,Duty team,"
    "ben@camden.example,Permanent,2021-04-01,,H1\n"
    "Ben Okafor,ben@camden.example,Team manager,Children's Social Worker,Duty team,,"
    "Agency or locum,01/09/2019,,H2\n"
)


# --- Reading files ----------------------------------------------------------------


def test_a_utf8_file_with_a_byte_order_mark_reads_its_accents():
    table = reading.read_table(("\ufeffName,Email\nZoë Brontë,zoe@x.example\n").encode(), "a.csv")
    assert table.headers == ["Name", "Email"]
    assert table.rows == [["Zoë Brontë", "zoe@x.example"]]


def test_a_windows_1252_file_reads_its_accents():
    table = reading.read_table("Name;Email\nRené Côté;rene@x.example\n".encode("cp1252"), "a.csv")
    assert table.rows == [["René Côté", "rene@x.example"]]  # and the semicolon was sniffed


def test_a_file_mixing_encodings_is_refused_with_the_line():
    content = "Name,Email\nZoë,z@x.example\n".encode() + "René,r@x.example\n".encode("cp1252")
    with pytest.raises(reading.ImportFileError, match=r"mixes text encodings.*line 3"):
        reading.read_table(content, "a.csv")


def test_a_file_without_a_header_row_is_refused():
    with pytest.raises(reading.ImportFileError, match="header row"):
        reading.read_table(b"Ana Silva,ana@x.example,2021-01-01\n", "a.csv")


def test_a_file_that_is_not_csv_or_xlsx_is_refused():
    with pytest.raises(reading.ImportFileError, match="CSV or an Excel"):
        reading.read_table(b"%PDF-1.7 ...", "staff.pdf")


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(reading.ImportFileError, match="smaller than 20 MB"):
        reading.read_table(b"x" * (reading.MAX_UPLOAD_BYTES + 1), "big.csv")


def workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_is_read_with_dates_as_iso_text():
    content = workbook_bytes([["Name", "Start date"], ["Ana Silva", datetime.date(2021, 4, 1)]])
    table = reading.read_table(content, "staff.xlsx")
    assert table.rows == [["Ana Silva", "2021-04-01"]]


def test_a_workbook_with_formulas_is_refused_with_the_cell():
    content = workbook_bytes([["Name", "Count"], ["Ana Silva", "=1+1"]])
    with pytest.raises(reading.ImportFileError, match="formula in cell B2"):
        reading.read_table(content, "staff.xlsx")


def test_a_workbook_that_expands_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNCOMPRESSED_BYTES", 100)
    content = workbook_bytes([["Name"], ["Ana Silva"]])
    with pytest.raises(reading.ImportFileError, match="too large once opened"):
        reading.read_table(content, "staff.xlsx")


# --- Mapping ------------------------------------------------------------------------


def test_columns_are_suggested_from_their_names():
    headers = ["Employee Name", "E-mail address", "Job Title", "Department", "Start Date"]
    assert mapping.suggest_mapping(headers) == {
        "full_name": "Employee Name",
        "work_email": "E-mail address",
        "job_title": "Job Title",
        "service": "Department",
        "started_on": "Start Date",
    }


def test_the_agencys_remembered_columns_win(agency, coordinator):
    preview(
        upload(agency, coordinator, "Who,Email\nAna,ana@x.example\n"),
        coordinator,
        {"full_name": "Who", "work_email": "Email"},
    )
    assert ColumnMapping.objects.get(agency=agency).columns == {
        "full_name": "Who",
        "work_email": "Email",
    }
    assert mapping.suggest_mapping(["Email", "Who"], {"full_name": "Who"})["full_name"] == "Who"


# --- Checking rows ------------------------------------------------------------------


def problems_of(people_import):
    return [(p["row"], p["column"], p["message"]) for p in people_import.problems]


def test_each_bad_row_is_rejected_with_its_reason(agency, coordinator, social_worker):
    text = HEADER + (
        ",nobody@x.example,,,,,,,,\n"
        "Bad Email,not-an-email,,,,,,,,\n"
        "Early Leaver,early@x.example,,,,,,2022-05-01,2021-01-01,\n"
        "Bad Date,date@x.example,,,,,,31/02/2022,,\n"
        "Dup One,dup@x.example,,,,,,,,D1\n"
        "Dup Two,other@x.example,,,,,,,,D1\n"
        "Dup Three,DUP@x.example,,,,,,,,\n"
    )
    people_import = preview(upload(agency, coordinator, text), coordinator)
    messages = problems_of(people_import)
    assert (2, "Name", "Enter the person's full name: this row has none.") in messages
    assert any(r == 3 and "correct format" in m for r, _, m in messages)
    assert any(r == 4 and "on or after the start date" in m for r, _, m in messages)
    assert any(r == 5 and "real date" in m for r, _, m in messages)
    assert any(r == 7 and "Same staff number as row 6" in m for r, _, m in messages)
    assert any(r == 8 and "Same work email as row 6" in m for r, _, m in messages)
    assert people_import.rejected == 6
    assert people_import.created == 1
    assert Person.objects.count() == 0  # the preview writes nothing


def test_an_unknown_role_waits_for_a_choice_with_suggestions(agency, coordinator, social_worker):
    text = HEADER + "Ana Silva,ana@x.example,,Childrens Social Wroker,,,,,,\n"
    people_import = preview(upload(agency, coordinator, text), coordinator)
    [problem] = people_import.problems
    assert problem["level"] == "error"
    assert "Did you mean Children's Social Worker?" in problem["message"]
    assert people_import.created == 0 and people_import.rejected == 1


# --- Applying ----------------------------------------------------------------------


def test_a_first_import_creates_people_services_and_line_managers(
    agency, coordinator, social_worker
):
    people_import = import_file(agency, coordinator, FIRST)
    assert people_import.status == PeopleImport.Status.APPLIED
    assert (people_import.created, people_import.rejected) == (2, 0)
    ana = Person.objects.get(work_email="ana@camden.example")
    assert ana.role == social_worker
    assert ana.service is not None and ana.service.name == "Duty team"
    assert ana.line_manager is not None and ana.line_manager.full_name == "Ben Okafor"
    assert ana.started_on == datetime.date(2021, 4, 1)
    ben = Person.objects.get(external_id="H2")
    assert ben.started_on == datetime.date(2019, 9, 1)
    assert ben.employment_type == "agency_locum"
    assert Service.objects.filter(agency=agency).count() == 1
    assert people_import.content is None and len(people_import.file_sha256) == 64


def test_re_importing_the_same_file_changes_nothing(agency, coordinator, social_worker):
    import_file(agency, coordinator, FIRST)
    before = list(Person.objects.order_by("pk").values())
    again = import_file(agency, coordinator, FIRST)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Person.objects.order_by("pk").values()) == before


def test_a_newer_file_updates_the_matched_people(agency, coordinator, social_worker):
    import_file(agency, coordinator, FIRST)
    newer = FIRST.replace("Social worker", "Senior social worker").replace(
        "ben@camden.example,Team", "ben.okafor@camden.example,Team"
    )
    again = import_file(agency, coordinator, newer)
    assert (again.created, again.updated, again.unchanged) == (0, 2, 0)
    assert Person.objects.get(external_id="H1").job_title == "Senior social worker"
    # Matched on the staff number although the email changed.
    assert Person.objects.get(external_id="H2").work_email == "ben.okafor@camden.example"
    assert Person.objects.count() == 2


def test_people_without_a_staff_number_are_matched_on_email_ignoring_case(agency, coordinator):
    PersonFactory.create(agency=agency, full_name="Ana S", work_email="Ana@Camden.example")
    text = "Name,Email\nAna Silva,ana@camden.example\n"
    people_import = preview(
        upload(agency, coordinator, text), coordinator, {"full_name": "Name", "work_email": "Email"}
    )
    apply_people_import(people_import=people_import, applied_by=coordinator)
    assert Person.objects.get().full_name == "Ana Silva"


def test_a_full_staff_list_marks_missing_people_as_left_and_keeps_them(
    agency, coordinator, social_worker
):
    leaver = PersonFactory.create(agency=agency, work_email="gone@camden.example")
    elsewhere = PersonFactory.create(partnership=agency.partnership)  # another agency
    people_import = import_file(agency, coordinator, FIRST, full=True)
    assert people_import.marked_left == 1
    leaver.refresh_from_db()
    assert leaver.left_on is not None
    elsewhere.refresh_from_db()
    assert elsewhere.left_on is None
    assert Person.objects.filter(agency=agency).count() == 3


def test_an_import_is_audited_once_with_its_counts(agency, coordinator, social_worker):
    before = AuditEvent.objects.count()
    people_import = import_file(agency, coordinator, FIRST)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("pk")
    assert event.subject_type == "people.PeopleImport"
    assert event.subject_id == str(people_import.pk)
    assert event.changes["import"]["created"] == 2


def test_a_failure_half_way_changes_nothing(agency, coordinator, social_worker, monkeypatch):
    PersonFactory.create(agency=agency, external_id="H1", work_email="ana@camden.example")
    monkeypatch.setattr(applying, "BATCH_SIZE", 1)
    calls = []
    real = applying._create_batch

    def fail_on_second(people):
        calls.append(people)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(people)

    monkeypatch.setattr(applying, "_create_batch", fail_on_second)
    before = list(Person.objects.values())
    text = FIRST + "Cy Three,cy@camden.example,,,New team,,,,,H3\n"
    people_import = import_file(agency, coordinator, text)
    assert len(calls) == 2  # one row was written before the failure
    assert people_import.status == PeopleImport.Status.FAILED
    assert "nothing was changed" in people_import.error
    assert list(Person.objects.values()) == before
    assert not Service.objects.filter(name="New team").exists()


# The real worker closes its database connection after a task, so this test
# commits for real (a test transaction would be lost with the connection).
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_queued_and_the_worker_applies_it(agency, coordinator, monkeypatch):
    monkeypatch.setattr(applying_imports, "BACKGROUND_ROWS", 3)
    monkeypatch.setattr(checking, "PROGRESS_EVERY", 2)
    text = "Name,Email\n" + "".join(f"P {n},p{n}@camden.example\n" for n in range(5))
    people_import = preview(
        upload(agency, coordinator, text), coordinator, {"full_name": "Name", "work_email": "Email"}
    )
    status = apply_people_import(people_import=people_import, applied_by=coordinator)
    assert status == PeopleImport.Status.QUEUED
    assert Person.objects.count() == 0
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.APPLIED
    assert (people_import.rows_done, people_import.rows_total) == (5, 5)
    assert Person.objects.count() == 5


@override_settings(TASKS=IMMEDIATE)
def test_the_task_does_nothing_for_an_applied_import(agency, coordinator):
    from interagency.people.tasks import apply_people_import_task

    people_import = import_file(
        agency, coordinator, "Name,Email\nAna Silva,a@x.example\n", columns=NAME_AND_EMAIL
    )
    assert people_import.status == PeopleImport.Status.APPLIED
    result = apply_people_import_task.enqueue(people_import.pk)
    assert result.return_value == "applied"
    assert Person.objects.count() == 1


def test_rejected_rows_csv_neutralises_formulas(agency, coordinator):
    text = "Name,Email\n=HYPERLINK(1) x,bad\nAna Silva,a@x.example\n@SUM(1) x,s@x.example\n"
    table = reading.read_table(text.encode(), "a.csv")
    plan = checking.plan_import(
        agency=agency,
        table=table,
        columns={"full_name": "Name", "work_email": "Email"},
        roles=[],
        full_staff_list=False,
    )
    output = rejecting.rejected_rows_csv(rejecting.keep_rejected(table.headers, plan))
    lines = output.splitlines()
    assert lines[0] == "Row,Name,Email,Problems"
    assert lines[1].startswith("2,'=HYPERLINK(1) x,bad,")
    assert len(lines) == 2  # row 4 has a name and an email: accepted


def test_an_unknown_line_manager_is_a_warning(agency, coordinator):
    text = HEADER + "Ana Silva,ana@x.example,,,,nobody@x.example,,,,\n"
    people_import = import_file(agency, coordinator, text)
    [problem] = people_import.problems
    assert problem["level"] == "warning" and "line manager is not set" in problem["message"]
    assert Person.objects.get().line_manager is None


def test_line_managers_in_the_file_are_set_even_when_they_manage_each_other(agency, coordinator):
    text = HEADER + (
        "Ana Silva,ana@x.example,,,,ben@x.example,,,,\n"
        "Ben Okafor,ben@x.example,,,,ana@x.example,,,,\n"
        "Cy Three,cy@x.example,,,,ana@x.example,,,,\n"
    )
    import_file(agency, coordinator, text)
    managers = dict(Person.objects.values_list("full_name", "line_manager__full_name"))
    assert managers == {
        "Ana Silva": "Ben Okafor",
        "Ben Okafor": "Ana Silva",
        "Cy Three": "Ana Silva",
    }


def test_the_preview_says_which_services_are_new(agency, coordinator):
    text = HEADER + (
        "Ana Silva,ana@x.example,,,Duty team,,,,,\nBen Okafor,ben@x.example,,,duty TEAM,,,,,\n"
    )
    people_import = preview(upload(agency, coordinator, text), coordinator)
    assert [(p["row"], p["value"], p["level"]) for p in people_import.problems] == [
        (2, "Duty team", "info")
    ]
    assert not Service.objects.exists()
