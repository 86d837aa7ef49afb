"""A partnership tailoring a framework's course: hidden, renamed or re-timed for it alone."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from interagency.catalogue import selectors
from interagency.catalogue.models import Course, CourseTailoring, PathwayItem
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership


class _Unchanged:
    """Marks an argument the caller left out: keep the current value."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def tailor_course(
    *,
    partnership: Partnership,
    course: Course,
    hidden: bool = UNCHANGED,
    local_title: str = UNCHANGED,
    local_duration_hours: Decimal | None = UNCHANGED,
) -> CourseTailoring:
    """Hide, rename or re-time a framework course for this partnership only.

    Arguments left out keep their current value; an empty ``local_title`` or a
    ``local_duration_hours`` of None goes back to the framework's own. A course
    that a pathway of the partnership requires cannot be hidden: a pathway must
    never require a course the partnership does not run.
    """
    if (
        not selectors.catalogue_courses(partnership, include_hidden=True)
        .filter(pk=course.pk)
        .exists()
    ):
        raise ServiceError(
            field_errors={"course": f"{course} is not in {partnership.name}'s catalogue."}
        )
    if course.local_to_id is not None:
        raise ServiceError(
            field_errors={
                "course": f"{course} is a local course: change it on its own page instead."
            }
        )
    with transaction.atomic():
        tailoring, _ = CourseTailoring.objects.for_partnership(partnership).get_or_create(
            partnership=partnership, course=course
        )
        if hidden is not UNCHANGED:
            if hidden and not tailoring.hidden and (item := _required_by(partnership, course)):
                raise ServiceError(
                    field_errors={
                        "hidden": f"{course} is required by the pathway for "
                        f"{item.pathway.role}: remove it from that pathway first"
                    }
                )
            tailoring.hidden = bool(hidden)
        if local_title is not UNCHANGED:
            tailoring.local_title = (local_title or "").strip()
        if local_duration_hours is not UNCHANGED:
            if local_duration_hours is not None and local_duration_hours < Decimal("0.5"):
                raise ServiceError(
                    field_errors={
                        "local_duration_hours": "Local duration must be at least half an hour."
                    }
                )
            tailoring.local_duration_hours = local_duration_hours
        tailoring.save()
    return tailoring


def _required_by(partnership: Partnership, course: Course) -> PathwayItem | None:
    """A pathway item of the partnership's roles that requires ``course``, if any."""
    return (
        PathwayItem.objects.filter(
            course=course,
            kind=PathwayItem.Kind.REQUIRED,
            pathway__role__in=selectors.roles_of(partnership),
        )
        .select_related("pathway__role")
        .order_by("pathway__role__name")
        .first()
    )
