"""Staff figures (headcounts) and planned places: the numbers training needs are worked from.

They are numbers about agencies and courses, not personal data, so they are not
audited. Callers find the agency or headcount through the partnership-scoped
selectors; these services check that everything they join is the same
partnership's.
"""

from typing import TYPE_CHECKING, Any

from django.db import transaction

from interagency.core.errors import ServiceError
from interagency.people.models import Headcount
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from interagency.people.models import PlannedPlaces


def _validate_headcount(headcount: Headcount) -> None:
    from interagency.catalogue.selectors import roles_of, tiers_of

    errors: dict[str, str] = {}
    partnership = headcount.partnership
    if headcount.agency.partnership_id != partnership.pk:
        errors["agency"] = "Choose an agency of this partnership."
    service = headcount.service
    if service is not None and service.agency_id != headcount.agency_id:
        errors["service"] = "Choose a service of this agency."
    if (headcount.role_id is None) == (headcount.tier_id is None):
        errors["role"] = "Choose a role or a training level (one of the two)."
    elif headcount.role_id is not None:
        if not roles_of(partnership).filter(pk=headcount.role_id).exists():
            errors["role"] = "Choose a role of this partnership's catalogue."
    elif not tiers_of(partnership).filter(pk=headcount.tier_id or 0).exists():
        errors["tier"] = "Choose a training level of this partnership's frameworks."
    if errors:
        raise ServiceError(field_errors=errors)
    headcount.full_clean(validate_constraints=False)


HEADCOUNT_FIELDS = frozenset({"agency", "service", "role", "tier", "count", "as_of", "source"})


def save_headcount(
    *, partnership: Partnership, headcount: Headcount | None = None, **fields: Any
) -> Headcount:
    """Record a staff figure for an agency (or one of its services), by role or by tier.

    With ``headcount``, change that figure instead (a correction; a new figure
    for a later date is a new headcount, so the history stays).
    """
    unknown = set(fields) - HEADCOUNT_FIELDS
    if unknown:
        raise TypeError(f"Unknown headcount fields: {sorted(unknown)}")
    if headcount is None:
        headcount = Headcount(partnership=partnership)
    elif headcount.partnership_id != partnership.pk:
        raise ServiceError("This headcount belongs to another partnership.")
    for name, value in fields.items():
        setattr(headcount, name, value.strip() if name == "source" else value)
    _validate_headcount(headcount)
    with transaction.atomic():
        headcount.save()
    return headcount


def set_planned_places(
    *, partnership: Partnership, course_id: int, year: int, places: int
) -> "PlannedPlaces":
    """Record (or replace) the places the partnership plans on a course in a year."""
    from interagency.catalogue.selectors import catalogue_courses
    from interagency.people.models import PlannedPlaces

    if not catalogue_courses(partnership).filter(pk=course_id).exists():
        raise ServiceError(
            field_errors={"course": "Choose a course of this partnership's catalogue."}
        )
    if places < 0:
        raise ServiceError(field_errors={"places": "Places cannot be negative."})
    with transaction.atomic():
        planned, _ = PlannedPlaces.objects.for_partnership(partnership).update_or_create(
            partnership=partnership, course_id=course_id, year=year, defaults={"places": places}
        )
    return planned
