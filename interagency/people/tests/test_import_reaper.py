"""A killed import worker: the import is shown failed, nothing applied, and it applies again."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from interagency.people.importing import applying
from interagency.people.models import PeopleImport, Person
from interagency.people.services.imports import (
    WORKER_STOPPED,
    apply_people_import,
    reap_stale_people_imports,
    run_people_import,
    save_import_mapping,
    start_people_import,
)
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.clock

TEXT = "Name,Email\n" + "".join(f"P {n},p{n}@camden.example\n" for n in range(6))


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler in the task records a failure."""


@pytest.fixture
def agency(partnership):
    return AgencyFactory.create(partnership=partnership, name="Camden Health")


def previewed(agency, user) -> PeopleImport:
    people_import = start_people_import(
        partnership=agency.partnership,
        agency=agency,
        uploaded_by=user,
        file_name="staff.csv",
        content=TEXT.encode(),
        is_full_staff_list=False,
    )
    save_import_mapping(
        people_import=people_import,
        columns={"full_name": "Name", "work_email": "Email"},
        changed_by=user,
    )
    people_import.refresh_from_db()
    return people_import


def killed_half_way(people_import, monkeypatch) -> None:
    """Run the import as the worker does, and kill it after it wrote some people."""
    real = applying._create_batch

    def create_then_die(people):
        real(people)
        assert Person.objects.count() > 1  # the write had started
        raise WorkerKilled

    monkeypatch.setattr(applying, "BATCH_SIZE", 3)
    monkeypatch.setattr(applying, "_create_batch", create_then_die)
    with pytest.raises(WorkerKilled):
        run_people_import(import_id=people_import.pk)
    monkeypatch.undo()


def age_heartbeat(people_import, minutes: float) -> None:
    PeopleImport.objects.filter(pk=people_import.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_a_killed_import_stays_running_and_the_reaper_marks_it_failed(
    agency, coordinator, monkeypatch
):
    existing = PersonFactory.create(agency=agency, work_email="someone@camden.example")
    people_import = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk=people_import.pk).update(status=PeopleImport.Status.QUEUED)
    killed_half_way(people_import, monkeypatch)

    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.RUNNING  # what a killed worker leaves
    assert list(Person.objects.all()) == [existing]  # its transaction never committed

    # A recent heartbeat: perhaps still working, so left alone.
    age_heartbeat(people_import, 2)
    call_command("reap_tasks", "--older-than-minutes", "10")
    assert PeopleImport.objects.get(pk=people_import.pk).status == PeopleImport.Status.RUNNING

    age_heartbeat(people_import, 30)
    call_command("reap_tasks", "--older-than-minutes", "10")
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.FAILED
    assert people_import.error == WORKER_STOPPED
    assert "Nothing was applied" in people_import.error
    assert people_import.content  # the file is kept to apply again
    assert list(Person.objects.all()) == [existing]

    # Applied again, it runs whole.
    assert (
        apply_people_import(people_import=people_import, applied_by=coordinator)
        == PeopleImport.Status.APPLIED
    )
    people_import.refresh_from_db()
    assert (people_import.created, people_import.attempt) == (6, 2)
    assert Person.objects.count() == 7


def test_a_run_declared_stopped_writes_nothing_when_it_wakes(agency, coordinator, monkeypatch):
    """A worker that was only stalled, and is reaped, must not apply over a newer run."""
    people_import = previewed(agency, coordinator)
    real_prepare = applying.prepare_writes

    def stalled(plan, **kwargs):
        result = real_prepare(plan, **kwargs)
        age_heartbeat(people_import, 60)
        assert reap_stale_people_imports(older_than=datetime.timedelta(minutes=10)) == 1
        return result

    monkeypatch.setattr(applying, "prepare_writes", stalled)
    status = run_people_import(import_id=people_import.pk)
    assert status == PeopleImport.Status.FAILED
    assert not Person.objects.exists()


