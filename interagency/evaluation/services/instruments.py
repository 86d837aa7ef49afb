"""Create instruments and their versions; link items to learning outcomes.

A version is written whole from a checked definition and never changed:
revising an instrument adds the next version. Instruments hold no personal
data, so these writes are not audited (responses are).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from interagency.core.validation import control_character_problem
from interagency.evaluation.definitions import (
    InstrumentDefinition,
    ItemDefinition,
    ScaleDefinition,
    combine,
    parse_definition,
)
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.instrument_templates import template
from interagency.evaluation.models import (
    Instrument,
    InstrumentVersion,
    Item,
    ItemOutcome,
    Scale,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from interagency.catalogue.models import Course, Tier
    from interagency.tenancy.models import Partnership

NAME_LENGTH = 200


def create_instrument(
    *,
    partnership: "Partnership",
    name: str,
    definition: InstrumentDefinition | dict[str, Any],
    created_by: "_User | None",
    description: str = "",
    templates: Sequence[str] = (),
) -> Instrument:
    """A new instrument of the partnership with ``definition`` as its version 1."""
    checked = _checked(definition)
    name = _checked_name(name)
    with transaction.atomic():
        if Instrument.objects.for_partnership(partnership).filter(name__iexact=name).exists():
            raise EvaluationError(
                f"There is already an instrument called {name}.",
                errors={"name": "choose another name."},
            )
        try:
            with transaction.atomic():
                instrument = Instrument.objects.create(
                    partnership=partnership,
                    name=name,
                    description=description.strip(),
                    templates=list(templates),
                    created_by=created_by,
                )
        except IntegrityError:
            raise EvaluationError(
                f"There is already an instrument called {name}.",
                errors={"name": "choose another name."},
            ) from None
        write_version(instrument=instrument, number=1, definition=checked, created_by=created_by)
    return instrument


def create_instrument_from_templates(
    *,
    partnership: "Partnership",
    name: str,
    template_keys: Sequence[str],
    created_by: "_User | None",
) -> Instrument:
    """An instrument asking the shipped templates' questions, in the order given."""
    if not template_keys:
        raise EvaluationError("Choose at least one template.", errors={"templates": "required."})
    chosen = [template(key) for key in template_keys]
    return create_instrument(
        partnership=partnership,
        name=name,
        definition=combine([t.definition for t in chosen]),
        description=" ".join(t.description for t in chosen),
        templates=[t.key for t in chosen],
        created_by=created_by,
    )


def revise_instrument(
    *,
    instrument: Instrument,
    definition: InstrumentDefinition | dict[str, Any],
    created_by: "_User | None",
    change_note: str = "",
) -> InstrumentVersion:
    """The instrument's next version; earlier versions and their answers stay as they were."""
    checked = _checked(definition)
    with transaction.atomic():
        # Lock the instrument so two revisions cannot take the same number.
        Instrument.objects.for_partnership(instrument.partnership).select_for_update().get(
            pk=instrument.pk
        )
        latest = (
            InstrumentVersion.objects.for_partnership(instrument.partnership)
            .filter(instrument=instrument)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        return write_version(
            instrument=instrument,
            number=(latest or 0) + 1,
            definition=checked,
            created_by=created_by,
            change_note=change_note.strip()[:300],
        )


def write_version(
    *,
    instrument: Instrument,
    number: int,
    definition: InstrumentDefinition,
    created_by: "_User | None",
    change_note: str = "",
) -> InstrumentVersion:
    """Insert one version with its scales and items (inside the caller's transaction)."""
    version = InstrumentVersion.objects.create(
        partnership=instrument.partnership,
        instrument=instrument,
        number=number,
        introduction=definition.introduction,
        change_note=change_note,
        created_by=created_by,
    )
    items: list[Item] = []
    order = 0
    for scale_order, scale in enumerate(definition.scales):
        order = _write_scale(version, scale, None, scale_order, items, order)
    for item in definition.items:
        items.append(_item(version, None, item, order))
        order += 1
    Item.objects.bulk_create(items)
    return version


def _write_scale(
    version: InstrumentVersion,
    definition: ScaleDefinition,
    parent: Scale | None,
    scale_order: int,
    items: list[Item],
    order: int,
) -> int:
    scale = Scale.objects.create(
        version=version,
        parent=parent,
        key=definition.key,
        name=definition.name,
        level=definition.level,
        scoring=definition.scoring,
        min_answered_percent=definition.min_answered_percent,
        preamble=definition.preamble,
        order=scale_order,
    )
    for item in definition.items:
        items.append(_item(version, scale, item, order))
        order += 1
    for sub_order, subscale in enumerate(definition.subscales):
        order = _write_scale(version, subscale, scale, sub_order, items, order)
    return order


def _item(
    version: InstrumentVersion, scale: Scale | None, definition: ItemDefinition, order: int
) -> Item:
    return Item(
        version=version,
        scale=scale,
        key=definition.key,
        text=definition.text,
        response_format=definition.response_format,
        choices=list(definition.choices),
        correct_answer=definition.correct_answer,
        reverse_keyed=definition.reverse_keyed,
        order=order,
    )


def link_item_to_outcome(
    *, item: Item, outcome: str, course: "Course | None" = None, tier: "Tier | None" = None
) -> ItemOutcome:
    """Record that ``item`` measures one of a course's outcomes (or a tier's competences)."""
    if (course is None) == (tier is None):
        raise EvaluationError("Link the item to a course's outcome or a tier's competence.")
    partnership = item.version.partnership
    if course is not None and course.local_to_id not in (None, partnership.pk):
        raise EvaluationError("That course is another partnership's.", errors={"course": ""})
    owner: Course | Tier | None = course or tier
    listed = (owner.outcomes if owner is not None else None) or []
    if outcome not in listed:
        raise EvaluationError(
            f"{outcome!r} is not one of the outcomes of {course or tier}.",
            errors={"outcome": "choose one of the listed outcomes."},
        )
    return ItemOutcome.objects.create(item=item, course=course, tier=tier, outcome=outcome)


def _checked(definition: InstrumentDefinition | dict[str, Any]) -> InstrumentDefinition:
    if isinstance(definition, InstrumentDefinition):
        return definition
    return parse_definition(definition)


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    problem = control_character_problem(name, multiline=False) if name else "is required."
    if problem is None and len(name) > NAME_LENGTH:
        problem = f"must be at most {NAME_LENGTH} characters."
    if problem:
        raise EvaluationError(f"The instrument's name {problem}", errors={"name": problem})
    return name
