"""A partnership's own courses in a framework it adopted: added, changed and deleted."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify

from interagency.catalogue import selectors
from interagency.catalogue.durations import DurationError, parse_duration
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    DeliveryMode,
    PathwayItem,
    Tier,
    Topic,
)
from interagency.catalogue.services.adoption import require_adopted
from interagency.core.errors import ServiceError
from interagency.tenancy.models import Partnership

LEVEL_TWO_NEEDS_LEVEL_ONE = (
    "A Level 2 course needs its Level 1 course or a stated equivalent as a prerequisite"
)


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
    require_adopted(partnership, framework)
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
        raise ServiceError(
            field_errors={
                "course": f"{course} is in the pathway for {item.pathway.role}: "
                "remove it from that pathway first"
            }
        )
    try:
        with transaction.atomic():
            course.delete()
    except ProtectedError:
        raise ServiceError(
            field_errors={"course": f"{course} has training records: it cannot be deleted."}
        ) from None


def _require_local(partnership: Partnership, course: Course) -> None:
    if course.local_to_id != partnership.pk:
        raise ServiceError(
            field_errors={"course": f"{course} is not one of {partnership.name}'s courses."}
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
        raise ServiceError(field_errors=errors)
    return hours, is_minimum


def _level_one_of(
    partnership: Partnership, framework: CompetenceFramework, title: str
) -> Course | None:
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
    _save_course(course)
    course.topics.set(_topics(topics))
    course.prerequisites.set(prerequisites)
    return course


def _save_course(course: Course) -> None:
    """Save ``course``; a namesake saved meanwhile is a problem with its title."""
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        raise ServiceError(
            field_errors={
                "title": f"{course.tier.name} already has a course called “{course.title}”."
            }
        ) from None
