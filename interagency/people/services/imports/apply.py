"""Apply: a previewed import written now (small files) or by the background worker.

A run claims the import with a conditional UPDATE (a new attempt), reports
progress and a heartbeat in short transactions while it checks the rows, and
writes everything in one transaction at the end: all rows or none. It is
audited once, on the PeopleImport, with the counts; the file's rows are not
copied into the trail. A run whose worker died is found by its heartbeat
(:mod:`.stall`) and marked failed, to be applied again.
"""

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.audit.services import record_event
from interagency.core.errors import ServiceError
from interagency.people.importing import applying
from interagency.people.importing.checking import Plan
from interagency.people.importing.reading import Table
from interagency.people.models import Agency, AgencyAlias, PeopleImport
from interagency.people.services.imports.plan import (
    import_columns,
    kept_plan,
    plan_fingerprint,
    plan_people_import,
    record_counts,
)
from interagency.people.services.imports.stall import settle_stalled

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

logger = logging.getLogger(__name__)

# Files with this many rows or more are applied by the background worker.
BACKGROUND_ROWS = 2000


class ImportSuperseded(Exception):
    """This run's import was declared stopped, or taken over by a newer run: write nothing."""


def applies_in_background(people_import: PeopleImport) -> bool:
    """Whether applying the import queues it for the worker rather than writing it at once."""
    return people_import.rows_total >= BACKGROUND_ROWS


def apply_people_import(*, people_import: PeopleImport, applied_by: "_User") -> str:
    """Apply a previewed import now (small files) or queue it for the worker (large ones).

    Returns the import's status afterwards. Applying twice does nothing the
    second time. A failed import (a crash, or a worker that stopped) is
    applied again from its kept file: its rows are checked afresh.
    """
    Status = PeopleImport.Status
    settle_stalled(people_import)
    if people_import.status in (Status.APPLIED, *PeopleImport.IN_PROGRESS):
        return people_import.status
    if people_import.status not in PeopleImport.APPLICABLE:
        raise ServiceError("Check the columns and preview the import before applying it.")
    # The one who confirmed is recorded as the importer (the audit actor).
    if applied_by is not None and applied_by.is_authenticated:
        people_import.uploaded_by = applied_by
    if not applies_in_background(people_import):
        return run_people_import(
            import_id=people_import.pk,
            people_import=people_import,
            raise_errors=False,
            claim_from=PeopleImport.APPLICABLE,
        )
    return queue_people_import(people_import)


