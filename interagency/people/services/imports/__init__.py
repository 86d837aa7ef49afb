"""A people import's lifecycle, one module per step: read → check → plan → apply.

``read`` keeps an uploaded staff list (or reads and previews it in one step,
the API's upload); ``check`` checks what the importer chose (columns, answers,
the partnership's required fields); ``plan`` checks every row into a plan,
records the preview's counts and keeps the plan; ``apply`` writes it now or by
the worker (the run's claim and heartbeat); ``stall`` reports a run whose
worker stopped without writing, and reaps it. Reading, checking and writing the
rows themselves is ``people.importing``; these services keep the
``PeopleImport``, whose status is always compared through ``PeopleImport.Status``
and the sets of statuses the model names.
"""

from interagency.people.services.imports.apply import (
    BACKGROUND_ROWS,
    ImportSuperseded,
    applies_in_background,
    apply_people_import,
    remember_agency_aliases,
    run_people_import,
)
from interagency.people.services.imports.check import creatable_tiers, save_import_settings
from interagency.people.services.imports.plan import (
    people_import_rejected_rows,
    plan_people_import,
    save_import_choices,
    save_import_mapping,
)
from interagency.people.services.imports.read import start_people_import, upload_people_import
from interagency.people.services.imports.stall import (
    WORKER_STOPPED,
    as_polled,
    is_stalled,
    reap_stale_people_imports,
    settle_stalled,
)

__all__ = [
    "BACKGROUND_ROWS",
    "WORKER_STOPPED",
    "ImportSuperseded",
    "applies_in_background",
    "apply_people_import",
    "as_polled",
    "creatable_tiers",
    "is_stalled",
    "people_import_rejected_rows",
    "plan_people_import",
    "reap_stale_people_imports",
    "remember_agency_aliases",
    "run_people_import",
    "save_import_choices",
    "save_import_mapping",
    "save_import_settings",
    "settle_stalled",
    "start_people_import",
    "upload_people_import",
]
