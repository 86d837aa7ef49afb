"""Read a partnership's catalogue: its adopted frameworks, tailored and extended.

Every read starts from the partnership: the courses it shows are those of the
frameworks it adopted, minus those it hides, plus its own local courses, with
its local titles and durations in place of the framework's.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    CourseTailoring,
    Equivalence,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.tenancy.models import Partnership


def adopted_frameworks(partnership: Partnership) -> QuerySet[CompetenceFramework]:
    """The framework versions the partnership runs its programme on."""
    adopted = Adoption.objects.for_partnership(partnership).values("framework_id")
    return CompetenceFramework.objects.filter(pk__in=adopted).order_by("name")


def frameworks_available_to(partnership: Partnership) -> QuerySet[CompetenceFramework]:
    """Frameworks the partnership may adopt: national ones, its region's and its own."""
    return CompetenceFramework.objects.filter(
        Q(owner=CompetenceFramework.Owner.NATIONAL)
        | Q(owner=CompetenceFramework.Owner.REGIONAL, region_id=partnership.region_id)
        | Q(owner_partnership=partnership)
    ).order_by("name", "-created_at")


def framework_in(partnership: Partnership, pk: int) -> CompetenceFramework:
    """One framework the partnership may see; raises DoesNotExist otherwise."""
    return frameworks_available_to(partnership).get(pk=pk)


def tiers_of(partnership: Partnership) -> QuerySet[Tier]:
    return (
        Tier.objects.filter(framework__in=adopted_frameworks(partnership))
        .select_related("framework")
        .order_by("framework__name", "order")
    )


def _tailoring(partnership: Partnership, field: str) -> Subquery:
    return Subquery(
        CourseTailoring.objects.for_partnership(partnership)
        .filter(course=OuterRef("pk"))
        .values(field)[:1]
    )


def catalogue_courses(partnership: Partnership, *, include_hidden: bool = False) -> QuerySet[Any]:
    """The partnership's courses with ``shown_title``, ``shown_hours`` and ``is_hidden``."""
    courses = (
        Course.objects.filter(framework__in=adopted_frameworks(partnership))
        .filter(Q(local_to__isnull=True) | Q(local_to=partnership))
        .select_related("tier", "framework")
        .annotate(
            shown_title=Coalesce(
                NullIf(_tailoring(partnership, "local_title"), Value("")), "title"
            ),
            shown_hours=Coalesce(_tailoring(partnership, "local_duration_hours"), "duration_hours"),
            is_hidden=Coalesce(
                _tailoring(partnership, "hidden"), Value(False), output_field=BooleanField()
            ),
        )
    )
    if not include_hidden:
        courses = courses.filter(is_hidden=False)
    return courses.order_by("framework__name", "tier__order", "category", "shown_title", "level")


def search_courses(
    partnership: Partnership,
    *,
    tier: str = "",
    tier_id: int | None = None,
    category: str = "",
    topic: str = "",
    text: str = "",
    max_hours: Decimal | None = None,
    role: Role | None = None,
) -> QuerySet[Any]:
    """Filter the catalogue; ``text`` matches every word in title, aims or topics.

    ``tier`` is a tier code (the same code may name tiers of two frameworks);
    ``tier_id`` picks exactly one tier, as the public filter form does.
    """
    courses = catalogue_courses(partnership)
    if tier:
        courses = courses.filter(tier__code=tier)
    if tier_id is not None:
        courses = courses.filter(tier_id=tier_id)
    if category:
        courses = courses.filter(category=category)
    if topic:
        courses = courses.filter(topics__slug=topic)
    if max_hours is not None:
        courses = courses.filter(shown_hours__lte=max_hours)
    if role is not None:
        courses = courses.filter(pathway_items__pathway__role=role)
    for word in text.split()[:8]:
        courses = courses.filter(
            Q(title__icontains=word)
            | Q(shown_title__icontains=word)
            | Q(aims__icontains=word)
            | Exists(
                Course.topics.through.objects.filter(
                    course_id=OuterRef("pk"), topic__name__icontains=word
                )
            )
        )
    return courses.distinct().prefetch_related("topics")


def course_in(partnership: Partnership, pk: int, *, include_hidden: bool = False) -> Course:
    """One course of the partnership's catalogue; raises DoesNotExist otherwise."""
    return (
        catalogue_courses(partnership, include_hidden=include_hidden)
        .prefetch_related("topics", "prerequisites", "equivalences__course")
        .get(pk=pk)
    )


