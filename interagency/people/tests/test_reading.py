"""Reading staff lists as HR systems export them: quoting, encodings, delimiters and dates."""

import datetime
import io

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from interagency.people.importing import dates, reading
from interagency.people.models import PeopleImport, Person
from interagency.people.services.imports import (
    apply_people_import,
    save_import_mapping,
    start_people_import,
)
from interagency.people.tests.factories import AgencyFactory

# --- CSV quoting, anywhere in the file -------------------------------------------------


def long_staff_list(delimiter: str, rows: int = 10_000) -> tuple[str, int]:
    """A staff list whose only doubled quotes and quoted delimiters come after 30 kB.

    Returns the text and the position (in ``rows``) of the tricky row.
    """
    header = delimiter.join(["Name", "Email", "Job title", "Staff no"])
    lines = [header]
    tricky = rows - 3
    for number in range(rows):
        if number == tricky:
            name = f'"Smith{delimiter} ""Jo"""'
            title = '"Nurse, ""bank""\r\nnights"'
        else:
            name, title = f"Person {number}", "Nurse"
        lines.append(delimiter.join([name, f"p{number}@nhs.example", title, f"H{number}"]))
    text = "\r\n".join(lines) + "\r\n"
    assert '"' not in text[:30_000]
    return text, tricky


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_a_doubled_quote_after_the_first_30_kb_reads_into_the_right_columns(delimiter):
    text, tricky = long_staff_list(delimiter)
    table = reading.read_table(text.encode(), "staff.csv")
    assert table.headers == ["Name", "Email", "Job title", "Staff no"]
    assert len(table.rows) == 10_000
    assert table.rows[tricky] == [
        f'Smith{delimiter} "Jo"',
        f"p{tricky}@nhs.example",
        'Nurse, "bank"\r\nnights',
        f"H{tricky}",
    ]
    assert table.rows[tricky + 1] == ["Person 9998", "p9998@nhs.example", "Nurse", "H9998"]


def test_the_delimiter_is_not_fooled_by_delimiters_inside_quoted_fields():
    # Semicolon-separated, but every name holds quoted commas ("Surname, Forename").
    rows = [f'"Okafor, Ben, Dr";ben{n}@x.example;"Lead, duty team, south"' for n in range(50)]
    text = "Name;Email;Team\n" + "\n".join(rows) + "\n"
    table = reading.read_table(text.encode(), "staff.csv")
    assert table.headers == ["Name", "Email", "Team"]
    assert table.rows[0] == ["Okafor, Ben, Dr", "ben0@x.example", "Lead, duty team, south"]


def test_a_one_column_file_keeps_its_commas_when_it_is_separated_by_semicolons():
    text = "Name\nAna Silva\n" + "Okafor, Ben\n" * 3
    table = reading.read_table(text.encode(), "names.csv")
    assert table.rows[-1] == ["Okafor, Ben"]


def test_a_last_quoted_cell_over_two_lines_reads_in_a_semicolon_file():
    # The quoted cell starts with a comma and holds a line break; the file ends with it.
    text = 'Name;Address\r\nAna Silva;",\n,"\r\n'
    table = reading.read_table(text.encode(), "staff.csv")
    assert table.rows == [["Ana Silva", ",\n,"]]


def test_a_quote_mark_never_closed_is_refused_with_its_line_rather_than_swallowing_rows():
    text = (
        'Name,Email\nAna Silva,ana@x.example\n"Ben Okafor,ben@x.example\nCara Jones,c@x.example\n'
    )
    with pytest.raises(reading.ImportFileError, match=r"quote mark .* on line 3 .*never closed"):
        reading.read_table(text.encode(), "staff.csv")


def test_a_quote_mark_closed_a_hundred_lines_later_is_refused_too():
    rows = "".join(f"Person {n},p{n}@x.example\n" for n in range(100))
    text = 'Name,Email\n"Ben Okafor,ben@x.example\n' + rows + 'Cara" Jones,c@x.example\n'
    with pytest.raises(reading.ImportFileError, match=r"line 2 .*never closed"):
        reading.read_table(text.encode(), "staff.csv")


