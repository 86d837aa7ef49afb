"""Change a partnership's catalogue: adopt and tailor frameworks, add local courses and roles.

Every write names the partnership it acts for and checks that the rows it
touches belong to that partnership's catalogue. Regional and national
frameworks are never edited by a partnership, only adopted and tailored;
frameworks a partnership owns (imported or home-grown) it may edit. A new
version of a framework is a copy: records made under the old version keep
pointing at the old rows.

Catalogue data is not personal data, so these writes are not audited.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils.text import slugify

from interagency.catalogue import selectors
from interagency.catalogue.durations import DurationError, parse_duration
from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    CourseTailoring,
    DeliveryMode,
    Equivalence,
    Pathway,
    PathwayItem,
    Role,
    Tier,
    Topic,
)
from interagency.tenancy.models import Partnership

LEVEL_TWO_NEEDS_LEVEL_ONE = (
    "A Level 2 course needs its Level 1 course or a stated equivalent as a prerequisite"
)
MAX_MONTHS = 120


class _Unchanged:
    """Marks an argument the caller left out: keep the current value."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


# Adoption ---------------------------------------------------------------------------


def adopt_framework(*, partnership: Partnership, framework: CompetenceFramework, adopted_by=None):
    """Run the partnership's programme on ``framework``; adopting twice changes nothing."""
    if not selectors.frameworks_available_to(partnership).filter(pk=framework.pk).exists():
        raise ValidationError({"framework": f"{framework} is not available to {partnership.name}."})
    with transaction.atomic():
        adoption, _ = Adoption.objects.for_partnership(partnership).get_or_create(
            partnership=partnership, framework=framework, defaults={"adopted_by": adopted_by}
        )
    return adoption


def stop_adopting(*, partnership: Partnership, framework: CompetenceFramework) -> None:
    """Stop running ``framework``; its courses leave the catalogue, its rows stay."""
    with transaction.atomic():
        Adoption.objects.for_partnership(partnership).filter(framework=framework).delete()


# Tailoring --------------------------------------------------------------------------


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
        raise ValidationError({"course": f"{course} is not in {partnership.name}'s catalogue."})
    if course.local_to_id is not None:
        raise ValidationError(
            {"course": f"{course} is a local course: change it on its own page instead."}
        )
    with transaction.atomic():
        tailoring, _ = CourseTailoring.objects.for_partnership(partnership).get_or_create(
            partnership=partnership, course=course
        )
        if hidden is not UNCHANGED:
            if hidden and not tailoring.hidden and (item := _required_by(partnership, course)):
                raise ValidationError(
                    {
                        "hidden": f"{course} is required by the pathway for "
                        f"{item.pathway.role}: remove it from that pathway first"
                    }
                )
            tailoring.hidden = bool(hidden)
        if local_title is not UNCHANGED:
            tailoring.local_title = (local_title or "").strip()
        if local_duration_hours is not UNCHANGED:
            if local_duration_hours is not None and local_duration_hours < Decimal("0.5"):
                raise ValidationError(
                    {"local_duration_hours": "Local duration must be at least half an hour."}
                )
            tailoring.local_duration_hours = local_duration_hours
        tailoring.save()
    return tailoring


# Local courses ----------------------------------------------------------------------


def _require_adopted(partnership: Partnership, framework: CompetenceFramework) -> None:
    if not selectors.adopted_frameworks(partnership).filter(pk=framework.pk).exists():
        raise ValidationError(
            {"framework": f"Adopt {framework} before adding courses or roles to it."}
        )


