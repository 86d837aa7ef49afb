"""A partnership's own roles, and the pathways it sets for the roles it may edit."""

from collections.abc import Iterable, Mapping

from django.db import transaction

from interagency.catalogue import selectors
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    Pathway,
    PathwayItem,
    Role,
    Tier,
)
from interagency.catalogue.services.adoption import require_adopted
from interagency.catalogue.services.frameworks import MAX_MONTHS
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership


@transaction.atomic
def add_local_role(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    tier: Tier,
    name: str,
    description: str = "",
) -> Role:
    """A role of the partnership's own in an adopted framework, with an empty pathway."""
    require_adopted(partnership, framework)
    name = " ".join(name.split())
    errors = {}
    if tier.framework_id != framework.pk:
        errors["tier"] = f"Choose a tier of {framework.name}."
    if not name:
        errors["name"] = "Enter the role's name."
    elif selectors.roles_of(partnership).filter(framework=framework, name__iexact=name).exists():
        errors["name"] = f"{framework.name} already has a role called “{name}”."
    if errors:
        raise ServiceError(field_errors=errors)
    role = Role.objects.create(
        framework=framework,
        tier=tier,
        name=name,
        description=description.strip(),
        local_to=partnership,
    )
    Pathway.objects.create(role=role)
    return role


def role_is_editable(partnership: Partnership, role: Role) -> bool:
    """A partnership edits its own roles' pathways and those of frameworks it owns."""
    return (
        role.local_to_id == partnership.pk or role.framework.owner_partnership_id == partnership.pk
    )


@transaction.atomic
def set_pathway_items(
    *,
    partnership: Partnership,
    role: Role,
    required: Iterable[Course],
    recommended: Iterable[Course],
    window_months: int,
    refreshers: Mapping[int, int | None] | None = None,
) -> Pathway:
    """Say what a role must and should complete, within how long, and how often to refresh.

    Every course must be in the partnership's catalogue and not hidden, and
    a course is either required or recommended, never both. Items the source
    named but the catalogue lacks (no course) are kept.
    """
    if not selectors.roles_of(partnership).filter(pk=role.pk).exists():
        raise ServiceError(field_errors={"role": f"{role} is not a role of {partnership.name}."})
    if not role_is_editable(partnership, role):
        raise ServiceError(
            field_errors={
                "role": f"The pathway for {role} belongs to {role.framework.name}: "
                "add a local role to set a pathway of your own."
            }
        )
    required, recommended = list(dict.fromkeys(required)), list(dict.fromkeys(recommended))
    refreshers = dict(refreshers or {})
    _check_pathway(partnership, required, recommended, window_months, refreshers)
    chosen = {c.pk: c for c in [*required, *recommended]}
    pathway, _ = Pathway.objects.get_or_create(role=role)
    pathway.window_months = window_months
    pathway.save(update_fields=["window_months"])
    pathway.items.filter(course__isnull=False).exclude(course_id__in=list(chosen)).delete()
    existing = {item.course_id: item for item in pathway.items.filter(course__isnull=False)}
    for kind, courses in (
        (PathwayItem.Kind.REQUIRED, required),
        (PathwayItem.Kind.RECOMMENDED, recommended),
    ):
        for order, course in enumerate(courses, start=1):
            item = existing.get(course.pk) or PathwayItem(pathway=pathway, course=course)
            item.kind = kind
            item.order = order
            item.named_as = item.named_as or course.title
            item.repeat_every_months = refreshers.get(course.pk)
            item.save()
    return pathway


def _check_pathway(
    partnership: Partnership,
    required: list[Course],
    recommended: list[Course],
    window_months: int,
    refreshers: dict[int, int | None],
) -> None:
    """Refuse a pathway whose courses, window or refresher periods are not allowed."""
    errors: dict[str, str] = {}
    both = sorted({c.pk for c in required} & {c.pk for c in recommended})
    if both:
        names = ", ".join(str(c) for c in required if c.pk in both)
        errors["recommended"] = f"A course cannot be both required and recommended: {names}."
    chosen = {c.pk: c for c in [*required, *recommended]}
    runs = set(
        selectors.catalogue_courses(partnership)
        .filter(pk__in=list(chosen))
        .values_list("pk", flat=True)
    )
    missing = [str(course) for pk, course in chosen.items() if pk not in runs]
    if missing:
        errors["required"] = (
            "A pathway can only use courses the partnership runs; not in the catalogue "
            f"or hidden: {', '.join(missing)}."
        )
    if not isinstance(window_months, int) or not 1 <= window_months <= MAX_MONTHS:
        errors["window_months"] = f"Months to complete must be between 1 and {MAX_MONTHS}."
    for pk, months in refreshers.items():
        if pk not in chosen and months is not None:
            errors["refreshers"] = "Set refresher periods only for courses in the pathway."
        elif months is not None and not 1 <= months <= MAX_MONTHS:
            errors["refreshers"] = f"Refresh periods must be between 1 and {MAX_MONTHS} months."
    if errors:
        raise ServiceError(field_errors=errors)
