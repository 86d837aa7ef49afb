"""The reaper of tasks a stopped worker left RUNNING in django-tasks-db's table."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interagency.core import tasks_reaper

pytestmark = pytest.mark.clock


@task()
def sleepy_task() -> str:
    return "done"


def claimed_task(*, started_minutes_ago: float) -> DBTaskResult:
    """A task enqueued, then claimed by a worker as ``db_worker`` does, which then stopped."""
    result = sleepy_task.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("worker-that-was-killed")
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago)
    )
    return row


@pytest.mark.django_db
def test_a_task_left_running_is_marked_failed_and_a_recent_one_is_left_alone():
    stopped = claimed_task(started_minutes_ago=90)
    running = claimed_task(started_minutes_ago=1)
    waiting = DBTaskResult.objects.get(pk=sleepy_task.enqueue().id)

    assert tasks_reaper.reap_stale_tasks(datetime.timedelta(minutes=30)) == 1

    stopped.refresh_from_db()
    assert stopped.status == TaskResultStatus.FAILED
    assert stopped.finished_at is not None
    assert stopped.exception_class_path == "interagency.core.tasks_reaper.WorkerStopped"
    assert "worker stopped" in stopped.traceback
    # What a client of the tasks framework reads: a failed result with the reason.
    result = sleepy_task.get_result(str(stopped.pk))
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path.endswith("WorkerStopped")
    assert DBTaskResult.objects.get(pk=running.pk).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=waiting.pk).status == TaskResultStatus.READY
    # Reaping again finds nothing more.
    assert tasks_reaper.reap_stale_tasks(datetime.timedelta(minutes=30)) == 0


@pytest.mark.django_db
def test_the_command_reaps_with_the_time_given_and_reports_the_counts(capsys):
    stopped = claimed_task(started_minutes_ago=20)
    call_command("reap_tasks", "--older-than-minutes", "30")
    assert DBTaskResult.objects.get(pk=stopped.pk).status == TaskResultStatus.RUNNING
    call_command("reap_tasks", "--older-than-minutes", "10")
    assert DBTaskResult.objects.get(pk=stopped.pk).status == TaskResultStatus.FAILED
    assert "tasks: 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="more than 0"):
        call_command("reap_tasks", "--older-than-minutes", "0")


@pytest.mark.django_db
def test_the_default_time_comes_from_the_setting(settings):
    stopped = claimed_task(started_minutes_ago=20)
    settings.TASKS_STALE_AFTER_MINUTES = 60
    assert tasks_reaper.reap_all()["tasks"] == 0
    settings.TASKS_STALE_AFTER_MINUTES = 5
    assert tasks_reaper.reap_all()["tasks"] == 1
    assert DBTaskResult.objects.get(pk=stopped.pk).status == TaskResultStatus.FAILED


# The real worker closes its database connection after a task, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_worker_starting_a_task_reaps_what_a_stopped_worker_left(monkeypatch):
    monkeypatch.setattr(tasks_reaper, "_last_reaped", 0.0)
    stopped = claimed_task(started_minutes_ago=60 * 24)
    sleepy_task.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    assert DBTaskResult.objects.get(pk=stopped.pk).status == TaskResultStatus.FAILED
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    }


@pytest.mark.django_db
def test_tasks_run_by_another_backend_do_not_reap(monkeypatch, settings):
    """The immediate backend runs tasks inside a request (and tests): no query of reaping there."""
    monkeypatch.setattr(tasks_reaper, "_last_reaped", 0.0)
    stopped = claimed_task(started_minutes_ago=60 * 24)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert sleepy_task.enqueue().return_value == "done"
    assert DBTaskResult.objects.get(pk=stopped.pk).status == TaskResultStatus.RUNNING