def _check_course_fields(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    tier: Tier,
    title: str,
    category: str,
    level: int | None,
    duration_text: str,
    delivery_modes: Iterable[str],
    prerequisites: list[Course],
    prerequisite_note: str,
    course: Course | None = None,
) -> tuple[Decimal, bool]:
    """Validate a local course's fields; return its parsed ``(hours, is_minimum)``."""
    errors: dict[str, str] = {}
    if tier.framework_id != framework.pk:
        errors["tier"] = f"Choose a tier of {framework.name}."
    if not title:
        errors["title"] = "Enter the course title."
    if category not in Course.Category.values:
        errors["category"] = "Choose introduction, core or specialist."
    if level not in (None, *Course.Level.values):
        errors["level"] = "Choose no level, Level 1 or Level 2."
    hours, is_minimum = Decimal(0), False
    try:
        hours, is_minimum = parse_duration(duration_text)
    except DurationError as error:
        errors["duration_text"] = f"Duration: {error}"
    else:
        if hours < Decimal("0.5"):
            errors["duration_text"] = "Duration must be at least half an hour."
    unknown = sorted(set(delivery_modes) - set(DeliveryMode.values))
    if unknown:
        errors["delivery_modes"] = f"Unknown delivery mode: {', '.join(unknown)}."
    visible = selectors.catalogue_courses(partnership, include_hidden=True)
    prerequisite_ids = {p.pk for p in prerequisites}
    if course is not None and course.pk in prerequisite_ids:
        errors["prerequisites"] = "A course cannot be its own prerequisite."
    elif len(visible.filter(pk__in=prerequisite_ids)) != len(prerequisite_ids):
        errors["prerequisites"] = "Choose prerequisites from this partnership's catalogue."
    if title and "tier" not in errors:
        namesakes = visible.filter(tier=tier, title__iexact=title, level=level)
        if course is not None:
            namesakes = namesakes.exclude(pk=course.pk)
        if namesakes.exists():
            level_text = f" at Level {level}" if level else ""
            errors["title"] = f"{tier.name} already has a course called “{title}”{level_text}."
    if (
        level == Course.Level.TWO
        and not prerequisites
        and not prerequisite_note
        and not _level_one_of(partnership, framework, title)
    ):
        errors.setdefault("prerequisites", LEVEL_TWO_NEEDS_LEVEL_ONE)
    if errors:
        raise ValidationError(errors)
    return hours, is_minimum


def _level_one_of(partnership: Partnership, framework: CompetenceFramework, title: str):
    """The framework's Level 1 course with this title, if the partnership runs it."""
    return (
        selectors.catalogue_courses(partnership)
        .filter(framework=framework, title__iexact=title, level=Course.Level.ONE)
        .first()
    )


def _topics(names: Iterable[str]) -> list[Topic]:
    topics = []
    for name in names:
        name = " ".join(name.split())
        if name and (slug := slugify(name)[:80]):
            topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
            topics.append(topic)
    return topics


def _save_local_course(
    course: Course,
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    tier: Tier,
    title: str,
    category: str,
    level: int | None,
    duration_text: str,
    aims: str,
    outcomes: Iterable[str],
    topics: Iterable[str],
    delivery_modes: Iterable[str],
    prerequisites: Iterable[Course],
    prerequisite_note: str,
) -> Course:
    title = " ".join(title.split())
    prerequisite_note = prerequisite_note.strip()
    prerequisites = list(prerequisites)
    delivery_modes = list(dict.fromkeys(delivery_modes))
    hours, is_minimum = _check_course_fields(
        partnership=partnership,
        framework=framework,
        tier=tier,
        title=title,
        category=category,
        level=level,
        duration_text=duration_text,
        delivery_modes=delivery_modes,
        prerequisites=prerequisites,
        prerequisite_note=prerequisite_note,
        course=course if course.pk else None,
    )
    if level == Course.Level.TWO and not prerequisites and not prerequisite_note:
        # Its Level 1 namesake is the prerequisite, as the framework files record it.
        level_one = _level_one_of(partnership, framework, title)
        prerequisites = [level_one] if level_one else []
    course.framework = framework
    course.tier = tier
    course.local_to = partnership
    course.title = title
    course.category = category
    course.level = level
    course.duration_hours = hours
    course.duration_is_minimum = is_minimum
    course.duration_text = duration_text.strip()
    course.aims = aims.strip()
    course.outcomes = [line.strip() for line in outcomes if line.strip()]
    course.delivery_modes = delivery_modes
    course.prerequisite_note = prerequisite_note
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise ValidationError(
            {"title": f"{tier.name} already has a course called “{title}”."}
        ) from None
    course.topics.set(_topics(topics))
    course.prerequisites.set(prerequisites)
    return course