def roles_of(partnership: Partnership) -> QuerySet[Role]:
    """Roles of the adopted frameworks and the partnership's local roles."""
    return (
        Role.objects.filter(framework__in=adopted_frameworks(partnership))
        .filter(Q(local_to__isnull=True) | Q(local_to=partnership))
        .select_related("tier", "framework")
        .order_by("framework__name", "tier__order", "name")
    )


def role_in(partnership: Partnership, pk: int) -> Role:
    """One role with its pathway and items; raises DoesNotExist otherwise."""
    items = PathwayItem.objects.select_related("course__tier").order_by("kind", "order")
    return (
        roles_of(partnership)
        .select_related("pathway")
        .prefetch_related(Prefetch("pathway__items", queryset=items))
        .get(pk=pk)
    )


# Public catalogue pages: the filter choices, a course's neighbours, a role's tier.


def topics_of(partnership: Partnership) -> QuerySet[Topic]:
    """Topics of the courses the partnership shows (hidden courses' topics left out)."""
    shown = catalogue_courses(partnership).values("pk")
    return Topic.objects.filter(courses__in=shown).distinct().order_by("name")


def adjoining_tiers(tier: Tier) -> list[Tier]:
    """The tiers just below and above ``tier`` in its framework, lowest first."""
    return list(
        Tier.objects.filter(
            framework_id=tier.framework_id, order__in=[tier.order - 1, tier.order + 1]
        ).order_by("order")
    )


def courses_by_id(
    partnership: Partnership, ids: Iterable[int], *, include_hidden: bool = True
) -> dict[int, Any]:
    """The partnership's courses among ``ids`` (with shown title and hours), by id."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    courses = catalogue_courses(partnership, include_hidden=include_hidden).filter(pk__in=wanted)
    return {course.pk: course for course in courses}


def pathway_items_for_course(partnership: Partnership, course: Course) -> QuerySet[PathwayItem]:
    """Pathway items of the partnership's roles that name ``course``, with their roles."""
    return (
        PathwayItem.objects.filter(course=course, pathway__role__in=roles_of(partnership))
        .select_related("pathway__role__tier")
        .order_by("kind", "pathway__role__tier__order", "pathway__role__name")
    )


def frameworks_with_questions(partnership: Partnership) -> list[CompetenceFramework]:
    """Adopted frameworks that have questions placing a person in a tier."""
    return [framework for framework in adopted_frameworks(partnership) if framework.questions]


# Coordinator pages (manage) ---------------------------------------------------------


def owned_frameworks(partnership: Partnership) -> QuerySet[CompetenceFramework]:
    """Frameworks the partnership owns (imported or home-grown): the ones it may edit."""
    return CompetenceFramework.objects.filter(owner_partnership=partnership).order_by(
        "name", "-created_at"
    )


def owned_framework_in(partnership: Partnership, pk: int) -> CompetenceFramework:
    """One framework the partnership owns; raises DoesNotExist otherwise."""
    return owned_frameworks(partnership).get(pk=pk)


def owned_tier_in(partnership: Partnership, pk: int) -> Tier:
    """One tier of a framework the partnership owns; raises DoesNotExist otherwise."""
    return Tier.objects.select_related("framework").get(
        pk=pk, framework__owner_partnership=partnership
    )


def local_courses_of(partnership: Partnership) -> QuerySet[Course]:
    """The courses the partnership added to its adopted frameworks."""
    return (
        Course.objects.filter(local_to=partnership, framework__in=adopted_frameworks(partnership))
        .select_related("tier", "framework")
        .order_by("framework__name", "tier__order", "title", "level")
    )


def local_course_in(partnership: Partnership, pk: int) -> Course:
    """One of the partnership's local courses, with its topics and prerequisites."""
    return local_courses_of(partnership).prefetch_related("topics", "prerequisites").get(pk=pk)


def tailoring_for(partnership: Partnership, course: Course) -> CourseTailoring | None:
    """The partnership's changes to ``course``, if it made any."""
    return CourseTailoring.objects.for_partnership(partnership).filter(course=course).first()


def manageable_roles(partnership: Partnership) -> QuerySet[Any]:
    """The partnership's roles with ``is_editable`` and the number of items in each pathway."""
    from django.db.models import Count

    return roles_of(partnership).annotate(
        is_editable=Q(local_to=partnership) | Q(framework__owner_partnership=partnership),
        required_count=Count(
            "pathway__items", filter=Q(pathway__items__kind=PathwayItem.Kind.REQUIRED)
        ),
        recommended_count=Count(
            "pathway__items", filter=Q(pathway__items__kind=PathwayItem.Kind.RECOMMENDED)
        ),
    )