def test_the_status_page_shows_a_stopped_import_as_failed_with_apply_again(
    coordinator_client, coordinator, partnership, agency, settings
):
    settings.TASKS_STALE_AFTER_MINUTES = 10
    people_import = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk=people_import.pk).update(
        status=PeopleImport.Status.RUNNING, rows_done=2
    )
    status_url = reverse(
        "people:import-status", kwargs={"code": partnership.code, "import_id": people_import.pk}
    )
    age_heartbeat(people_import, 5)
    page = coordinator_client.get(status_url).content.decode()
    assert "Running" in page and "Apply the import again" not in page

    age_heartbeat(people_import, 30)
    page = coordinator_client.get(status_url).content.decode()
    assert "Failed" in page
    assert "The worker stopped while applying this import" in page
    assert "Apply the import again" in page
    # Showing the page wrote nothing: applying again (a POST) records the stop and runs it.
    assert PeopleImport.objects.get(pk=people_import.pk).status == PeopleImport.Status.RUNNING

    response = coordinator_client.post(
        reverse(
            "people:import-apply", kwargs={"code": partnership.code, "import_id": people_import.pk}
        )
    )
    assert response.url == status_url
    assert PeopleImport.objects.get(pk=people_import.pk).status == PeopleImport.Status.APPLIED
    assert Person.objects.count() == 6


def test_the_columns_of_a_stopped_import_can_be_chosen_again(
    coordinator_client, coordinator, partnership, agency, settings
):
    """The status page's "Check the columns again" leads to the columns, and saving them
    records the stop and previews the file again."""
    settings.TASKS_STALE_AFTER_MINUTES = 10
    people_import = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk=people_import.pk).update(status=PeopleImport.Status.RUNNING)
    age_heartbeat(people_import, 30)
    kwargs = {"code": partnership.code, "import_id": people_import.pk}
    mapping_url = reverse("people:import-mapping", kwargs=kwargs)

    assert coordinator_client.get(mapping_url).status_code == 200
    response = coordinator_client.post(mapping_url, {"full_name": "Name", "work_email": "Email"})
    assert response.url == reverse("people:import-preview", kwargs=kwargs)
    people_import.refresh_from_db()
    assert people_import.status == PeopleImport.Status.PREVIEWED
    assert people_import.created == 6
    assert not Person.objects.exists()


def test_the_api_poll_answers_failed_for_a_stopped_import(
    coordinator, partnership, agency, settings
):
    from django.test import Client

    from interagency.accounts.services import issue_access_token

    settings.TASKS_STALE_AFTER_MINUTES = 10
    people_import = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk=people_import.pk).update(status=PeopleImport.Status.RUNNING)
    age_heartbeat(people_import, 30)
    _, token = issue_access_token(user=coordinator, name="Tests")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    detail = reverse(
        "api:import-detail", kwargs={"code": partnership.code, "import_id": people_import.pk}
    )
    body = client.get(detail).json()
    assert body["status"] == "failed" and "Nothing was applied" in body["error"]
    # The poll wrote nothing: the apply records the stop before it runs again.
    assert PeopleImport.objects.get(pk=people_import.pk).status == PeopleImport.Status.RUNNING
    applied = client.post(
        reverse(
            "api:import-apply", kwargs={"code": partnership.code, "import_id": people_import.pk}
        )
    )
    assert applied.status_code == 200 and applied.json()["status"] == "applied"


def test_an_import_running_without_a_heartbeat_counts_from_its_upload(agency, coordinator):
    """Imports claimed before heartbeats were recorded are reaped too, once old enough."""
    old = previewed(agency, coordinator)
    recent = previewed(agency, coordinator)
    PeopleImport.objects.filter(pk__in=[old.pk, recent.pk]).update(
        status=PeopleImport.Status.RUNNING, heartbeat_at=None
    )
    PeopleImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert reap_stale_people_imports(older_than=datetime.timedelta(minutes=10)) == 1
    assert PeopleImport.objects.get(pk=old.pk).status == PeopleImport.Status.FAILED
    assert PeopleImport.objects.get(pk=recent.pk).status == PeopleImport.Status.RUNNING
