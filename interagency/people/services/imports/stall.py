"""A run whose worker stopped: reported by a poll without writing, marked failed by a write.

A worker killed (or cut off) mid-run leaves its import running, with a
heartbeat that no longer moves; its one write transaction never committed, so
no person changed. A poll (the status page, the API's import detail) reports
such an import as the reaper will leave it, failed with :data:`WORKER_STOPPED`,
and writes nothing. The reaper records it: ``interagency reap-tasks``, a worker
starting a task, or the next write to the import (applying it again, choosing
its columns or answers), through :func:`settle_stalled`.
"""

import copy
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from interagency.core.tasks_reaper import stale_after
from interagency.people.models import PeopleImport
from interagency.tenancy.models import Partnership

WORKER_STOPPED = (
    "The worker stopped while applying this import (it was stopped or restarted). "
    "Nothing was applied: every person is as before. Apply the import again."
)


def is_stalled(people_import: PeopleImport) -> bool:
    """Whether a running import has shown no progress for the reaper's time (reads nothing)."""
    last_sign = people_import.heartbeat_at or people_import.uploaded_at
    return (
        people_import.status == PeopleImport.Status.RUNNING
        and last_sign < timezone.now() - stale_after()
    )


def as_polled(people_import: PeopleImport) -> PeopleImport:
    """The import as a poll reports it, writing nothing: a stalled one as failed, with why.

    A stalled import comes back as an unsaved copy; the import itself is
    recorded failed by the reaper or the next write (:func:`settle_stalled`).
    """
    if not is_stalled(people_import):
        return people_import
    shown = copy.copy(people_import)
    shown.status, shown.error = PeopleImport.Status.FAILED, WORKER_STOPPED
    return shown


def settle_stalled(people_import: PeopleImport) -> None:
    """Before a write to the import: mark it failed if its worker stopped, and say so on it.

    The import may be as read (running) or as a poll showed it (failed), so the
    stored row decides; an import neither running nor failed costs no query.
    """
    Status = PeopleImport.Status
    if people_import.status not in (Status.RUNNING, Status.FAILED):
        return
    reaped = reap_stale_people_imports(
        older_than=stale_after(),
        partnership=people_import.partnership,
        import_id=people_import.pk,
    )
    if reaped:
        people_import.refresh_from_db(fields=["status", "error", "finished_at"])


def reap_stale_people_imports(
    *,
    older_than: datetime.timedelta,
    partnership: Partnership | None = None,
    import_id: int | None = None,
) -> int:
    """Mark imports running without a heartbeat for ``older_than`` as failed; how many.

    Their worker was killed or lost its connection: its one write transaction
    never committed, so no person changed, and the import can be applied again.
    With ``partnership`` (and ``import_id``) only those are looked at (one
    import about to be written); without, every partnership's (the reaper).
    """
    now = timezone.now()
    if partnership is not None:
        imports = PeopleImport.objects.for_partnership(partnership)
    else:
        # cross-partnership: the reaper looks after every partnership's stopped imports.
        imports = PeopleImport.objects.all()
    cutoff = now - older_than
    # Imports claimed before heartbeats were recorded count from their upload.
    stale = imports.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, uploaded_at__lt=cutoff),
        status=PeopleImport.Status.RUNNING,
    )
    if import_id is not None:
        stale = stale.filter(pk=import_id)
    if not stale.exists():  # a read first: no write lock taken when nothing is stale
        return 0
    with transaction.atomic():
        return stale.update(
            status=PeopleImport.Status.FAILED, error=WORKER_STOPPED, finished_at=now
        )
