"""Stale background tasks: a worker killed mid-task leaves its task RUNNING for ever.

django-tasks-db has no reaper (an open upstream issue): a worker that is
killed, or loses its machine, never marks its task finished, and whatever the
task was doing (an import, a batch of emails) shows as running for ever. Here:

- :func:`reap_stale_tasks` marks django-tasks-db's own rows RUNNING for longer
  than a given time as FAILED, with :class:`WorkerStopped` as the error;
- apps add reapers for their own rows with :func:`register` (the people
  import marks its import failed, telling the user nothing was applied);
- :func:`reap_all` runs every reaper, then the generic one. It runs from the
  ``interagency reap-tasks`` command and whenever a worker starts a task (at
  most once a minute per process), so a restarted worker clears what the
  killed one left.

The time allowed must exceed the longest task: a task still running after it
is declared stopped. Apps that can tell (with a heartbeat) do better than the
start time, which is all django-tasks-db records.
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Overridden by the setting TASKS_STALE_AFTER_MINUTES.
DEFAULT_STALE_AFTER = datetime.timedelta(minutes=15)
STOPPED_MESSAGE = (
    "The worker stopped while running this task (it was killed or restarted), "
    "so the task never finished. It was marked failed by the reaper."
)
_REAPERS: dict[str, Callable[[datetime.timedelta], int]] = {}
_REAP_EVERY_SECONDS = 60.0
_last_reaped = 0.0


class WorkerStopped(Exception):
    """The exception recorded on a task whose worker stopped mid-task."""


def stale_after() -> datetime.timedelta:
    """How long a task may run before it is taken for stopped (setting or 15 minutes)."""
    minutes = getattr(settings, "TASKS_STALE_AFTER_MINUTES", None)
    return datetime.timedelta(minutes=minutes) if minutes else DEFAULT_STALE_AFTER


def reap_stale_tasks(older_than: datetime.timedelta) -> int:
    """Mark django-tasks-db tasks RUNNING since before ``older_than`` ago as FAILED; how many."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - older_than)
    if not stale.exists():  # a read first: no write lock taken when nothing is stale
        return 0
    with transaction.atomic():
        count = stale.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback=STOPPED_MESSAGE,
        )
    if count:
        logger.warning("Marked %d stopped task(s) as failed", count)
    return count


def register(name: str, reaper: Callable[[datetime.timedelta], int]) -> None:
    """Add an app's reaper: ``reaper(older_than)`` marks its own stale rows, returns how many."""
    _REAPERS[name] = reaper


def reap_all(older_than: datetime.timedelta | None = None) -> dict[str, int]:
    """Run every registered reaper, then :func:`reap_stale_tasks`; counts by name."""
    older_than = older_than or stale_after()
    counts = {name: reaper(older_than) for name, reaper in sorted(_REAPERS.items())}
    counts["tasks"] = reap_stale_tasks(older_than)
    return counts


def reap_when_a_task_starts(sender, **kwargs) -> None:
    """Signal receiver (``task_started``): reap at most once a minute in this process.

    Only for django-tasks-db's worker: other backends (the immediate one in
    tests) run tasks inside the request, where no worker can have stopped.
    """
    from django_tasks_db.backend import DatabaseBackend

    global _last_reaped
    backend = sender if isinstance(sender, type) else type(sender)  # the worker sends an instance
    if not issubclass(backend, DatabaseBackend):
        return
    if time.monotonic() - _last_reaped < _REAP_EVERY_SECONDS:
        return
    _last_reaped = time.monotonic()
    try:
        reap_all()
    except Exception:  # the task about to run matters more than the reaping
        logger.exception("Reaping stale tasks failed")
