"""Applying a people import: now or by the background worker, and the runs that do it.

Small files are applied in the request, large ones queued for the worker. A
run claims the import with a conditional UPDATE (a new attempt), reports
progress and a heartbeat in short transactions while it checks the rows, and
writes everything in one transaction at the end: all rows or none. It is
audited once, on the PeopleImport, with the counts; the file's rows are not
copied into the trail. A run whose worker died is found by its heartbeat and
marked failed (:func:`reap_stale_people_imports`), to be applied again.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.people.importing import applying
from interagency.people.services.imports import (
    _import_columns,
    _kept_plan,
    _plan_fingerprint,
    _record_counts,
    plan_people_import,
)
from interagency.tenancy.models import Partnership

# Files with this many rows or more are applied by the background worker.
BACKGROUND_ROWS = 2000


def apply_people_import(*, people_import, applied_by) -> str:
    """Apply a previewed import now (small files) or queue it for the worker (large ones).

    Returns the import's status afterwards. Applying twice does nothing the
    second time. A failed import (a crash, or a worker that stopped) is
    applied again from its kept file: its rows are checked afresh.
    """
    from interagency.people.models import PeopleImport
    from interagency.people.tasks import apply_people_import_task

    Status = PeopleImport.Status
    if people_import.status in (Status.APPLIED, Status.QUEUED, Status.RUNNING):
        return people_import.status
    if people_import.status not in APPLICABLE:
        raise ValidationError("Check the columns and preview the import before applying it.")
    # The one who confirmed is recorded as the importer (the audit actor).
    if applied_by is not None and applied_by.is_authenticated:
        people_import.uploaded_by = applied_by
    if people_import.rows_total < BACKGROUND_ROWS:
        return run_people_import(
            import_id=people_import.pk,
            people_import=people_import,
            raise_errors=False,
            claim_from=APPLICABLE,
        )
    with transaction.atomic():
        queued = (
            PeopleImport.objects.for_partnership(people_import.partnership_id)
            .filter(pk=people_import.pk, status__in=APPLICABLE)
            .update(
                status=Status.QUEUED,
                rows_done=0,
                error="",
                finished_at=None,
                uploaded_by=people_import.uploaded_by,
            )
        )
        if queued:
            import_id = people_import.pk
            transaction.on_commit(lambda: apply_people_import_task.enqueue(import_id))
    people_import.refresh_from_db(fields=["status"])
    return people_import.status


# What a user may apply: a preview, or an import that failed (nothing was written).
APPLICABLE = ("previewed", "failed")
# What a run of the worker may claim: queued by apply (or previewed, run by hand).
CLAIMABLE_BY_WORKER = ("previewed", "queued")

WORKER_STOPPED = (
    "The worker stopped while applying this import (it was stopped or restarted). "
    "Nothing was applied: every person is as before. Apply the import again."
)


class ImportSuperseded(Exception):
    """This run's import was declared stopped, or taken over by a newer run: write nothing."""


def run_people_import(
    *,
    import_id: int,
    people_import=None,
    raise_errors: bool = True,
    claim_from: tuple[str, ...] = CLAIMABLE_BY_WORKER,
) -> str:
    """Check the import's rows, then write them all in one transaction; idempotent.

    Progress (rows checked) and a heartbeat are saved in short transactions
    while the rows are checked, which only reads; the writing happens at the
    end in one transaction, so a failure leaves every person as before. Each
    run claims the import as a new attempt and writes only while the import
    is still its attempt and running: a run declared stopped by
    :func:`reap_stale_people_imports` (or overtaken by a newer one) writes
    nothing.
    """
    from django.db.models import F

    from interagency.people.models import PeopleImport

    Status = PeopleImport.Status
    if people_import is None:
        people_import = (
            # The worker gets an import id; the import names its partnership, scoping all below.
            # cross-partnership: found by id, then every read and write is scoped by it.
            PeopleImport.objects.select_related("agency", "partnership", "uploaded_by")
            .filter(pk=import_id)
            .first()
        )
        if people_import is None:
            return "missing"
    if people_import.status == Status.APPLIED:
        return people_import.status
    imports = PeopleImport.objects.for_partnership(people_import.partnership_id)
    with transaction.atomic():
        claimed = imports.filter(pk=import_id, status__in=claim_from).update(
            status=Status.RUNNING,
            rows_done=0,
            error="",
            finished_at=None,
            heartbeat_at=timezone.now(),
            attempt=F("attempt") + 1,
            uploaded_by=people_import.uploaded_by,
        )
    if not claimed:
        people_import.refresh_from_db(fields=["status"])
        return people_import.status
    people_import.refresh_from_db(fields=["attempt"])
    this_run = imports.filter(pk=import_id, status=Status.RUNNING, attempt=people_import.attempt)

    def progress(done: int) -> None:
        with transaction.atomic():
            this_run.update(rows_done=done, heartbeat_at=timezone.now())

    try:
        from interagency.catalogue.selectors import roles_of

        agency = people_import.agency
        roles = list(roles_of(people_import.partnership))
        fingerprint = _plan_fingerprint(people_import, roles, _import_columns(people_import))
        plan = _kept_plan(people_import, fingerprint)
        table = None  # the file is read only when the kept plan cannot be used
        if plan is None:
            table, plan = plan_people_import(people_import, on_progress=progress)
        else:  # nothing changed since the preview: its check stands
            progress(plan.rows_total)
        # Everything but the SQL is prepared before the write transaction (and
        # SQLite's write lock) begins.
        writes = _prepare(plan, agency)
        with transaction.atomic():
            # First write of the transaction: still this run's import, and kept so until commit.
            if not this_run.update(heartbeat_at=timezone.now()):
                raise ImportSuperseded
            columns = _import_columns(people_import)
            if _plan_fingerprint(people_import, roles, columns) != fingerprint:
                # The agency's people changed while the rows were checked: check them again.
                table, plan = plan_people_import(people_import)
                writes = _prepare(plan, agency)
            role_ids = applying.create_new_roles(
                plan.new_roles, partnership=people_import.partnership
            )
            for part_agency, part_writes in writes:
                applying.write_prepared(part_writes, agency=part_agency, role_ids=role_ids)
            remember_agency_aliases(people_import)
            _record_counts(people_import, plan, table)
            people_import.status = Status.APPLIED
            people_import.rows_done = plan.rows_total
            people_import.finished_at = timezone.now()
            people_import.content = None
            people_import.plan = None
            people_import.error = ""
            people_import.heartbeat_at = timezone.now()
            people_import.save()
            record_event(
                actor=people_import.uploaded_by,
                action=AuditEvent.Action.CHANGED,
                subject=people_import,
                changes={
                    "import": {
                        "agency": people_import.agency_label,
                        "file_name": people_import.file_name,
                        "file_sha256": people_import.file_sha256,
                        "full_staff_list": people_import.is_full_staff_list,
                        "rows": plan.rows_total,
                        **plan.counts,
                        "services_added": len(plan.new_services),
                        "posts_ended_ids": [pk for pk, _ in plan.posts_ended],
                    }
                },
                partnership=people_import.partnership,
            )
    except ImportSuperseded:
        people_import.refresh_from_db()
        return people_import.status
    except Exception as error:
        with transaction.atomic():
            this_run.update(
                status=Status.FAILED,
                error=f"The import stopped and nothing was changed ({type(error).__name__}).",
                finished_at=timezone.now(),
            )
        people_import.refresh_from_db()
        import logging

        logging.getLogger(__name__).exception("People import %s failed", import_id)
        if raise_errors:
            raise
    return people_import.status