def test_a_stray_quote_inside_an_unquoted_field_is_kept_as_written():
    table = reading.read_table(b"Name,Height\nJo Smith,5'10\"\n", "staff.csv")
    assert table.rows == [["Jo Smith", "5'10\""]]


# --- Encodings -------------------------------------------------------------------------

STAFF = "Name,Email\r\nZoë O'Connor,zoe@x.example\r\nRené Côté – lead,rene@x.example\r\n"
ROWS = [["Zoë O'Connor", "zoe@x.example"], ["René Côté – lead", "rene@x.example"]]


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (STAFF.encode("utf-8"), "UTF-8"),
        (STAFF.encode("utf-8-sig"), "UTF-8"),
        (STAFF.encode("cp1252"), "Windows-1252"),
        (STAFF.encode("utf-16"), "UTF-16"),  # with its byte order mark
        (b"\xff\xfe" + STAFF.encode("utf-16-le"), "UTF-16"),
        (b"\xfe\xff" + STAFF.encode("utf-16-be"), "UTF-16"),
        (STAFF.encode("utf-16-le"), "UTF-16"),  # no byte order mark
        (STAFF.encode("utf-16-be"), "UTF-16"),
        (STAFF.replace(",", "\t").encode("utf-16"), "UTF-16"),  # Excel's "Unicode text"
    ],
)
def test_each_encoding_is_detected_and_named(content, encoding):
    table = reading.read_table(content, "staff.csv")
    assert table.rows == ROWS
    assert table.encoding == encoding
    assert reading.reading_notes(table, {"full_name": "Name"}) == [f"Read as {encoding}"]


def test_only_the_chosen_date_columns_are_described():
    table = reading.read_table(b"Name,,Start date\nAna Silva,31/03/2024,\n", "staff.csv")
    assert reading.reading_notes(table, {"full_name": "Name"}) == ["Read as UTF-8"]
    assert reading.reading_notes(table, {"started_on": "Start date"}) == [
        "Read as UTF-8",
        "Start date (Start date): empty in every row",
    ]


def test_a_damaged_utf16_file_is_refused_with_its_line():
    # A lone half of a surrogate pair (0xD800) in the middle of line 4.
    content = STAFF.encode("utf-16") + "Ana ".encode("utf-16-le") + b"\x00\xd8" + b"x\x00"
    with pytest.raises(reading.ImportFileError, match=r"UTF-16 .*damaged on line 4"):
        reading.read_table(content, "staff.csv")


def test_utf8_with_a_byte_order_mark_then_windows_1252_is_refused_as_mixed():
    content = STAFF.encode("utf-8-sig") + "Siân,s@x.example\n".encode("cp1252")
    with pytest.raises(reading.ImportFileError, match=r"mixes text encodings.*line 4"):
        reading.read_table(content, "staff.csv")


# --- Dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-31", datetime.date(2024, 3, 31)),
        ("2024-03-31 00:00:00", datetime.date(2024, 3, 31)),
        ("2024-03-31T09:30", datetime.date(2024, 3, 31)),
        ("31/03/2024", datetime.date(2024, 3, 31)),
        ("1/3/2024", datetime.date(2024, 3, 1)),
        ("04/03/2024", datetime.date(2024, 3, 4)),  # 4 March, never 3 April
        ("31-03-2024", datetime.date(2024, 3, 31)),
        ("31.03.2024", datetime.date(2024, 3, 31)),
        ("31/03/2024 17:00", datetime.date(2024, 3, 31)),
        ("31 Mar 2024", datetime.date(2024, 3, 31)),
        ("1-Sept-2023", datetime.date(2023, 9, 1)),
        (" 31 March 2024 ", datetime.date(2024, 3, 31)),
        ("45382", datetime.date(2024, 3, 31)),  # an Excel serial number, 1900 system
        ("45382.75", datetime.date(2024, 3, 31)),  # with a time of day
    ],
)
def test_dates_read_as_exports_write_them(text, day):
    assert dates.parse_date(text) == day


