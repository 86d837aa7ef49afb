"""Background work of the people app, run by ``interagency db_worker`` (django-tasks-db).

Tasks are idempotent: the worker may run one twice (a retry by hand, a
duplicate enqueue), and the second run finds the import applied and stops.
"""

from django.tasks import task


@task()
def apply_people_import_task(import_id: int) -> str:
    """Check and apply one queued people import; returns its final status."""
    from interagency.people.services.imports import run_people_import

    return run_people_import(import_id=import_id)