def _prepare(plan, agency) -> list:
    """``[(agency, writes)]``: the import's agency, or each agency the file names."""
    if agency is None:
        return [
            (part_agency, applying.prepare_writes(part, agency=part_agency))
            for part_agency, part in plan.parts
        ]
    return [(agency, applying.prepare_writes(plan, agency=agency))]


def remember_agency_aliases(people_import) -> None:
    """Remember the agencies chosen on the preview for the file's unknown organisations, so the
    next import matches them; audited. Call inside the apply's transaction."""
    from interagency.people.importing.organisations import REJECT
    from interagency.people.models import AgencyAlias

    chosen = {
        text: int(agency_id)
        for text, agency_id in (people_import.choices or {}).get("organisations", {}).items()
        if agency_id != REJECT and str(agency_id).isdigit()
    }
    if people_import.agency_id is not None or not chosen:
        return
    aliases = AgencyAlias.objects.for_partnership(people_import.partnership_id)
    for text, agency_id in sorted(chosen.items()):
        alias, created = aliases.update_or_create(
            text=text,
            defaults={"agency_id": agency_id, "partnership_id": people_import.partnership_id},
        )
        record_event(
            actor=people_import.uploaded_by,
            action=AuditEvent.Action.CREATED if created else AuditEvent.Action.CHANGED,
            subject=alias,
            changes={"text": text, "agency": alias.agency_id, "import": people_import.pk},
            partnership=people_import.partnership,
        )


def import_looks_stopped(people_import) -> bool:
    """Whether a running import has shown no progress for the reaper's time (reads nothing)."""
    from interagency.core.tasks_reaper import stale_after

    last_sign = people_import.heartbeat_at or people_import.uploaded_at
    return people_import.status == "running" and last_sign < timezone.now() - stale_after()


def reap_stale_people_imports(
    *, older_than: datetime.timedelta, partnership: Partnership | None = None, import_id=None
) -> int:
    """Mark imports running without a heartbeat for ``older_than`` as failed; how many.

    Their worker was killed or lost its connection: its one write transaction
    never committed, so no person changed, and the import can be applied again.
    With ``partnership`` (and ``import_id``) only those are looked at (a page
    showing one import); without, every partnership's (the reaper command).
    """
    from interagency.people.models import PeopleImport

    Status = PeopleImport.Status
    now = timezone.now()
    if partnership is not None:
        imports = PeopleImport.objects.for_partnership(partnership)
    else:
        # cross-partnership: the reaper looks after every partnership's stopped imports.
        imports = PeopleImport.objects.all()
    from django.db.models import Q

    cutoff = now - older_than
    # Imports claimed before heartbeats were recorded count from their upload.
    stale = imports.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, uploaded_at__lt=cutoff),
        status=Status.RUNNING,
    )
    if import_id is not None:
        stale = stale.filter(pk=import_id)
    if not stale.exists():  # a read first: no write lock taken when nothing is stale
        return 0
    with transaction.atomic():
        return stale.update(status=Status.FAILED, error=WORKER_STOPPED, finished_at=now)