@pytest.mark.parametrize(
    "text", ["03/31/2024", "31/13/2024", "30/02/2024", "31/03/24", "31 Foo 2024", "soon", "0"]
)
def test_what_is_not_a_uk_date_is_refused(text):
    with pytest.raises(ValueError, match=r"."):
        dates.parse_date(text)


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),  # Excel's 60 is a 29 February 1900 that never was
        (45123, datetime.date(2023, 7, 16)),
        (80000, datetime.date(2119, 1, 11)),
    ],
)
def test_serials_count_in_the_1900_date_system_with_its_leap_year_quirk(serial, day):
    assert dates.from_serial(serial, dates.DATE_SYSTEM_1900) == day


def test_serial_60_and_serials_out_of_range_are_not_dates():
    for serial in (0, 60, 80001, 450000):
        with pytest.raises(ValueError, match=str(serial)):
            dates.from_serial(serial, dates.DATE_SYSTEM_1900)


def test_serials_count_from_1904_in_the_1904_date_system():
    assert dates.from_serial(0, dates.DATE_SYSTEM_1904) == datetime.date(1904, 1, 1)
    assert dates.from_serial(43661, dates.DATE_SYSTEM_1904) == datetime.date(2023, 7, 16)
    assert dates.parse_date("43661", date_system=1904) == datetime.date(2023, 7, 16)


@pytest.mark.parametrize(
    ("values", "description"),
    [
        (["31/03/2024", "", "1/4/2024"], "read as day/month/year text"),
        (["2024-03-31"], "read as year-month-day (2024-03-31)"),
        (["45382", "45383"], "read as Excel serial numbers (1900 date system)"),
        (
            ["45382", "31/03/2024", "31/03/2024", "soon"],
            "read as day/month/year text, Excel serial numbers (1900 date system) and 1 not a date",
        ),
        (["", ""], "empty in every row"),
    ],
)
def test_a_date_column_is_described_by_how_its_values_read(values, description):
    assert dates.describe_column(values) == description


# --- Dates through the whole import -------------------------------------------------------


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


COLUMNS = {"full_name": "Name", "external_id": "Staff no", "started_on": "Start date"}


def preview_and_apply(agency, coordinator, content: bytes, name: str) -> PeopleImport:
    people_import = start_people_import(
        partnership=agency.partnership,
        agency=agency,
        uploaded_by=coordinator,
        file_name=name,
        content=content,
        is_full_staff_list=False,
    )
    save_import_mapping(people_import=people_import, columns=COLUMNS, changed_by=coordinator)
    people_import.refresh_from_db()
    notes = people_import.reading_notes
    apply_people_import(people_import=people_import, applied_by=coordinator)
    people_import.refresh_from_db()
    assert people_import.status == "applied", people_import.error
    people_import.reading_notes = notes
    return people_import


def started_on() -> dict[str, datetime.date | None]:
    return dict(Person.objects.values_list("external_id", "started_on"))


def workbook(rows, *, epoch=None) -> bytes:
    book = openpyxl.Workbook()
    if epoch is not None:
        book.epoch = epoch
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_serial_numbers_in_general_cells_of_a_1900_workbook_import_as_their_dates(
    agency, coordinator
):
    content = workbook(
        [
            ["Name", "Staff no", "Start date"],
            ["Ana Silva", "H1", 45123],  # a General cell holding a date's serial number
            ["Ben Okafor", "H2", 45382.0],
            ["Cara Jones", "H3", datetime.date(2019, 9, 1)],  # a real date cell
            ["Dev Patel", "H4", 40000],
        ]
    )
    people_import = preview_and_apply(agency, coordinator, content, "hr-export.xlsx")
    assert people_import.created == 4 and people_import.rejected == 0
    assert started_on() == {
        "H1": datetime.date(2023, 7, 16),
        "H2": datetime.date(2024, 3, 31),
        "H3": datetime.date(2019, 9, 1),
        "H4": datetime.date(2009, 7, 6),
    }
    assert people_import.reading_notes == [
        "Start date (Start date): read as Excel serial numbers (1900 date system) and date cells"
    ]