def queue_people_import(people_import: PeopleImport) -> str:
    """Queue the import for the worker, once (after commit); its status afterwards."""
    from interagency.people.tasks import apply_people_import_task

    with transaction.atomic():
        queued = (
            PeopleImport.objects.for_partnership(people_import.partnership_id)
            .filter(pk=people_import.pk, status__in=PeopleImport.APPLICABLE)
            .update(
                status=PeopleImport.Status.QUEUED,
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


def run_people_import(
    *,
    import_id: int,
    people_import: PeopleImport | None = None,
    raise_errors: bool = True,
    claim_from: tuple[str, ...] = PeopleImport.CLAIMABLE_BY_WORKER,
) -> str:
    """Check the import's rows, then write them all in one transaction; idempotent.

    Progress (rows checked) and a heartbeat are saved in short transactions
    while the rows are checked, which only reads; the writing happens at the
    end in one transaction, so a failure leaves every person as before. Each
    run claims the import as a new attempt and writes only while the import
    is still its attempt and running: a run declared stopped by the reaper
    (or overtaken by a newer one) writes nothing.
    """
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
    if people_import.status == PeopleImport.Status.APPLIED:
        return people_import.status
    this_run = claim_run(people_import, claim_from)
    if this_run is None:
        people_import.refresh_from_db(fields=["status"])
        return people_import.status
    try:
        check_and_write(people_import, this_run)
    except ImportSuperseded:
        people_import.refresh_from_db()
        return people_import.status
    except Exception as error:
        with transaction.atomic():
            this_run.update(
                status=PeopleImport.Status.FAILED,
                error=f"The import stopped and nothing was changed ({type(error).__name__}).",
                finished_at=timezone.now(),
            )
        people_import.refresh_from_db()
        logger.exception("People import %s failed", import_id)
        if raise_errors:
            raise
    return people_import.status


def claim_run(
    people_import: PeopleImport, claim_from: tuple[str, ...]
) -> QuerySet[PeopleImport] | None:
    """Claim the import for this run as a new attempt; the run's own import (a queryset that
    finds it only while it is still this attempt and running), or None if not claimed."""
    Status = PeopleImport.Status
    imports = PeopleImport.objects.for_partnership(people_import.partnership_id)
    with transaction.atomic():
        claimed = imports.filter(pk=people_import.pk, status__in=claim_from).update(
            status=Status.RUNNING,
            rows_done=0,
            error="",
            finished_at=None,
            heartbeat_at=timezone.now(),
            attempt=F("attempt") + 1,
            uploaded_by=people_import.uploaded_by,
        )
    if not claimed:
        return None
    people_import.refresh_from_db(fields=["attempt"])
    return imports.filter(pk=people_import.pk, status=Status.RUNNING, attempt=people_import.attempt)


def check_and_write(people_import: PeopleImport, this_run: QuerySet[PeopleImport]) -> None:
    """Check the rows (or take the preview's kept plan), then write them in one transaction;
    ImportSuperseded if the run lost its import meanwhile."""
    from interagency.catalogue.selectors import roles_of

    def progress(done: int) -> None:
        with transaction.atomic():
            this_run.update(rows_done=done, heartbeat_at=timezone.now())

    agency = people_import.agency
    roles = list(roles_of(people_import.partnership))
    fingerprint = plan_fingerprint(people_import, roles, import_columns(people_import))
    plan = kept_plan(people_import, fingerprint)
    table = None  # the file is read only when the kept plan cannot be used
    if plan is None:
        table, plan = plan_people_import(people_import, on_progress=progress)
    else:  # nothing changed since the preview: its check stands
        progress(plan.rows_total)
    # Everything but the SQL is prepared before the write transaction (and
    # SQLite's write lock) begins.
    writes = prepare(plan, agency)
    with transaction.atomic():
        # First write of the transaction: still this run's import, and kept so until commit.
        if not this_run.update(heartbeat_at=timezone.now()):
            raise ImportSuperseded
        columns = import_columns(people_import)
        if plan_fingerprint(people_import, roles, columns) != fingerprint:
            # The agency's people changed while the rows were checked: check them again.
            table, plan = plan_people_import(people_import)
            writes = prepare(plan, agency)
        role_ids = applying.create_new_roles(plan.new_roles, partnership=people_import.partnership)
        for part_agency, part_writes in writes:
            applying.write_prepared(part_writes, agency=part_agency, role_ids=role_ids)
        remember_agency_aliases(people_import)
        record_applied(people_import, plan, table)


def prepare(plan: Plan, agency: Agency | None) -> list[tuple[Agency, Any]]:
    """``[(agency, writes)]``: the import's agency, or each agency the file names."""
    if agency is None:
        return [
            (part_agency, applying.prepare_writes(part, agency=part_agency))
            for part_agency, part in plan.parts
        ]
    return [(agency, applying.prepare_writes(plan, agency=agency))]


def record_applied(people_import: PeopleImport, plan: Plan, table: Table | None) -> None:
    """The import applied, with its counts, its file let go; audited once with the counts."""
    record_counts(people_import, plan, table)
    people_import.status = PeopleImport.Status.APPLIED
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


def remember_agency_aliases(people_import: PeopleImport) -> None:
    """Remember the agencies chosen on the preview for the file's unknown organisations, so the
    next import matches them; audited. Call inside the apply's transaction."""
    from interagency.people.importing.organisations import REJECT

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
