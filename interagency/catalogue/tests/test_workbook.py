"""The framework document as an XLSX workbook and as JSON, and every way a file can be wrong."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from interagency.catalogue import interchange, workbook
from interagency.catalogue.interchange import shipped_document
from interagency.catalogue.workbook import limits


@pytest.fixture
def exported(db, partnership):
    """Competence Matters as the export gives it (built from the shipped file, then exported)."""
    result = interchange.build_framework(
        shipped_document("competence-matters"), owner_partnership=partnership
    )
    return workbook.declare_unmatched(interchange.export_document(result.framework))


def edited(data: bytes, change) -> bytes:
    """``data`` opened with openpyxl, changed by ``change(book)``, saved again."""
    book = load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(book, sheet: str, column: int, value: str) -> int:
    for row in book[sheet].iter_rows(min_row=2):
        if row[column - 1].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} is not on sheet {sheet}")


def test_a_framework_survives_the_workbook_unchanged(exported):
    document, problems = workbook.workbook_to_document(workbook.document_to_workbook(exported))

    assert problems == []
    assert document == exported


def test_a_framework_with_hours_refreshers_and_equivalences_survives_the_workbook():
    document = {
        "slug": "health",
        "name": "Health",
        "owner": "national",
        "region": None,
        "version": "4",
        "source": "",
        "period_months": 36,
        "tiers": [
            {
                "code": "level-3",
                "name": "Level 3",
                "order": 3,
                "audience": "",
                "outcomes": [],
                "example_roles": [],
                "hours_per_period": 12,
                "hours_per_period_max": 16.5,
                "note": "-starts with a minus",
            }
        ],
        "questions": [{"text": "=Do you?", "tier_if_yes": "level-3"}],
        "courses": [
            {
                "title": "Core",
                "tier": "level-3",
                "category": "core",
                "level": 1,
                "duration": "6 hours",
                "aims": "+plus",
                "outcomes": ["@one", "two"],
                "topics": [],
                "delivery_modes": ["face_to_face"],
                "prerequisites": [],
                "prerequisite_note": "",
                "refresh_months": 12,
                "local": True,
            }
        ],
        "pathways": [
            {
                "role": "Nurse",
                "tier": "level-3",
                "window_months": 12,
                "required": ["Core"],
                "recommended": [],
                "hours_per_period": 6,
                "period_months": 36,
                "refreshers": [{"course": "Core", "every_months": 36}],
                "equivalences": [{"counts_for": "Core", "external_training": "University module"}],
            },
            {
                "role": "Porter",
                "tier": "level-3",
                "window_months": 24,
                "required": [],
                "recommended": [],
            },
        ],
    }

    read, problems = workbook.workbook_to_document(workbook.document_to_workbook(document))

    assert problems == []
    assert read == document


def test_the_workbook_has_a_bold_frozen_header_on_every_sheet(exported):
    book = load_workbook(io.BytesIO(workbook.document_to_workbook(exported)))

    assert book.sheetnames == [
        "framework",
        "tiers",
        "courses",
        "pathways",
        "equivalences",
        "questions",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1] if cell.value)
    assert book["courses"]["A1"].value == "title"
    assert book["courses"].column_dimensions["A"].width == 50
    assert book["pathways"].max_row == 1 + sum(
        len(p["required"]) + len(p["recommended"]) for p in exported["pathways"]
    )


def test_text_that_could_run_as_a_formula_is_exported_with_an_apostrophe(exported):
    exported["courses"][0]["aims"] = '=HYPERLINK("http://evil.example")'
    exported["courses"][1]["title"] = "-minus"
    data = workbook.document_to_workbook(exported)
    book = load_workbook(io.BytesIO(data))

    assert book["courses"]["F2"].value == '\'=HYPERLINK("http://evil.example")'
    assert book["courses"]["F2"].data_type == "s"
    assert book["courses"]["A3"].value == "'-minus"
    document, problems = workbook.workbook_to_document(data)
    assert problems == []
    assert document["courses"][0]["aims"] == '=HYPERLINK("http://evil.example")'
    assert document["courses"][1]["title"] == "-minus"


def test_a_formula_cell_is_refused_with_its_place(exported):
    data = edited(
        workbook.document_to_workbook(exported), lambda b: b["courses"].__setitem__("E3", "=2*3")
    )

    _, problems = workbook.workbook_to_document(data)

    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("courses", 3, "E (duration)", "=2*3")
    ]
    assert "Formulas are not allowed" in problems[0].message


def test_a_file_that_is_not_a_workbook_is_refused():
    for data in (b"title,tier\nA,B\n", _zip({"hello.txt": b"hi"})):
        document, problems = workbook.workbook_to_document(data)
        assert document == {}
        assert len(problems) == 1
        assert "not an Excel workbook" in problems[0].message


def test_a_damaged_workbook_is_refused():
    data = _zip({"[Content_Types].xml": b"<nonsense", "xl/workbook.xml": b"<nonsense"})

    _, problems = workbook.workbook_to_document(data)

    assert [p.message for p in problems] == [
        "The workbook could not be opened: it may be damaged. Save it again as .xlsx."
    ]


def test_a_file_over_the_size_limit_is_refused_unread():
    data = b"x" * (workbook.MAX_UPLOAD_BYTES + 1)

    for read in (workbook.workbook_to_document, workbook.json_to_document):
        _, problems = read(data)
        assert [p.message for p in problems] == ["The file is larger than 5 MB."]


def test_a_workbook_that_unpacks_too_large_is_refused_before_parsing(exported, monkeypatch):
    data = workbook.document_to_workbook(exported)
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 10_000)

    _, problems = workbook.workbook_to_document(data)

    assert len(problems) == 1
    assert "unpacks to far more than a framework needs" in problems[0].message


def test_missing_sheets_headers_and_unknown_columns_are_each_named():
    book = Workbook()
    framework = book.active
    framework.title = "framework"
    framework.append(["key", "value"])
    framework.append(["slug", "x"])
    tiers = book.create_sheet("tiers")
    tiers.append(["code", "name", "colour"])
    buffer = io.BytesIO()
    book.save(buffer)

    _, problems = workbook.workbook_to_document(buffer.getvalue())

    found = {(p.sheet, p.row, p.column, p.value, p.message) for p in problems}
    assert ("tiers", 1, "C (colour)", "colour") in {f[:4] for f in found}
    assert ("tiers", 1, "", "order", "The sheet has no “order” column.") in found
    assert ("courses", 0, "", "", "The workbook has no sheet “courses”.") in found
    assert ("framework", 0, "A (key)", "name", "The sheet has no “name” row.") in found


def test_a_number_that_does_not_parse_is_placed_on_its_cell(exported):
    data = edited(
        workbook.document_to_workbook(exported), lambda b: b["tiers"].__setitem__("C3", "second")
    )

    _, problems = workbook.workbook_to_document(data)

    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("tiers", 3, "C (order)", "second")
    ]


def test_rows_of_one_pathway_must_agree_on_its_tier(exported):
    def change(book):
        book["pathways"]["B3"] = "B"

    _, problems = workbook.workbook_to_document(
        edited(workbook.document_to_workbook(exported), change)
    )

    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("pathways", 3, "B (tier)", "B")
    ]


def test_validation_problems_are_placed_on_the_cells_they_came_from(exported):
    def change(book):
        book["courses"][f"E{row_of(book, 'courses', 1, 'Focus on neglect')}"] = "a while"
        book["pathways"]["E4"] = "Underwater basket weaving"

    data = edited(workbook.document_to_workbook(exported), change)
    read = workbook.read_workbook(data)
    problems = [workbook.locate(p, read.located) for p in workbook.import_problems(read.document)]

    book = load_workbook(io.BytesIO(data))
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("courses", row_of(book, "courses", 1, "Focus on neglect"), "E (duration)", "a while"),
        ("pathways", 4, "E (course)", "Underwater basket weaving"),
    ]


def test_a_pathway_name_matching_no_course_is_refused_unless_the_file_declares_it(exported):
    assert workbook.import_problems(exported) == []
    for pathway in exported["pathways"]:
        pathway.pop("unmatched", None)

    problems = workbook.import_problems(exported)

    assert {p.value for p in problems} == {
        "Domestic violence – Level 1 and 2",
        "Domestic violence – Level 2",
    }
    assert all(p.sheet == "pathways" and p.blocking for p in problems)


def test_bad_json_is_one_problem_giving_its_line_and_column():
    _, problems = workbook.json_to_document(b'{\n  "slug": "x",\n  "name": oops\n}')

    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("JSON", 3, "character 11", '"name": oops')
    ]
    assert "line 3, column 11" in problems[0].message


def test_json_that_is_not_one_object_or_not_utf8_is_refused():
    assert "one framework" in workbook.json_to_document(b"[1, 2]")[1][0].message
    assert "not UTF-8" in workbook.json_to_document('{"a": "é"}'.encode("latin-1"))[1][0].message


def test_json_round_trips_the_document_exactly(exported):
    text = workbook.document_to_json(exported)

    assert workbook.json_to_document(text.encode())[0] == exported
    assert "Children’s Social Worker" in text  # UTF-8, not \\u escapes


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
