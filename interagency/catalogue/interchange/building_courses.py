"""Building a framework's courses, with their topics and prerequisites."""

from django.utils.text import slugify

from interagency.catalogue.interchange.plan import Plan
from interagency.catalogue.interchange.values import as_strings, as_text, as_whole
from interagency.catalogue.models import CompetenceFramework, Course, Tier, Topic
from interagency.tenancy.models import Partnership


def build_courses(
    framework: CompetenceFramework,
    plan: Plan,
    tiers: dict[str, Tier],
    owner_partnership: Partnership | None,
) -> dict[int, Course]:
    """The framework's courses, by their row in the document."""
    courses: dict[int, Course] = {}
    for candidate in plan.candidates:
        number = int(str(candidate.key))
        row = plan.course_rows[number]
        hours, is_minimum = plan.durations[number]
        courses[number] = Course(
            framework=framework,
            tier=tiers[candidate.tier],
            local_to=owner_partnership if row.get("local") else None,
            title=candidate.title,
            category=candidate.category,
            level=candidate.level,
            duration_hours=hours,
            duration_is_minimum=is_minimum,
            duration_text=as_text(row.get("duration"))[:60],
            aims=as_text(row.get("aims")),
            outcomes=as_strings(row.get("outcomes")) or [],
            delivery_modes=as_strings(row.get("delivery_modes")) or [],
            prerequisite_note=as_text(row.get("prerequisite_note")),
            refresh_months=as_whole(row.get("refresh_months")),
        )
    Course.objects.bulk_create(list(courses.values()))
    _link_topics(plan, courses)
    _link_prerequisites(plan, courses)
    return courses


def _topics_named(names: set[str]) -> dict[str, Topic]:
    """Topics by slug, made once each and shared between frameworks."""
    wanted = {slugify(name)[:80]: name[:80] for name in names if slugify(name)}
    found = {topic.slug: topic for topic in Topic.objects.filter(slug__in=wanted)}
    missing = [Topic(slug=slug, name=name) for slug, name in wanted.items() if slug not in found]
    if missing:
        Topic.objects.bulk_create(missing, ignore_conflicts=True)
        found = {topic.slug: topic for topic in Topic.objects.filter(slug__in=wanted)}
        for slug, name in wanted.items():  # a topic of that name under another slug
            if slug not in found:
                found[slug] = Topic.objects.get(name=name)
    return found


def _link_topics(plan: Plan, courses: dict[int, Course]) -> None:
    """Give each course the topics its row names, each once."""
    topic_names = {
        number: as_strings(plan.course_rows[number].get("topics")) or [] for number in courses
    }
    topics = _topics_named({name for names in topic_names.values() for name in names})
    links = []
    for number, names in topic_names.items():
        seen = set()
        for name in names:
            topic = topics.get(slugify(name)[:80])
            if topic and topic.pk not in seen:
                seen.add(topic.pk)
                links.append(Course.topics.through(course_id=courses[number].pk, topic_id=topic.pk))
    Course.topics.through.objects.bulk_create(links)


def _link_prerequisites(plan: Plan, courses: dict[int, Course]) -> None:
    """Give each course the prerequisites reading found for it, each once."""
    needs = []
    for number, prerequisites in plan.prerequisites.items():
        for required in dict.fromkeys(prerequisites):
            needs.append(
                Course.prerequisites.through(
                    from_course_id=courses[number].pk, to_course_id=courses[required].pk
                )
            )
    Course.prerequisites.through.objects.bulk_create(needs)
