"""Ten thousand rows as real HR exports hold them: every good row imported, every bad one named.

Each file has doubled quotes and quoted commas well after the first 30 kB,
dates as ISO text, UK text and Excel serial numbers, a second post for some
people (one row per post), and rows missing a surname. The same rows are
imported from a Windows-1252 CSV, a UTF-16 CSV and a workbook in the 1904
date system.
"""

import datetime
import io

import openpyxl
import pytest
import time_machine
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from interagency.people.models import PeopleImport, Person, Post
from interagency.people.services.imports import run_people_import
from interagency.people.tests.test_importing import agency as agency  # the fixture
from interagency.people.tests.test_importing import import_file, social_worker  # noqa: F401


def imported(agency, coordinator, content: bytes, **options) -> PeopleImport:
    """Import a file as the pages do; a file this large is applied as the worker would."""
    people_import = import_file(agency, coordinator, content, columns=COLUMNS, **options)
    if people_import.status == PeopleImport.Status.QUEUED:
        run_people_import(import_id=people_import.pk)
        people_import.refresh_from_db()
    return people_import


ROWS = 10_000
HEADER = ["Name", "Email", "Job title", "Role", "Team", "Contract", "Start date", "Staff no"]
COLUMNS = {
    "full_name": "Name",
    "work_email": "Email",
    "job_title": "Job title",
    "role": "Role",
    "service": "Team",
    "employment_type": "Contract",
    "started_on": "Start date",
    "external_id": "Staff no",
}
START = datetime.date(2019, 9, 2)
SERIAL_1900 = (START - datetime.date(1899, 12, 30)).days
SERIAL_1904 = (START - datetime.date(1904, 1, 1)).days


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False):
        yield


def messy_rows(serial: int) -> tuple[list[list[object]], set[int], int]:
    """The rows, the file row numbers that must be rejected, and how many second posts."""
    rows: list[list[object]] = []
    rejected: set[int] = set()
    second_posts = 0
    for n in range(ROWS):
        surname = "" if n % 333 == 7 else f"O'Connor-{n}"
        title = 'Lead, "Senior" practitioner' if n > 5_000 and n % 100 == 0 else "Practitioner"
        started: object = [START.isoformat(), START.strftime("%d/%m/%Y"), serial][n % 3]
        row = [f"Zoë {surname}".strip(), f"p{n}@camden.example", title]
        rows.append([*row, "Children's Social Worker", "Duty team", "Permanent", started, f"E{n}"])
        if not surname:
            rejected.add(len(rows) + 1)  # the header is row 1
        elif n % 250 == 3:
            rows.append([*row, "", "Night team", "Bank", started, f"E{n}"])
            second_posts += 1
    return rows, rejected, second_posts


def csv_text(rows: list[list[object]]) -> str:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue()


def assert_imported(people_import, rejected: set[int], second_posts: int) -> None:
    errors = [p for p in people_import.problems if p["level"] == "error"]
    assert {p["row"] for p in errors} == rejected
    assert all(p["column"] == "Name" and "surname" in p["message"] for p in errors)
    assert people_import.rejected == len(rejected)
    assert people_import.created == ROWS - len(rejected)
    assert Person.objects.count() == ROWS - len(rejected)
    assert Post.objects.count() == second_posts
    assert set(Person.objects.values_list("started_on", flat=True)) == {START}
    quoted = Person.objects.get(work_email="p5100@camden.example")
    assert (quoted.full_name, quoted.job_title) == (
        "Zoë O'Connor-5100",
        'Lead, "Senior" practitioner',
    )


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_csv_export_of_ten_thousand_messy_rows(agency, coordinator, social_worker, encoding):  # noqa: F811
    rows, rejected, second_posts = messy_rows(SERIAL_1900)
    text = csv_text(rows)
    assert text.find('"Lead, ""Senior"" practitioner"') > 30_000  # past any sample's end

    people_import = imported(agency, coordinator, text.encode(encoding))

    assert_imported(people_import, rejected, second_posts)
    assert people_import.posts_created == second_posts


def test_a_1904_workbook_of_ten_thousand_messy_rows(agency, coordinator, social_worker):  # noqa: F811
    rows, rejected, second_posts = messy_rows(SERIAL_1904)
    workbook = openpyxl.Workbook(write_only=True)
    workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.create_sheet()
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)

    people_import = imported(agency, coordinator, out.getvalue(), name="hr.xlsx")

    assert_imported(people_import, rejected, second_posts)
