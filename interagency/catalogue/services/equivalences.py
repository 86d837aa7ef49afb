"""A partnership's equivalences: a course whose completion counts for another course.

The framework's own equivalences hold for every partnership that adopts it and
are changed only with the framework; a coordinator adds and removes their
partnership's own, and saves training elsewhere (by its name) as counting for a
course when approving a declaration of it. Compliance (``records.selectors.compliance``) reads both.
"""

from django.db import transaction
from django.db.models import Q

from interagency.catalogue import selectors
from interagency.catalogue.models import Course, Equivalence
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership


def add_equivalence(*, partnership: Partnership, course: Course, counts_for: Course) -> Equivalence:
    """Record that completing ``course`` counts for ``counts_for`` in this partnership."""
    shown = selectors.catalogue_courses(partnership, include_hidden=True)
    for field, chosen in (("course", course), ("counts_for", counts_for)):
        if not shown.filter(pk=chosen.pk).exists():
            raise ServiceError(
                field_errors={field: f"{chosen} is not in {partnership.name}'s catalogue."}
            )
    if course.pk == counts_for.pk:
        raise ServiceError(
            field_errors={
                "course": "Choose a different course: a course already counts for itself."
            }
        )
    with transaction.atomic():
        # cross-partnership: the framework's own (no partnership) and this partnership's only
        held = Equivalence.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership),
            course=course,
            counts_for=counts_for,
        )
        if held.exists():
            raise ServiceError(
                field_errors={"course": f"{course} already counts for {counts_for}."}
            )
        return Equivalence.objects.create(
            partnership=partnership, course=course, counts_for=counts_for
        )


def remove_equivalence(*, partnership: Partnership, equivalence: Equivalence) -> None:
    """Remove one of the partnership's own equivalences (never a framework's)."""
    if equivalence.partnership_id != partnership.pk:
        raise ServiceError("This equivalence comes with the framework: it cannot be removed here.")
    equivalence.delete()


def add_external_equivalence(
    *, partnership: Partnership, external_training: str, counts_for: Course
) -> Equivalence:
    """Record that training elsewhere called ``external_training`` counts for ``counts_for``
    in this partnership, so later declarations of it are suggested that course. (Records
    audits it with the decision that saved it: catalogue does not depend on audit.)"""
    title = " ".join(external_training.split())
    if not title:
        raise ServiceError(field_errors={"external_training": "Enter the training's name."})
    if (
        not selectors.catalogue_courses(partnership, include_hidden=True)
        .filter(pk=counts_for.pk)
        .exists()
    ):
        raise ServiceError(
            field_errors={"counts_for": f"{counts_for} is not in {partnership.name}'s catalogue."}
        )
    with transaction.atomic():
        # cross-partnership: the framework's own (no partnership) and this partnership's only
        held = Equivalence.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership),
            course__isnull=True,
            external_training__iexact=title[:200],
            counts_for=counts_for,
        )
        if held.exists():
            raise ServiceError(
                field_errors={"external_training": f"{title} already counts for {counts_for}."}
            )
        return Equivalence.objects.create(
            partnership=partnership, external_training=title[:200], counts_for=counts_for
        )
