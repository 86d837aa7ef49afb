"""Store the published statistics: every file of a load in one transaction, idempotent.

Rows are matched by their keys (authority and year); a row already stored
with the same figures is left alone, so loading the same files again changes
nothing, and a newer year's file adds its year.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from interagency.local_statistics.models import (
    Authority,
    AuthorityChange,
    ChildPopulation,
    ChildrenInNeed,
)
from interagency.local_statistics.reading import KEYS, Kind, Table, read_statistics

DATA = Path(__file__).resolve().parent / "data"
# In the order they are loaded: the authorities first, then their figures.
SHIPPED_FILES = (
    "LTLA-UTLA_Apr23_Lookup_England-Wales.csv",
    "authority_changes.csv",
    "b1_children_in_need_2013_to_2025.csv",
    "ons_mid-year_population_estimates_2012_to_2024.csv",
)
MODELS: dict[Kind, type[models.Model]] = {
    Kind.CHILDREN_IN_NEED: ChildrenInNeed,
    Kind.POPULATION: ChildPopulation,
    Kind.LOOKUP: Authority,
    Kind.CHANGES: AuthorityChange,
}


@dataclass(frozen=True)
class Loaded:
    """What loading one file did."""

    file_name: str
    kind: Kind
    added: int
    changed: int
    unchanged: int
    skipped: int
    years: tuple[int, ...]


def shipped_files() -> list[Path]:
    """The statistics files Interagency ships, in the order they load."""
    return [DATA / name for name in SHIPPED_FILES]


def load_statistics_files(paths: list[Path]) -> list[Loaded]:
    """Read every file first (any problem refuses them all), then store them in one transaction."""
    tables = [read_statistics(path.read_bytes(), path.name) for path in paths]
    with transaction.atomic():
        return [_store(table) for table in tables]


def _store(table: Table) -> Loaded:
    model = MODELS[table.kind]
    keys = KEYS[table.kind]
    values = [name for name in table.rows[0] if name not in keys] if table.rows else []
    stored = {
        tuple(row[name] for name in keys): row
        # Reference data: the same rows for every partnership.
        for row in model._default_manager.values(*keys, *values)
    }
    added, changed = [], []
    for row in table.rows:
        before = stored.get(tuple(row[name] for name in keys))
        if before is None:
            added.append(row)
        elif any(before[name] != row[name] for name in values):
            changed.append(row)
    if added or changed:
        model._default_manager.bulk_create(
            [model(**row) for row in added + changed],
            update_conflicts=True,
            unique_fields=list(keys),
            update_fields=values,
        )
    years = sorted({int(str(row["year"])) for row in table.rows if "year" in row})
    return Loaded(
        table.file_name,
        table.kind,
        added=len(added),
        changed=len(changed),
        unchanged=len(table.rows) - len(added) - len(changed),
        skipped=table.skipped,
        years=tuple(years),
    )
