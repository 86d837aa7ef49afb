"""Applying uses the preview's checked plan while nothing it was made from has changed."""

import datetime

import pytest

from interagency.people.importing import applying, checking, keeping
from interagency.people.models import PeopleImport, Person
from interagency.people.services.imports import apply_people_import, plan_people_import
from interagency.people.tests.factories import PersonFactory
from interagency.people.tests.test_importing import (
    COLUMNS,
    FIRST,
    HEADER,
    agency,  # noqa: F401 (fixture)
    preview,
    social_worker,  # noqa: F401 (fixture)
    upload,
)

# Ben manages Ana; Cy and Di manage each other (a loop); Ed's manager is already in the agency.
TEAM = HEADER + (
    "Ana Silva,ana@camden.example,Social worker,Children's Social Worker,Duty team,"
    "ben@camden.example,Permanent,2021-04-01,,H1\n"
    "Ben Okafor,ben@camden.example,Team manager,,Duty team,,Agency or locum,01/09/2019,,H2\n"
    "Cy Three,cy@camden.example,,,New team,di@camden.example,,,,H3\n"
    "Di Four,di@camden.example,,,,cy@camden.example,,2020-01-01,2024-01-01,H4\n"
    "Ed Five,,,,,boss@camden.example,Volunteer,,,H5\n"
    "Bad Row,not-an-email,,,,,,,,H6\n"
)


def never_check_again(monkeypatch):
    def refuse(**kwargs):
        raise AssertionError("the rows were checked again")

    monkeypatch.setattr(checking, "plan_import", refuse)


def test_a_kept_plan_reads_back_as_it_was_made(agency, coordinator, social_worker):  # noqa: F811
    PersonFactory.create(agency=agency, work_email="boss@camden.example", external_id="B1")
    PersonFactory.create(agency=agency, work_email="gone@camden.example")
    PersonFactory.create(agency=agency, external_id="H2", job_title="Practitioner")
    people_import = upload(agency, coordinator, TEAM, full=True)
    _, plan = plan_people_import(preview(people_import, coordinator))
    again = keeping.load_plan(keeping.dump_plan(plan))
    assert again.creates == plan.creates
    assert again.updates == plan.updates and len(plan.updates) == 1
    # Those not in the full list leave: the agency's boss and the one gone.
    assert again.mark_left == plan.mark_left and len(plan.mark_left) == 2
    assert again.problems == plan.problems and again.rejected_rows == plan.rejected_rows == [7]
    assert again.new_services == plan.new_services
    assert again.counts == plan.counts
    # Line managers still point at the rows to be created, not copies of them.
    for (values, email), (original, original_email) in zip(
        again.line_managers, plan.line_managers, strict=True
    ):
        assert email == original_email and values == original
        assert ("pk" in values) or any(values is row for row in again.creates)
    assert isinstance(again.creates[0]["started_on"], datetime.date)


def test_applying_an_unchanged_preview_does_not_check_the_rows_again(
    agency,  # noqa: F811
    coordinator,
    social_worker,  # noqa: F811
    monkeypatch,
):
    boss = PersonFactory.create(agency=agency, work_email="boss@camden.example")
    people_import = preview(upload(agency, coordinator, TEAM), coordinator)
    assert people_import.plan and len(people_import.plan_fingerprint) == 64
    never_check_again(monkeypatch)
    status = apply_people_import(people_import=people_import, applied_by=coordinator)
    assert status == PeopleImport.Status.APPLIED
    people_import.refresh_from_db()
    assert people_import.plan is None and people_import.content is None
    assert (people_import.created, people_import.rejected) == (5, 1)
    by_id = {p.external_id: p for p in Person.objects.select_related("line_manager", "service")}
    assert by_id["H1"].line_manager == by_id["H2"]
    assert (by_id["H3"].line_manager, by_id["H4"].line_manager) == (by_id["H4"], by_id["H3"])
    assert by_id["H5"].line_manager == boss
    assert by_id["H3"].service is not None and by_id["H3"].service.name == "New team"
    assert by_id["H4"].left_on == datetime.date(2024, 1, 1)
    assert by_id["H2"].started_on == datetime.date(2019, 9, 1)
    assert by_id["H5"].employment_type == "volunteer"


def test_people_changed_since_the_preview_are_checked_again(
    agency,  # noqa: F811
    coordinator,
    social_worker,  # noqa: F811
):
    people_import = preview(upload(agency, coordinator, FIRST), coordinator)
    # Someone adds Ana by hand after the preview: the kept plan would create her twice.
    PersonFactory.create(agency=agency, external_id="H1", work_email="ana@camden.example")
    apply_people_import(people_import=people_import, applied_by=coordinator)
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.APPLIED, people_import.error
    assert (people_import.created, people_import.updated) == (1, 1)
    assert Person.objects.filter(external_id="H1").count() == 1


def test_people_changed_while_the_apply_prepares_are_checked_again_inside_its_transaction(
    agency,  # noqa: F811
    coordinator,
    social_worker,  # noqa: F811
    monkeypatch,
):
    people_import = preview(upload(agency, coordinator, FIRST), coordinator)
    real = applying.prepare_writes
    calls = []

    def someone_adds_ana(plan, **kwargs):
        calls.append(plan)
        if len(calls) == 1:
            PersonFactory.create(agency=agency, external_id="H1", work_email="ana@camden.example")
        return real(plan, **kwargs)

    monkeypatch.setattr(applying, "prepare_writes", someone_adds_ana)
    apply_people_import(people_import=people_import, applied_by=coordinator)
    people_import.refresh_from_db()
    assert len(calls) == 2
    assert people_import.status == PeopleImport.Status.APPLIED, people_import.error
    assert Person.objects.filter(external_id="H1").count() == 1
    assert Person.objects.count() == 2


@pytest.mark.parametrize("change", ["columns", "damaged"])
def test_new_columns_or_a_damaged_kept_plan_mean_checking_again(
    agency,  # noqa: F811
    coordinator,
    social_worker,  # noqa: F811
    change,
):
    from interagency.people.models import ColumnMapping

    people_import = preview(upload(agency, coordinator, FIRST), coordinator)
    if change == "columns":  # another import of the agency chose other columns since
        ColumnMapping.objects.filter(agency=agency).update(
            columns={"full_name": "Name", "work_email": "Email"}
        )
    else:
        PeopleImport.objects.filter(pk=people_import.pk).update(plan=b"not a plan")
    people_import.refresh_from_db()
    apply_people_import(people_import=people_import, applied_by=coordinator)
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.APPLIED, people_import.error
    ana = Person.objects.get(work_email="ana@camden.example")
    assert ana.job_title == ("" if change == "columns" else "Social worker")
    assert COLUMNS["job_title"] == "Job title"
