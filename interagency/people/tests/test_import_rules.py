"""People import rules: required fields, two name columns, contract words, unknown roles,
leaving dates still to come, and rejected rows corrected and uploaded again."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.catalogue.tests.factories import AdoptionFactory, RoleFactory
from interagency.people import selectors
from interagency.people.models import EmploymentType, ImportSettings, PeopleImport, Person
from interagency.people.tests.factories import AgencyFactory, PersonFactory

TODAY = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


@pytest.fixture
def social_worker(partnership):
    role = RoleFactory.create(name="Children's Social Worker")
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    return role


def url(name, partnership, **kwargs):
    return reverse(f"people:{name}", kwargs={"code": partnership.code, **kwargs})


def upload_and_map(client, partnership, agency, text: str, columns: dict, name="staff.csv"):
    """Upload a file and choose its columns on the pages; the import, previewed."""
    file = SimpleUploadedFile(name, text.encode())
    client.post(url("import-new", partnership), {"agency": agency.pk, "file": file})
    people_import = PeopleImport.objects.order_by("-pk")[0]
    response = client.post(url("import-mapping", partnership, import_id=people_import.pk), columns)
    assert response.status_code == 302, response.context["form"].errors
    people_import.refresh_from_db()
    return people_import


def apply(client, partnership, people_import):
    client.post(url("import-apply", partnership, import_id=people_import.pk))
    people_import.refresh_from_db()
    return people_import


def rejected(people_import):
    return {
        (p["row"], p["column"], p["message"])
        for p in people_import.problems
        if p["level"] == "error"
    }


TWO_NAMES = {
    "forename": "First name",
    "surname": "Surname",
    "work_email": "Email",
    "external_id": "Staff no",
}


def test_rows_missing_what_every_person_needs_are_rejected_with_row_column_and_reason(
    coordinator_client, partnership, agency
):
    text = (
        "First name,Surname,Email,Staff no\n"
        "Ana,Silva,ana@camden.example,\n"  # good: an email
        "Ben,,ben@camden.example,H2\n"  # no surname
        ",Okafor,,H3\n"  # no forename
        "Cy,Three,,\n"  # neither email nor staff number
        "Di,Four,,H5\n"  # good: a staff number
    )
    people_import = upload_and_map(coordinator_client, partnership, agency, text, TWO_NAMES)
    assert (people_import.created, people_import.rejected) == (2, 3)
    assert rejected(people_import) == {
        (3, "Surname", "Enter the person's surname: this row has none."),
        (4, "First name", "Enter the person's forename: this row has none."),
        (5, "Email", "Enter a work email or a staff number: this row has neither."),
    }
    apply(coordinator_client, partnership, people_import)
    # The forename and surname columns are combined into the name.
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["Ana Silva", "Di Four"]


def test_a_full_name_needs_both_parts_and_a_one_word_name_is_rejected(
    coordinator_client, partnership, agency
):
    text = "Name,Email\nAna Silva,ana@camden.example\nPrince,prince@camden.example\n"
    people_import = upload_and_map(
        coordinator_client, partnership, agency, text, {"full_name": "Name", "work_email": "Email"}
    )
    assert rejected(people_import) == {
        (3, "Name", "Enter the person's forename and surname: 'Prince' is only one name.")
    }


def test_the_mapping_needs_a_column_for_each_required_field(
    coordinator_client, partnership, agency
):
    file = SimpleUploadedFile("staff.csv", b"Name,Team\nAna Silva,Duty\n")
    coordinator_client.post(url("import-new", partnership), {"agency": agency.pk, "file": file})
    people_import = PeopleImport.objects.get()
    page = coordinator_client.post(
        url("import-mapping", partnership, import_id=people_import.pk), {"full_name": "Name"}
    )
    assert "work email or the staff number: every person needs one" in page.content.decode()
    assert PeopleImport.objects.get().status == "uploaded"


def test_a_coordinator_chooses_what_every_imported_person_needs(
    coordinator_client, partnership, agency
):
    page = coordinator_client.get(url("import-settings", partnership))
    assert page.status_code == 200
    assert set(page.context["form"].initial["required_fields"]) == set(
        ImportSettings.DEFAULT_REQUIRED
    )
    response = coordinator_client.post(
        url("import-settings", partnership), {"required_fields": ["agency", "job_title"]}
    )
    assert response.status_code == 302
    assert selectors.import_required_fields(partnership) == {"agency", "job_title"}
    assert AuditEvent.objects.filter(changes__required_fields=["agency", "job_title"]).exists()

    text = "Name,Job title\nPrince,Nurse\nAna Silva,\n"
    people_import = upload_and_map(
        coordinator_client,
        partnership,
        agency,
        text,
        {"full_name": "Name", "job_title": "Job title"},
    )
    # One name and no email are allowed now; a blank job title is not.
    assert (people_import.created, people_import.rejected) == (1, 1)
    assert rejected(people_import) == {
        (3, "Job title", "Enter the job title: every person needs one, and this row has none.")
    }


def test_agency_leads_cannot_change_what_every_person_needs(
    client, sign_in, member_with, partnership
):
    from interagency.core.permissions import Role

    sign_in(member_with(Role.AGENCY_LEAD))
    assert client.get(url("import-settings", partnership)).status_code == 403


CONTRACTS = (
    "Name,Email,Contract\n"
    "Ana Silva,ana@camden.example,Fixed term\n"
    "Ben Okafor,ben@camden.example,Bank\n"
    "Cy Three,cy@camden.example,Locum\n"
    "Di Four,di@camden.example,Student\n"
    "Ed Five,ed@camden.example,Sessional\n"
    "Fay Six,fay@camden.example,fixed-term\n"
)
CONTRACT_COLUMNS = {"full_name": "Name", "work_email": "Email", "employment_type": "Contract"}


def test_contract_words_are_mapped_on_the_preview_and_rows_wait_for_unknown_ones(
    coordinator_client, partnership, agency
):
    people_import = upload_and_map(
        coordinator_client, partnership, agency, CONTRACTS, CONTRACT_COLUMNS
    )
    # "Sessional" means nothing we know: its row waits for a choice.
    assert (people_import.created, people_import.rejected) == (5, 1)
    print(rejected(people_import))
    [(row, column, message)] = rejected(people_import)
    assert (row, column) == (6, "Contract") and "table of contract types" in message

    page = coordinator_client.get(url("import-preview", partnership, import_id=people_import.pk))
    form = page.context["choices_form"]
    labels = {form[name].label: form[name].initial for name, _ in form.words}
    assert labels["2 rows: 'Fixed term' (rows 2, 7)"] == "temporary"
    assert labels["1 row: 'Bank' (row 3)"] == "agency_locum"
    assert labels["1 row: 'Student' (row 5)"] == "student"
    assert labels["1 row: 'Sessional' (row 6)"] in ("", None)
    assert "Contract types" in page.content.decode()

    # The coordinator keeps the suggestions, says a bank worker is temporary here, and
    # what "Sessional" means; the rows are checked again with the choices.
    answers = {name: form[name].initial or "" for name, _ in form.words}
    keys = dict(form.words)
    answers[next(n for n, k in keys.items() if k == "bank")] = "temporary"
    answers[next(n for n, k in keys.items() if k == "sessional")] = "volunteer"
    response = coordinator_client.post(
        url("import-preview", partnership, import_id=people_import.pk), answers
    )
    assert response.status_code == 302
    people_import.refresh_from_db()
    assert (people_import.created, people_import.rejected) == (6, 0)
    apply(coordinator_client, partnership, people_import)
    types = dict(Person.objects.values_list("full_name", "employment_type"))
    assert types == {
        "Ana Silva": EmploymentType.TEMPORARY,
        "Ben Okafor": EmploymentType.TEMPORARY,
        "Cy Three": EmploymentType.AGENCY_LOCUM,
        "Di Four": EmploymentType.STUDENT,
        "Ed Five": EmploymentType.VOLUNTEER,
        "Fay Six": EmploymentType.TEMPORARY,
    }


def test_unknown_roles_are_listed_with_their_rows_and_the_coordinator_chooses(
    coordinator_client, partnership, agency, social_worker
):
    text = (
        "Name,Email,Role\n"
        "Ana Silva,ana@camden.example,Snr Social Worker\n"
        "Ben Okafor,ben@camden.example,snr social worker\n"
        "Cy Three,cy@camden.example,Receptionist\n"
        "Di Four,di@camden.example,Children's Social Worker\n"
    )
    columns = {"full_name": "Name", "work_email": "Email", "role": "Role"}
    people_import = upload_and_map(coordinator_client, partnership, agency, text, columns)
    assert (people_import.created, people_import.rejected) == (1, 3)

    page = coordinator_client.get(url("import-preview", partnership, import_id=people_import.pk))
    form = page.context["choices_form"]
    assert "Roles the catalogue does not have" in page.content.decode()
    assert [form[name].label for name, _ in form.unknown_roles] == [
        "2 rows: 'Snr Social Worker' (rows 2, 3)",
        "1 row: 'Receptionist' (row 4)",
    ]
    by_key = {key: name for name, key in form.unknown_roles}
    coordinator_client.post(
        url("import-preview", partnership, import_id=people_import.pk),
        {by_key["snr social worker"]: str(social_worker.pk), by_key["receptionist"]: "none"},
    )
    people_import.refresh_from_db()
    assert (people_import.created, people_import.rejected) == (4, 0)
    apply(coordinator_client, partnership, people_import)
    roles = dict(Person.objects.values_list("full_name", "role__name"))
    assert roles == {
        "Ana Silva": "Children's Social Worker",
        "Ben Okafor": "Children's Social Worker",
        "Cy Three": None,
        "Di Four": "Children's Social Worker",
    }


def test_a_role_choice_of_another_partnership_is_refused(
    coordinator_client, partnership, agency, social_worker
):
    foreign = RoleFactory.create(name="Elsewhere")
    text = "Name,Email,Role\nAna Silva,ana@camden.example,Snr Social Worker\n"
    columns = {"full_name": "Name", "work_email": "Email", "role": "Role"}
    people_import = upload_and_map(coordinator_client, partnership, agency, text, columns)
    form = coordinator_client.get(
        url("import-preview", partnership, import_id=people_import.pk)
    ).context["choices_form"]
    [(name, _)] = form.unknown_roles
    page = coordinator_client.post(
        url("import-preview", partnership, import_id=people_import.pk), {name: str(foreign.pk)}
    )
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    people_import.refresh_from_db()
    assert people_import.rejected == 1 and people_import.choices == {}


# --- Dates that mean what they say ----------------------------------------------------


def test_a_leaving_date_to_come_keeps_the_person_current_until_that_day(
    coordinator_client, partnership, agency, pinned_today
):
    text = (
        "Name,Email,Leaving date,Start date\n"
        "Ana Silva,ana@camden.example,2025-03-31,2020-01-01\n"
        "Ben Okafor,ben@camden.example,2025-03-01,2020-01-01\n"
        "Cy Three,cy@camden.example,,2025-04-14\n"
    )
    columns = {
        "full_name": "Name",
        "work_email": "Email",
        "left_on": "Leaving date",
        "started_on": "Start date",
    }
    apply(
        coordinator_client,
        partnership,
        upload_and_map(coordinator_client, partnership, agency, text, columns),
    )
    people = Person.objects.for_partnership(partnership)
    current = selectors.search_people(people, status="current")
    assert sorted(p.full_name for p in current) == ["Ana Silva", "Cy Three"]
    assert [p.full_name for p in selectors.search_people(people, status="left")] == ["Ben Okafor"]
    assert selectors.agencies_of(partnership).get().current_people == 2
    page = coordinator_client.get(
        reverse(
            "people:person",
            kwargs={"code": partnership.code, "person_id": people.get(full_name="Ana Silva").pk},
        )
    )
    assert "Leaves 31 March 2025" in page.content.decode()

    # Ben's day came before the import: recorded at once by the daily job's first run;
    # Ana's comes later. Running the job twice records each leaving once.
    out = io.StringIO()
    call_command("mark_leavers", stdout=out)
    assert "1 leaving recorded" in out.getvalue()
    call_command("mark_leavers", stdout=io.StringIO())
    assert Person.objects.filter(leaving_recorded_at__isnull=False).count() == 1

    pinned_today.move_to(datetime.datetime(2025, 3, 31, 8, 0, tzinfo=datetime.UTC))
    out = io.StringIO()
    call_command("mark_leavers", stdout=out)
    call_command("mark_leavers", stdout=io.StringIO())
    assert "1 leaving recorded" in out.getvalue()
    assert [p.full_name for p in selectors.search_people(people, status="current")] == ["Cy Three"]
    ana = Person.objects.get(full_name="Ana Silva")
    events = AuditEvent.objects.filter(subject_id=str(ana.pk), changes__has_key="left")
    assert events.count() == 1


def test_a_leaving_date_already_come_entered_by_hand_needs_no_daily_job(coordinator, agency):
    from interagency.people.services.people import mark_due_leavers, mark_person_left

    person = PersonFactory.create(partnership=agency.partnership, agency=agency)
    mark_person_left(person=person, left_on=datetime.date(2025, 3, 1), changed_by=coordinator)
    assert person.leaving_recorded_at is not None
    assert mark_due_leavers() == 0


# --- Rejected rows, corrected and uploaded again -----------------------------------------


def test_rejected_rows_downloaded_corrected_and_uploaded_again_complete_the_import(
    coordinator_client, partnership, agency
):
    text = (
        "First name,Surname,Email,Staff no\n"
        "Ana,Silva,ana@camden.example,H1\n"
        "Ben,,ben@camden.example,H2\n"
        "Cy,Three,not-an-email,H3\n"
        "Di,Four,di@camden.example,H4\n"
    )
    first = upload_and_map(coordinator_client, partnership, agency, text, TWO_NAMES)
    assert (first.created, first.rejected) == (2, 2)
    apply(coordinator_client, partnership, first)

    # The download is what the check kept: still there once the import is applied.
    download = coordinator_client.get(url("import-rejected-csv", partnership, import_id=first.pk))
    lines = download.content.decode().splitlines()
    assert lines[0] == "Row,First name,Surname,Email,Staff no,Problems"
    assert [line.split(",")[0] for line in lines[1:]] == ["3", "4"]

    fixed = "\n".join(
        [
            lines[0],
            lines[1].replace("Ben,,", "Ben,Okafor,"),
            lines[2].replace("not-an-email", "cy@camden.example"),
        ]
    )
    # The remembered columns are suggested; Row and Problems are left unmapped.
    file = SimpleUploadedFile("staff-rejected-rows.csv", fixed.encode())
    coordinator_client.post(url("import-new", partnership), {"agency": agency.pk, "file": file})
    second = PeopleImport.objects.order_by("-pk")[0]
    page = coordinator_client.get(url("import-mapping", partnership, import_id=second.pk))
    initial = page.context["form"].initial
    assert initial == TWO_NAMES
    response = coordinator_client.post(
        url("import-mapping", partnership, import_id=second.pk), initial
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.created, second.rejected) == (2, 0)
    apply(coordinator_client, partnership, second)
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Ana Silva",
        "Ben Okafor",
        "Cy Three",
        "Di Four",
    ]


def test_people_are_matched_by_work_email_first_then_staff_number(
    coordinator_client, partnership, agency
):
    ana = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Ana Silva",
        work_email="ana@camden.example",
        external_id="",
    )
    ben = PersonFactory.create(
        partnership=partnership,
        agency=agency,
        full_name="Ben Okafor",
        work_email="ben@camden.example",
        external_id="H2",
    )
    text = (
        "First name,Surname,Email,Staff no\n"
        "Ana,Silva-Jones,ANA@camden.example,H1\n"  # her email: she gains a staff number
        "Benjamin,Okafor,,H2\n"  # no email: his staff number
        "Cy,Clash,ana@camden.example,H2\n"  # Ana's email but Ben's staff number
    )
    people_import = upload_and_map(coordinator_client, partnership, agency, text, TWO_NAMES)
    assert (people_import.created, people_import.updated, people_import.rejected) == (0, 2, 1)
    assert (
        4,
        "Staff no",
        "This staff number belongs to Ben Okafor, but the work email to Ana Silva: correct "
        "one of them.",
    ) in rejected(people_import)
    apply(coordinator_client, partnership, people_import)
    ana.refresh_from_db()
    ben.refresh_from_db()
    assert (ana.full_name, ana.external_id) == ("Ana Silva-Jones", "H1")
    assert ben.full_name == "Benjamin Okafor"
