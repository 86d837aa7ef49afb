"""Bring stored numbers inside their bounds before a migration adds the CHECK constraints.

A value stored before the bounds existed may be infinite or NaN (SQLite keeps
``1e400`` as infinity, PostgreSQL accepts ``'NaN'`` in a numeric column), and
one such value made every page listing its row fail. Each repair is written to
the audit trail with the old value as text, with no actor: nobody did it, the
upgrade did.

* infinite or NaN: NULL where the field allows it, else its default, else the
  bound's minimum (or the target's own ``fallback``);
* finite but out of range: the nearest bound.

Migrations call :func:`repair_numbers` from ``RunPython`` with their historical
``apps``; it reads the old value as text, so no decimal converter chokes on it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import NOT_PROVIDED, Q, TextField
from django.db.models.functions import Cast

from interagency.core.validation import Bound

REPAIR_LABEL = "system: repaired_invalid_number"


@dataclass(frozen=True)
class NumberTarget:
    app_label: str
    model_name: str
    field_name: str
    bound: Bound
    # Used instead of NULL, the default or the minimum for an infinite or NaN value.
    fallback: Any = None
    # Other fields to set on a repaired row (e.g. waive a charge whose amount was lost).
    also_set: dict[str, Any] = field(default_factory=dict)


def replacement(old: str | None, model_field: Any, target: NumberTarget) -> Any:
    """What an out-of-bounds value stored as ``old`` (its text) becomes."""
    bound = target.bound
    try:
        number = Decimal(str(old).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if number.is_finite():
        new = bound.maximum if number > bound.maximum else bound.minimum
    elif target.fallback is not None:
        new = target.fallback
    elif model_field.null:
        return None
    elif model_field.default is not NOT_PROVIDED:
        new = model_field.default
    else:
        new = bound.minimum
    return new


def repair_numbers(apps: Any, targets: Iterable[NumberTarget]) -> int:
    """Repair every stored value outside its bound; returns how many were repaired."""
    audit_event = apps.get_model("audit", "AuditEvent")
    events = []
    for target in targets:
        model = apps.get_model(target.app_label, target.model_name)
        model_field = model._meta.get_field(target.field_name)
        rows = model._base_manager.filter(_outside(target)).annotate(
            old_text=Cast(target.field_name, output_field=TextField())
        )
        has_partnership = any(f.name == "partnership" for f in model._meta.concrete_fields)
        columns = ["pk", "old_text"] + (["partnership_id"] if has_partnership else [])
        for pk, old, *partnership in rows.values_list(*columns):
            new = replacement(old, model_field, target)
            model._base_manager.filter(pk=pk).update(**{target.field_name: new}, **target.also_set)
            events.append(
                audit_event(
                    partnership_id=partnership[0] if partnership else None,
                    actor_user_id=None,
                    actor_label=REPAIR_LABEL,
                    action="changed",
                    subject_type=f"{target.app_label}.{model.__name__}",
                    subject_id=str(pk),
                    subject_label=f"{model._meta.verbose_name} {pk}"[:254],
                    changes={target.field_name: [str(old), None if new is None else str(new)]},
                )
            )
    audit_event.objects.bulk_create(events)
    return len(events)


def _outside(target: NumberTarget) -> Q:
    # NaN sorts above every number on PostgreSQL; SQLite stores NaN as NULL.
    name, bound = target.field_name, target.bound
    return Q(**{f"{name}__gt": bound.maximum}) | Q(**{f"{name}__lt": bound.minimum})


def repairing(*targets: NumberTarget):
    """A ``RunPython`` function repairing ``targets``."""

    def run(apps: Any, schema_editor: Any) -> None:
        repair_numbers(apps, targets)

    return run