def test_a_1904_workbook_reads_its_serials_and_date_cells_in_its_own_date_system(
    agency, coordinator
):
    content = workbook(
        [
            ["Name", "Staff no", "Start date"],
            ["Ana Silva", "H1", 43661],  # 16 July 2023 counted from 1 January 1904
            ["Ben Okafor", "H2", datetime.date(2021, 4, 1)],
        ],
        epoch=CALENDAR_MAC_1904,
    )
    people_import = preview_and_apply(agency, coordinator, content, "mac-export.xlsx")
    assert started_on() == {"H1": datetime.date(2023, 7, 16), "H2": datetime.date(2021, 4, 1)}
    assert people_import.reading_notes == [
        "Start date (Start date): read as Excel serial numbers (1904 date system) and date cells"
    ]


def test_a_csv_of_uk_dates_in_windows_1252_imports_and_the_preview_says_how_it_was_read(
    agency, coordinator, partnership, coordinator_client
):
    text = (
        "Name;Staff no;Start date\r\n"
        "Zoë O'Connor;H1;31/03/2024\r\n"
        "Siân Lloyd;H2;1.9.2019\r\n"
        "Ben Okafor;H3;04-03-2024\r\n"
        "Ana Silva;H4;45123\r\n"
    )
    people_import = start_people_import(
        partnership=partnership,
        agency=agency,
        uploaded_by=coordinator,
        file_name="staff.csv",
        content=text.encode("cp1252"),
        is_full_staff_list=False,
    )
    save_import_mapping(people_import=people_import, columns=COLUMNS, changed_by=coordinator)
    from django.urls import reverse

    page = coordinator_client.get(
        reverse(
            "people:import-preview",
            kwargs={"code": partnership.code, "import_id": people_import.pk},
        )
    )
    html = page.content.decode()
    assert "How the file was read" in html
    assert "Read as Windows-1252" in html
    assert (
        "Start date (Start date): read as day/month/year text and Excel serial numbers "
        "(1900 date system)" in html
    )
    people_import.refresh_from_db()
    apply_people_import(people_import=people_import, applied_by=coordinator)
    assert started_on() == {
        "H1": datetime.date(2024, 3, 31),
        "H2": datetime.date(2019, 9, 1),
        "H3": datetime.date(2024, 3, 4),
        "H4": datetime.date(2023, 7, 16),
    }
    assert set(Person.objects.values_list("full_name", flat=True)) >= {"Zoë O'Connor"}


def test_a_us_month_day_date_is_rejected_not_misread(agency, coordinator):
    text = "Name,Staff no,Start date\nAna Silva,H1,03/31/2024\nBen Okafor,H2,31/03/2024\n"
    people_import = preview_and_apply(agency, coordinator, text.encode("utf-16"), "staff.csv")
    assert people_import.rejected == 1
    assert started_on() == {"H2": datetime.date(2024, 3, 31)}
    assert people_import.reading_notes == [
        "Read as UTF-16",
        "Start date (Start date): read as day/month/year text and 1 not a date",
    ]


@pytest.mark.parametrize("text", ["2024", "1999", "7305"])
def test_a_bare_year_or_a_serial_before_1920_is_not_read_as_a_date(text):
    # "2024" would be the serial of 16 July 1905: a year typed where a date belongs.
    with pytest.raises(ValueError, match=text):
        dates.parse_date(text)


def test_the_first_plausible_serial_reads_as_1_january_1920():
    assert dates.parse_date("7306") == datetime.date(1920, 1, 1)