@transaction.atomic
def add_local_course(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    tier: Tier,
    title: str,
    category: str,
    level: int | None,
    duration_text: str,
    aims: str = "",
    outcomes: Iterable[str] = (),
    topics: Iterable[str] = (),
    delivery_modes: Iterable[str] = (),
    prerequisites: Iterable[Course] = (),
    prerequisite_note: str = "",
) -> Course:
    """A course the partnership runs in an adopted framework, shaped like the framework's own.

    ``topics`` are names (new ones are created); ``duration_text`` is read
    like the frameworks write it ("½ day or 3 hours"). A Level 2 course needs
    its Level 1: the framework's Level 1 course of the same title (made its
    prerequisite), a prerequisite chosen, or an equivalent stated in the note.
    """
    _require_adopted(partnership, framework)
    return _save_local_course(
        Course(),
        partnership=partnership,
        framework=framework,
        tier=tier,
        title=title,
        category=category,
        level=level,
        duration_text=duration_text,
        aims=aims,
        outcomes=outcomes,
        topics=topics,
        delivery_modes=delivery_modes,
        prerequisites=prerequisites,
        prerequisite_note=prerequisite_note,
    )


def _require_local(partnership: Partnership, course: Course) -> None:
    if course.local_to_id != partnership.pk:
        raise ValidationError({"course": f"{course} is not one of {partnership.name}'s courses."})


@transaction.atomic
def update_local_course(
    *,
    partnership: Partnership,
    course: Course,
    tier: Tier,
    title: str,
    category: str,
    level: int | None,
    duration_text: str,
    aims: str = "",
    outcomes: Iterable[str] = (),
    topics: Iterable[str] = (),
    delivery_modes: Iterable[str] = (),
    prerequisites: Iterable[Course] = (),
    prerequisite_note: str = "",
) -> Course:
    """Change a local course; it stays in its framework, with the same checks as adding."""
    _require_local(partnership, course)
    return _save_local_course(
        course,
        partnership=partnership,
        framework=course.framework,
        tier=tier,
        title=title,
        category=category,
        level=level,
        duration_text=duration_text,
        aims=aims,
        outcomes=outcomes,
        topics=topics,
        delivery_modes=delivery_modes,
        prerequisites=prerequisites,
        prerequisite_note=prerequisite_note,
    )


def delete_local_course(*, partnership: Partnership, course: Course) -> None:
    """Remove a local course nobody's pathway or record uses."""
    _require_local(partnership, course)
    item = (
        PathwayItem.objects.filter(course=course)
        .select_related("pathway__role")
        .order_by("pathway__role__name")
        .first()
    )
    if item is not None:
        raise ValidationError(
            {
                "course": f"{course} is in the pathway for {item.pathway.role}: "
                "remove it from that pathway first"
            }
        )
    try:
        with transaction.atomic():
            course.delete()
    except ProtectedError:
        raise ValidationError(
            {"course": f"{course} has training records: it cannot be deleted."}
        ) from None


# Frameworks a partnership owns ------------------------------------------------------


def _require_owned(partnership: Partnership, framework: CompetenceFramework) -> None:
    if framework.owner_partnership_id != partnership.pk:
        raise ValidationError(
            {
                "framework": f"{framework} is a {framework.get_owner_display().lower()} "
                "framework: a partnership may tailor it but not edit it."
            }
        )


@transaction.atomic
def update_framework_details(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    name: str,
    source: str = "",
    period_months: int | None = None,
) -> CompetenceFramework:
    """Rename a framework the partnership owns, or change its source and refresher period."""
    _require_owned(partnership, framework)
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = "Enter the framework's name."
    if period_months is not None and not 1 <= period_months <= MAX_MONTHS:
        errors["period_months"] = f"Refresher period must be between 1 and {MAX_MONTHS} months."
    if errors:
        raise ValidationError(errors)
    framework.name = name
    framework.source = source.strip()
    framework.period_months = period_months
    framework.save(update_fields=["name", "source", "period_months"])
    return framework


def _check_tier(
    framework: CompetenceFramework, *, code: str, name: str, tier: Tier | None = None
) -> None:
    errors = {}
    if not name:
        errors["name"] = "Enter the tier's name."
    if not code or slugify(code) != code:
        errors["code"] = (
            "Code must use only lowercase letters, numbers and hyphens, like “group-a”."
        )
    else:
        clash = Tier.objects.filter(framework=framework, code=code)
        if tier is not None:
            clash = clash.exclude(pk=tier.pk)
        if clash.exists():
            errors["code"] = f"{framework.name} already has a tier with the code “{code}”."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_tier(
    *,
    partnership: Partnership,
    framework: CompetenceFramework,
    code: str,
    name: str,
    audience: str = "",
    hours_per_period: Decimal | None = None,
) -> Tier:
    """A new tier at the end of a framework the partnership owns."""
    _require_owned(partnership, framework)
    code, name = code.strip(), " ".join(name.split())
    _check_tier(framework, code=code, name=name)
    last = framework.tiers.order_by("-order").values_list("order", flat=True).first()
    return Tier.objects.create(
        framework=framework,
        code=code,
        name=name,
        order=(last or 0) + 1,
        audience=audience.strip(),
        hours_per_period=hours_per_period,
    )


