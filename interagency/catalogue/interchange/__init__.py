"""The framework document: one format for the data files, imports and exports.

A framework document is a JSON object (the files in ``catalogue/data/`` are
two of them)::

    {"slug", "name", "owner", "region", "version", "source", "period_months",
     "tiers": [{"code", "name", "order", "audience", "outcomes", "example_roles",
                "hours_per_period", "hours_per_period_max", "note"}],
     "questions": [{"text", "tier_if_yes"}],
     "courses": [{"title", "tier", "category", "level", "duration", "aims", "outcomes",
                  "topics", "delivery_modes", "prerequisites", "prerequisite_note",
                  "refresh_months"?, "local"?}],
     "pathways": [{"role", "tier", "window_months", "required", "recommended",
                   "hours_per_period"?, "period_months"?,
                   "refreshers"?: [{"course", "every_months"}],
                   "equivalences"?: [{"counts_for", "course" | "external_training"}]}]}

Three functions work on it, one module per step:

- :func:`validate_document` (``reading``, ``reading_courses``,
  ``reading_pathways``) lists every problem, each with the list ("sheet"), the
  1-based row in it, the field and the value, so the JSON and spreadsheet
  importers can point at the cell;
- :func:`build_framework` (``building``, ``building_courses``,
  ``building_pathways``) writes a valid document to the database in one
  transaction, once (the same slug and version again changes nothing), matching
  the names pathways use to the courses (:mod:`interagency.catalogue.matching`)
  and keeping the items it cannot match, with no course, to be shown;
- :func:`export_document` (``exporting``) reads a framework back into the same
  shape, with a partnership's tailoring and local courses when one is given.

``values`` reads single values, ``plan`` holds what reading found for building,
``problems`` and ``reports`` say what is wrong and what a load did, and
``files`` reads documents from JSON files and the shipped frameworks.
"""

from interagency.catalogue.interchange.building import build_framework
from interagency.catalogue.interchange.exporting import export_document
from interagency.catalogue.interchange.files import (
    frameworks_directory,
    load_document,
    shipped_document,
)
from interagency.catalogue.interchange.plan import DEFAULT_WINDOW_MONTHS, KINDS
from interagency.catalogue.interchange.problems import DocumentInvalid, Problem
from interagency.catalogue.interchange.reading import validate_document
from interagency.catalogue.interchange.reports import ItemReport, LoadResult

__all__ = [
    "DEFAULT_WINDOW_MONTHS",
    "KINDS",
    "DocumentInvalid",
    "ItemReport",
    "LoadResult",
    "Problem",
    "build_framework",
    "export_document",
    "frameworks_directory",
    "load_document",
    "shipped_document",
    "validate_document",
]
