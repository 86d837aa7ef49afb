"""A new version of a framework: a copy, so records made under the old one keep their rows."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q

from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    Equivalence,
    PathwayItem,
    Role,
    Tier,
)
from interagency.catalogue.services.frameworks import require_owned
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership

if TYPE_CHECKING:
    from django.contrib.auth.models import _User


@transaction.atomic
def new_framework_version(
    *,
    framework: CompetenceFramework,
    version: str,
    created_by: "_User | None" = None,
    partnership: Partnership | None = None,
) -> CompetenceFramework:
    """Copy ``framework`` (tiers, courses, roles, pathways) into a new version.

    The old version is marked superseded and otherwise untouched: its rows keep
    their ids, so records made under it still point at what they were made
    under. Adoptions stay on the old version until a coordinator adopts the new
    one. With ``partnership``, only a framework it owns may be versioned.
    ``created_by`` is accepted for the caller's trail; frameworks do not store it.
    """
    del created_by  # frameworks have no author field yet
    if partnership is not None:
        require_owned(partnership, framework)
    version = version.strip()
    if not version:
        raise ServiceError(field_errors={"version": "Enter the new version's name, like “2”."})
    framework = CompetenceFramework.objects.select_for_update().get(pk=framework.pk)
    _check_new_version(framework, version)
    old_pk = framework.pk
    new = CompetenceFramework.objects.get(pk=old_pk)
    new.pk = None
    new.version = version
    new.superseded_by = None
    new.save()
    tiers = _copy_tiers(old_pk, new)
    courses = _copy_courses(old_pk, new, tiers)
    _copy_equivalences(old_pk, courses)
    _copy_roles(old_pk, new, tiers, courses)
    framework.superseded_by = new
    framework.save(update_fields=["superseded_by"])
    return new


def _check_new_version(framework: CompetenceFramework, version: str) -> None:
    """Refuse a version of a superseded framework, or one whose name its owner has used."""
    if framework.superseded_by_id is not None:
        raise ServiceError(
            field_errors={
                "framework": f"{framework} is already superseded: make a version from the newest."
            }
        )
    if (
        CompetenceFramework.objects.filter(slug=framework.slug, version=version)
        .filter(
            Q(owner_partnership=framework.owner_partnership_id)
            if framework.owner_partnership_id
            else Q(owner_partnership__isnull=True)
        )
        .exists()
    ):
        raise ServiceError(
            field_errors={"version": f"{framework.name} already has a version “{version}”."}
        )


def _copy_tiers(old_pk: int, new: CompetenceFramework) -> dict[int, Tier]:
    """The old version's tiers copied into ``new``, by the old tier's id."""
    tiers: dict[int, Tier] = {}
    for tier in Tier.objects.filter(framework_id=old_pk):
        old_tier = tier.pk
        tier.pk = None
        tier.framework = new
        tier.save()
        tiers[old_tier] = tier
    return tiers


def _copy_courses(
    old_pk: int, new: CompetenceFramework, tiers: dict[int, Tier]
) -> dict[int, Course]:
    """The old version's courses copied into ``new``, with topics and prerequisites."""
    courses: dict[int, Course] = {}
    prerequisites: dict[int, list[Course]] = {}
    old_courses = list(
        Course.objects.filter(framework_id=old_pk).prefetch_related("topics", "prerequisites")
    )
    for course in old_courses:
        topics = list(course.topics.all())
        old_course = course.pk
        prerequisites[old_course] = list(course.prerequisites.all())
        course.pk = None
        course.framework = new
        course.tier = tiers[course.tier_id]
        course.save()
        course.topics.set(topics)
        courses[old_course] = course
    # A prerequisite in the old version becomes its copy; one elsewhere stays as it is.
    for old_course, course in courses.items():
        course.prerequisites.set([courses.get(p.pk, p) for p in prerequisites[old_course]])
    return courses


def _copy_equivalences(old_pk: int, courses: dict[int, Course]) -> None:
    # cross-partnership: a new version carries every equivalence of the old one's courses
    for equivalence in Equivalence.objects.filter(counts_for__framework_id=old_pk):
        equivalence.pk = None
        equivalence.counts_for = courses[equivalence.counts_for_id]
        if equivalence.course_id:
            equivalence.course = courses.get(equivalence.course_id, equivalence.course)
        equivalence.save()


def _copy_roles(
    old_pk: int, new: CompetenceFramework, tiers: dict[int, Tier], courses: dict[int, Course]
) -> None:
    """The old version's roles copied into ``new``, each with its pathway and items."""
    for role in Role.objects.filter(framework_id=old_pk).select_related("pathway"):
        pathway = getattr(role, "pathway", None)
        old_role = role.pk
        role.pk = None
        role.framework = new
        role.tier = tiers[role.tier_id]
        role.save()
        if pathway is None:
            continue
        items = list(PathwayItem.objects.filter(pathway__role_id=old_role))
        pathway.pk = None
        pathway.role = role
        pathway.save()
        for item in items:
            item.pk = None
            item.pathway = pathway
            if item.course_id:
                item.course = courses.get(item.course_id, item.course)
            item.save()