@transaction.atomic
def update_tier(
    *,
    partnership: Partnership,
    tier: Tier,
    name: str,
    audience: str = "",
    hours_per_period: Decimal | None = None,
) -> Tier:
    """Rename a tier of a framework the partnership owns; its code stays (records use it)."""
    _require_owned(partnership, tier.framework)
    name = " ".join(name.split())
    _check_tier(tier.framework, code=tier.code, name=name, tier=tier)
    tier.name = name
    tier.audience = audience.strip()
    tier.hours_per_period = hours_per_period
    tier.save(update_fields=["name", "audience", "hours_per_period"])
    return tier


# Roles and pathways -----------------------------------------------------------------


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
    _require_adopted(partnership, framework)
    name = " ".join(name.split())
    errors = {}
    if tier.framework_id != framework.pk:
        errors["tier"] = f"Choose a tier of {framework.name}."
    if not name:
        errors["name"] = "Enter the role's name."
    elif selectors.roles_of(partnership).filter(framework=framework, name__iexact=name).exists():
        errors["name"] = f"{framework.name} already has a role called “{name}”."
    if errors:
        raise ValidationError(errors)
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
        raise ValidationError({"role": f"{role} is not a role of {partnership.name}."})
    if not role_is_editable(partnership, role):
        raise ValidationError(
            {
                "role": f"The pathway for {role} belongs to {role.framework.name}: "
                "add a local role to set a pathway of your own."
            }
        )
    required, recommended = list(dict.fromkeys(required)), list(dict.fromkeys(recommended))
    refreshers = dict(refreshers or {})
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
        raise ValidationError(errors)

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


# Versions ---------------------------------------------------------------------------


@transaction.atomic
def new_framework_version(
    *,
    framework: CompetenceFramework,
    version: str,
    created_by=None,
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
        _require_owned(partnership, framework)
    version = version.strip()
    if not version:
        raise ValidationError({"version": "Enter the new version's name, like “2”."})
    framework = CompetenceFramework.objects.select_for_update().get(pk=framework.pk)
    if framework.superseded_by_id is not None:
        raise ValidationError(
            {"framework": f"{framework} is already superseded: make a version from the newest."}
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
        raise ValidationError({"version": f"{framework.name} already has a version “{version}”."})

    old_pk = framework.pk
    new = CompetenceFramework.objects.get(pk=old_pk)
    new.pk = None
    new.version = version
    new.superseded_by = None
    new.save()

    tiers: dict[int, Tier] = {}
    for tier in Tier.objects.filter(framework_id=old_pk):
        old_tier = tier.pk
        tier.pk = None
        tier.framework = new
        tier.save()
        tiers[old_tier] = tier

    courses: dict[int, Course] = {}
    old_courses = list(
        Course.objects.filter(framework_id=old_pk).prefetch_related("topics", "prerequisites")
    )
    for course in old_courses:
        topics, prerequisites = list(course.topics.all()), list(course.prerequisites.all())
        old_course = course.pk
        course.pk = None
        course.framework = new
        course.tier = tiers[course.tier_id]
        course.save()
        course.topics.set(topics)
        courses[old_course] = course
        course._old_prerequisites = prerequisites  # type: ignore[attr-defined]
    for course in courses.values():
        course.prerequisites.set(
            [courses.get(p.pk, p) for p in course._old_prerequisites]  # type: ignore[attr-defined]
        )
    for equivalence in Equivalence.objects.filter(counts_for__framework_id=old_pk):
        equivalence.pk = None
        equivalence.counts_for = courses[equivalence.counts_for_id]
        if equivalence.course_id:
            equivalence.course = courses.get(equivalence.course_id, equivalence.course)
        equivalence.save()

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

    framework.superseded_by = new
    framework.save(update_fields=["superseded_by"])
    return new
