"""Coordinators export a framework as JSON or XLSX and import one; a bad file changes nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from interagency.catalogue import interchange, workbook
from interagency.catalogue.interchange import shipped_document
from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    CourseTailoring,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.catalogue.tests.factories import CourseFactory, PartnershipFrameworkFactory
from interagency.core.permissions import Role as MemberRole
from interagency.tenancy.tests.factories import MembershipFactory

OWNER_FIELDS = ("owner", "region")
MODELS = (CompetenceFramework, Tier, Course, Role, PathwayItem, Topic, Adoption)


@pytest.fixture
def competence_matters(partnership):
    """Competence Matters, loaded from the shipped file, owned by ``partnership``."""
    return interchange.build_framework(
        shipped_document("competence-matters"), owner_partnership=partnership
    ).framework


@pytest.fixture
def other_coordinator(other_partnership):
    return MembershipFactory.create(partnership=other_partnership, role=MemberRole.COORDINATOR).user


def export(client, partnership, framework, suffix: str):
    response = client.get(
        reverse(f"catalogue:export-{suffix}", args=[partnership.code, framework.pk])
    )
    assert response.status_code == 200
    return response


def upload(client, partnership, name: str, content: bytes):
    return client.post(
        reverse("catalogue:import", args=[partnership.code]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def without_owner(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in OWNER_FIELDS}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_a_json_export_imported_into_an_empty_partnership_exports_identically(
    competence_matters, partnership, other_partnership, coordinator, other_coordinator, sign_in
):
    client = sign_in(coordinator)
    first = export(client, partnership, competence_matters, "json")
    assert first["Content-Disposition"] == 'attachment; filename="competence-matters-1.json"'
    assert first["Content-Type"] == "application/json; charset=utf-8"

    client = sign_in(other_coordinator)
    response = upload(client, other_partnership, "competence-matters.json", first.content)

    assert "Imported Competence Matters" in response.text
    assert "5 tiers, 68 courses, 9 roles" in response.text
    imported = CompetenceFramework.objects.get(owner_partnership=other_partnership)
    assert Adoption.objects.filter(partnership=other_partnership, framework=imported).exists()
    again = export(client, other_partnership, imported, "json")
    assert without_owner(json.loads(again.content)) == without_owner(json.loads(first.content))


def test_an_xlsx_export_imported_into_an_empty_partnership_exports_identically(
    competence_matters, partnership, other_partnership, coordinator, other_coordinator, sign_in
):
    client = sign_in(coordinator)
    first = export(client, partnership, competence_matters, "xlsx")
    assert first["Content-Disposition"] == 'attachment; filename="competence-matters-1.xlsx"'
    document, problems = workbook.workbook_to_document(first.content)
    assert problems == []
    assert document == json.loads(export(client, partnership, competence_matters, "json").content)

    client = sign_in(other_coordinator)
    response = upload(client, other_partnership, "competence-matters.xlsx", first.content)

    assert "Imported Competence Matters" in response.text
    imported = CompetenceFramework.objects.get(owner_partnership=other_partnership)
    again, problems = workbook.workbook_to_document(
        export(client, other_partnership, imported, "xlsx").content
    )
    assert problems == []
    assert without_owner(again) == without_owner(document)


def test_the_export_is_the_framework_as_the_partnership_runs_it(
    competence_matters, partnership, coordinator, sign_in
):
    hidden = competence_matters.courses.get(title="Accident prevention")
    renamed = competence_matters.courses.get(title="Focus on neglect")
    CourseTailoring.objects.create(partnership=partnership, course=hidden, hidden=True)
    CourseTailoring.objects.create(partnership=partnership, course=renamed, local_title="Neglect")

    document = json.loads(
        export(sign_in(coordinator), partnership, competence_matters, "json").content
    )

    titles = {course["title"] for course in document["courses"]}
    assert "Accident prevention" not in titles
    assert "Neglect" in titles and "Focus on neglect" not in titles


def test_a_bad_workbook_is_refused_whole_listing_every_problem(
    competence_matters, partnership, coordinator, other_partnership, other_coordinator, sign_in
):
    data = export(sign_in(coordinator), partnership, competence_matters, "xlsx").content
    book = load_workbook(io.BytesIO(data))
    courses = book["courses"]
    rows = {row[0].value: row[0].row for row in courses.iter_rows(min_row=2) if row[1].value != "B"}
    missing_tier = rows["Accident prevention"]
    duplicate = rows["Children in special circumstances"]
    no_duration = next(
        row[0].row for row in courses.iter_rows(min_row=2) if row[0].value == "Focus on neglect"
    )
    courses[f"B{missing_tier}"] = "D"
    courses[f"A{duplicate}"] = "Child development in relation to well-being and harm"
    courses[f"E{no_duration}"] = "a while"
    book["pathways"]["E4"] = "Underwater basket weaving"
    buffer = io.BytesIO()
    book.save(buffer)
    before = counts()

    response = upload(sign_in(other_coordinator), other_partnership, "bad.xlsx", buffer.getvalue())

    assert response.status_code == 200
    assert response.text.count('class="govuk-table__row"') == 1 + 4
    problems = response.context["problems"]
    assert [(p.sheet, p.row, p.column, str(p.value)) for p in problems] == [
        ("courses", duplicate, "A (title)", "Child development in relation to well-being and harm"),
        ("courses", missing_tier, "B (tier)", "D"),
        ("courses", no_duration, "E (duration)", "a while"),
        ("pathways", 4, "E (course)", "Underwater basket weaving"),
    ]
    assert "<title>Error: Import a framework" in response.text
    assert "The file was not imported" in response.text
    assert "Fix all 4 problems" in response.text
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.xlsx", b"just some text", "The file is not an Excel workbook (.xlsx)"),
        ("framework.json", b'{"slug": "x",\n "name": }', "This is not valid JSON"),
        ("framework.csv", b"a,b", "The selected file must be a JSON or XLSX file"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message(
    name, content, message, coordinator_client, partnership
):
    before = counts()

    response = upload(coordinator_client, partnership, name, content)

    assert message in response.text
    assert counts() == before


def test_a_bad_json_file_says_where_the_mistake_is(coordinator_client, partnership):
    response = upload(coordinator_client, partnership, "f.json", b'{"slug": "x",\n "name": }')

    [problem] = response.context["problems"]
    assert (problem.sheet, problem.row) == ("JSON", 2)
    assert "line 2, column 10" in problem.message


def test_a_file_over_the_size_limit_is_refused(coordinator_client, partnership, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UPLOAD_BYTES", 100)

    response = upload(coordinator_client, partnership, "big.json", b" " * 101 + b"{}")

    assert "The selected file must be smaller than 5 MB" in response.text


def test_a_formula_in_a_cell_is_refused(
    competence_matters, partnership, coordinator, other_partnership, other_coordinator, sign_in
):
    data = export(sign_in(coordinator), partnership, competence_matters, "xlsx").content
    book = load_workbook(io.BytesIO(data))
    book["tiers"]["C2"] = "=1-1"
    buffer = io.BytesIO()
    book.save(buffer)
    before = counts()

    response = upload(sign_in(other_coordinator), other_partnership, "f.xlsx", buffer.getvalue())

    assert "Formulas are not allowed: type the value itself." in response.text
    assert counts() == before


def test_importing_a_version_the_partnership_already_has_is_a_problem_not_a_crash(
    competence_matters, partnership, coordinator_client
):
    data = export(coordinator_client, partnership, competence_matters, "json").content
    before = counts()

    response = upload(coordinator_client, partnership, "again.json", data)

    assert "Your partnership already has version 1 of “competence-matters”" in response.text
    assert counts() == before


def test_the_import_page_offers_a_govuk_file_upload(coordinator_client, partnership):
    response = coordinator_client.get(reverse("catalogue:import", args=[partnership.code]))

    assert response.status_code == 200
    assert 'class="govuk-file-upload' in response.text
    assert 'accept=".json,.xlsx"' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_an_empty_upload_asks_for_a_file(coordinator_client, partnership):
    response = coordinator_client.post(reverse("catalogue:import", args=[partnership.code]))

    assert "Select a JSON or XLSX file" in response.text
    assert "<title>Error: " in response.text


@pytest.mark.parametrize("route", ["catalogue:export-json", "catalogue:export-xlsx"])
def test_learners_may_not_export(route, member_with, partnership, sign_in):
    framework = PartnershipFrameworkFactory.create(owner_partnership=partnership)
    client = sign_in(member_with(MemberRole.LEARNER))

    assert client.get(reverse(route, args=[partnership.code, framework.pk])).status_code == 403
    assert client.get(reverse("catalogue:import", args=[partnership.code])).status_code == 403


def test_another_partnerships_framework_is_not_found(
    coordinator_client, partnership, other_partnership
):
    theirs = PartnershipFrameworkFactory.create(owner_partnership=other_partnership)

    for suffix in ("json", "xlsx"):
        url = reverse(f"catalogue:export-{suffix}", args=[partnership.code, theirs.pk])
        assert coordinator_client.get(url).status_code == 404
        url = reverse(f"catalogue:export-{suffix}", args=[other_partnership.code, theirs.pk])
        assert coordinator_client.get(url).status_code == 404


@pytest.mark.parametrize("suffix", ["json", "xlsx"])
def test_an_export_takes_the_same_queries_for_one_course_or_many(
    suffix, partnership, coordinator_client, django_assert_max_num_queries
):
    small = PartnershipFrameworkFactory.create(owner_partnership=partnership)
    CourseFactory.create(tier__framework=small)
    large = PartnershipFrameworkFactory.create(owner_partnership=partnership)
    for _ in range(15):
        CourseFactory.create(tier__framework=large)

    with django_assert_max_num_queries(15):
        export(coordinator_client, partnership, small, suffix)
    with django_assert_max_num_queries(15):
        export(coordinator_client, partnership, large, suffix)
