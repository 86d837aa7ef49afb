"""Building a framework's roles and pathways, reporting what became of every name."""

from collections.abc import Mapping

from interagency.catalogue.interchange.plan import (
    DEFAULT_WINDOW_MONTHS,
    KINDS,
    Plan,
    single_course,
)
from interagency.catalogue.interchange.reports import ItemReport
from interagency.catalogue.interchange.values import as_decimal, as_name, as_text, as_whole
from interagency.catalogue.matching import Match, Matcher, normalise
from interagency.catalogue.models import (
    CompetenceFramework,
    Course,
    Equivalence,
    Pathway,
    PathwayItem,
    Role,
    Tier,
)

# (the course counted for, the course that counts, the external training that counts)
_EquivalenceKey = tuple[int, int | None, str]


def _shown(course: Course) -> str:
    """A course as a report names it: title, level and tier."""
    return (
        f"{course.title} – Level {course.level} ({course.tier.name})"
        if course.level
        else (f"{course.title} ({course.tier.name})")
    )


def build_pathways(
    framework: CompetenceFramework,
    document: Mapping,
    plan: Plan,
    tiers: dict[str, Tier],
    courses: dict[int, Course],
    matcher: Matcher,
) -> tuple[int, int, list[ItemReport]]:
    """The framework's roles, pathways, items and equivalences: ``(roles, items, reports)``."""
    rows = list(document.get("pathways") or [])
    roles = [
        Role(framework=framework, name=as_name(row["role"]), tier=tiers[as_text(row["tier"])])
        for row in rows
    ]
    Role.objects.bulk_create(roles)
    pathways = [
        Pathway(
            role=role,
            window_months=as_whole(row.get("window_months")) or DEFAULT_WINDOW_MONTHS,
            hours_per_period=as_decimal(row.get("hours_per_period")),
            period_months=as_whole(row.get("period_months")),
        )
        for row, role in zip(rows, roles, strict=True)
    ]
    Pathway.objects.bulk_create(pathways)
    items: list[PathwayItem] = []
    reports: list[ItemReport] = []
    equivalences: dict[_EquivalenceKey, Equivalence] = {}
    for number, (row, pathway) in enumerate(zip(rows, pathways, strict=True), start=1):
        _build_items(number, row, pathway, plan, courses, items, reports)
        _collect_equivalences(row, plan, courses, matcher, equivalences)
    PathwayItem.objects.bulk_create(items)
    Equivalence.objects.bulk_create(list(equivalences.values()))
    return len(roles), len(items), reports


def _build_items(
    number: int,
    row: Mapping,
    pathway: Pathway,
    plan: Plan,
    courses: dict[int, Course],
    items: list[PathwayItem],
    reports: list[ItemReport],
) -> None:
    """Add to ``items`` the pathway's items, each course once, and a report for every name."""
    role_name = pathway.role.name
    refresh = {
        normalise(as_text(refresher.get("course"))): as_whole(refresher.get("every_months"))
        for refresher in row.get("refreshers") or []
    }
    used: set[int] = set()
    for kind in KINDS:
        order = 0
        for written, matches in plan.matches.get((number, kind), []):
            for match in matches:
                course = courses[int(str(match.candidate.key))] if match.candidate else None
                if course is not None and course.pk in used:
                    reports.append(
                        ItemReport(
                            role_name,
                            kind,
                            written,
                            match.part,
                            _shown(course),
                            "listed twice",
                            "the pathway already has this course, so it is kept once",
                        )
                    )
                    continue
                if course is not None:
                    used.add(course.pk)
                items.append(
                    PathwayItem(
                        pathway=pathway,
                        course=course,
                        named_as=written,
                        kind=kind,
                        order=order,
                        repeat_every_months=_repeat(refresh, written, match, course),
                    )
                )
                order += 1
                reports.append(
                    ItemReport(
                        role_name,
                        kind,
                        written,
                        match.part,
                        _shown(course) if course else "",
                        match.reason,
                        match.note,
                    )
                )


def _repeat(
    refresh: dict[str, int | None], written: str, match: Match, course: Course | None
) -> int | None:
    """Every how many months the item is refreshed: a refresher names it, its part or course."""
    names = [normalise(written), normalise(match.part)]
    if course is not None:
        names.append(normalise(course.title))
    return next((refresh[name] for name in names if name in refresh), None)


def _collect_equivalences(
    row: Mapping,
    plan: Plan,
    courses: dict[int, Course],
    matcher: Matcher,
    equivalences: dict[_EquivalenceKey, Equivalence],
) -> None:
    """Add the pathway's equivalences to ``equivalences``, each once across the framework."""
    tier = as_text(row.get("tier"))
    for equivalence in row.get("equivalences") or []:
        counts_for = single_course(as_text(equivalence.get("counts_for")), tier, plan, matcher)
        counted = single_course(as_text(equivalence.get("course")), tier, plan, matcher)
        if counts_for is None:
            continue
        target = courses[int(str(counts_for.key))]
        course = courses[int(str(counted.key))] if counted else None
        external = "" if course else as_text(equivalence.get("external_training"))[:200]
        key = (target.pk, course.pk if course else None, external)
        equivalences.setdefault(
            key, Equivalence(counts_for=target, course=course, external_training=external)
        )