# Equivalences and hours: what compliance counts besides the course itself.


def equivalences_of(partnership: Partnership) -> QuerySet[Equivalence]:
    """The equivalences that hold in the partnership: its adopted frameworks' own, for a
    course of its catalogue, and those its coordinators added."""
    # cross-partnership: the framework's own (no partnership) and this partnership's only
    return (
        Equivalence.objects.filter(
            Q(partnership__isnull=True) | Q(partnership=partnership),
            counts_for__in=catalogue_courses(partnership, include_hidden=True).values("pk"),
        )
        .select_related("counts_for", "course")
        .order_by("counts_for__title", "course__title", "external_training", "pk")
    )


def own_equivalence_in(partnership: Partnership, pk: int) -> Equivalence:
    """One equivalence the partnership added; raises DoesNotExist otherwise."""
    return equivalences_of(partnership).get(pk=pk, partnership=partnership)


def counting_courses(partnership: Partnership) -> QuerySet[Any]:
    """``(course_id, counts_for_id)``: a completion of the first counts for the second."""
    return (
        equivalences_of(partnership)
        .filter(course__isnull=False)
        .values_list("course_id", "counts_for_id")
        .order_by()
    )


# A framework with hours but no period of its own: the intercollegiate's three years.
DEFAULT_HOURS_PERIOD_MONTHS = 36


def hours_rules(partnership: Partnership) -> QuerySet[Any]:
    """``(role_id, hours, period_months, tier_order)`` for each hours-based role.

    A role is hours-based when its pathway sets learning hours per period, or
    its tier does (the intercollegiate framework's levels); the pathway's
    figures win, the period falling back to the framework's, then three years.
    """
    hours = Coalesce("pathway__hours_per_period", "tier__hours_per_period")
    period = Coalesce(
        "pathway__period_months",
        "framework__period_months",
        Value(DEFAULT_HOURS_PERIOD_MONTHS),
    )
    return (
        roles_of(partnership)
        .annotate(needed_hours=hours, needed_period=period)
        .filter(needed_hours__isnull=False, needed_hours__gt=0)
        .values_list("pk", "needed_hours", "needed_period", "tier__order")
        .order_by()
    )


def roles_held_by(partnership: Partnership, user: Any, *, today: datetime.date) -> list[Role]:
    """The roles of the catalogue that ``user``'s own staff records in ``partnership`` name:
    their main role and those of their current further posts. Reached through the roles'
    reverse relations, so the catalogue does not import people."""
    if user is None or not user.is_authenticated:
        return []
    main = Q(people__user=user, people__partnership=partnership, people__merged_into__isnull=True)
    further = Q(
        posts__person__user=user,
        posts__partnership=partnership,
        posts__person__merged_into__isnull=True,
    ) & (Q(posts__left_on__isnull=True) | Q(posts__left_on__gt=today))
    held = roles_of(partnership).filter(main | further).values("pk")
    return list(roles_of(partnership).filter(pk__in=held))


def recommended_courses(partnership: Partnership) -> dict[int, list[int]]:
    """Each role's recommended courses, by the framework rule: its pathway's recommended
    items, then every core and specialist course of its tier the partnership shows (a
    pathway's listed courses "followed by all relevant core and specialist courses"),
    less the courses its pathway requires. Three queries, whatever the number of roles."""
    roles = dict(roles_of(partnership).values_list("pk", "tier_id"))
    shown = catalogue_courses(partnership)
    by_tier: dict[int, list[int]] = {}
    for course_id, tier_id in shown.filter(
        category__in=[Course.Category.CORE, Course.Category.SPECIALIST]
    ).values_list("pk", "tier_id"):
        by_tier.setdefault(tier_id, []).append(course_id)
    items = PathwayItem.objects.filter(
        pathway__role__in=list(roles), course__in=shown.values("pk")
    ).values_list("pathway__role_id", "course_id", "kind")
    listed: dict[int, list[int]] = {}
    required: dict[int, set[int]] = {}
    for role_id, course_id, kind in items.order_by("pathway__role_id", "kind", "order"):
        if kind == PathwayItem.Kind.REQUIRED:
            required.setdefault(role_id, set()).add(course_id)
        else:
            listed.setdefault(role_id, []).append(course_id)
    found = {}
    for role_id, tier_id in roles.items():
        chosen = [*listed.get(role_id, []), *by_tier.get(tier_id, [])]
        skip = required.get(role_id, set())
        found[role_id] = [c for c in dict.fromkeys(chosen) if c not in skip]
    return found
