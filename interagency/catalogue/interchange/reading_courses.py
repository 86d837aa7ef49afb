"""Reading a framework document's courses, and the prerequisites they name."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from interagency.catalogue.durations import DurationError, parse_duration
from interagency.catalogue.interchange.plan import Plan, unknown_tier
from interagency.catalogue.interchange.problems import Problem
from interagency.catalogue.interchange.values import (
    as_name,
    as_strings,
    as_text,
    as_whole,
    check_list,
    check_whole,
    rows_of,
)
from interagency.catalogue.matching import Candidate, tidy
from interagency.catalogue.models import Course, DeliveryMode

# Puts a problem on a column of the row being read: (column, message).
_Complaint = Callable[[str, str], None]


def read_courses(document: Mapping, problems: list[Problem], plan: Plan) -> None:
    """Check every course, adding each loadable one to ``plan``, then their prerequisites."""
    seen: dict[tuple[str, str, int | None], int] = {}
    for number, row in enumerate(rows_of(document, "courses", problems), start=1):
        _read_course(row, number, problems, plan, seen)
    _read_prerequisites(problems, plan)


def _read_course(
    row: Mapping,
    number: int,
    problems: list[Problem],
    plan: Plan,
    seen: dict[tuple[str, str, int | None], int],
) -> None:
    """Check one course row; ``seen`` holds the (tier, title, level) of the rows before it."""

    def problem(column: str, message: str) -> None:
        problems.append(Problem("courses", number, column, row.get(column), message))

    title = as_name(row.get("title"))
    if not title:
        problem("title", "Enter the course title.")
    elif len(title) > 200:
        problem("title", "Use 200 characters or fewer.")
    tier = as_text(row.get("tier"))
    if tier not in plan.tier_order:
        problem("tier", unknown_tier(tier, plan))
    category = as_text(row.get("category"))
    if category not in Course.Category.values:
        problem("category", f"Choose one of: {', '.join(Course.Category.values)}.")
    level = _read_level(row, problem)
    _read_duration(row, number, plan, problem)
    modes = check_list(problems, "courses", number, "delivery_modes", row.get("delivery_modes"))
    unknown = [mode for mode in modes if mode not in DeliveryMode.values]
    if unknown:
        problem(
            "delivery_modes",
            f"Unknown delivery mode {', '.join(unknown)}: choose from "
            f"{', '.join(DeliveryMode.values)}.",
        )
    for column in ("outcomes", "topics", "prerequisites"):
        check_list(problems, "courses", number, column, row.get(column))
    if len(as_text(row.get("prerequisite_note"))) > 200:
        problem("prerequisite_note", "Use 200 characters or fewer.")
    check_whole(problems, "courses", number, "refresh_months", row.get("refresh_months"))
    if row.get("local") not in (None, True, False):
        problem("local", "Enter true or false.")
    if title and tier in plan.tier_order:
        duplicate = (tier, title.casefold(), level)
        if duplicate in seen:
            problem(
                "title",
                f"Tier {tier} already has '{title}'"
                + (f" at Level {level}" if level else "")
                + f" (row {seen[duplicate]}).",
            )
        else:
            seen[duplicate] = number
            plan.course_rows[number] = row
            category_value = category if category in Course.Category.values else ""
            plan.candidates.append(Candidate(number, title, level, tier, category_value))


def _read_level(row: Mapping, problem: _Complaint) -> int | None:
    """The course's level: 1, 2 or none; a problem (and none) for anything else."""
    try:
        level = as_whole(row.get("level"))
    except (TypeError, ValueError):
        level = 0
    if level not in (None, *Course.Level.values):
        problem("level", "Enter 1, 2 or leave it empty.")
        return None
    return level


def _read_duration(row: Mapping, number: int, plan: Plan, problem: _Complaint) -> None:
    """Note the course's duration in ``plan``, read as the frameworks write it."""
    duration_text = as_text(row.get("duration"))
    if not duration_text:
        problem("duration", "Enter the duration, like '1 day or 6 hours'.")
        return
    try:
        hours, is_minimum = parse_duration(duration_text)
    except DurationError as error:
        problem("duration", str(error))
        return
    if hours < Decimal("0.5") or hours >= 10000:
        problem("duration", "A course lasts at least half an hour.")
    else:
        plan.durations[number] = (hours, is_minimum)


def _read_prerequisites(problems: list[Problem], plan: Plan) -> None:
    """Find the course each prerequisite title names, among the other courses."""
    by_title: dict[str, list[Candidate]] = {}
    for candidate in plan.candidates:
        by_title.setdefault(tidy(candidate.title).casefold(), []).append(candidate)
    for candidate in plan.candidates:
        number = int(str(candidate.key))
        wanted = as_strings(plan.course_rows[number].get("prerequisites")) or []
        found = []
        for title in wanted:
            options = [c for c in by_title.get(tidy(title).casefold(), []) if c != candidate]
            if not options:
                problems.append(
                    Problem(
                        "courses",
                        number,
                        "prerequisites",
                        title,
                        f"The prerequisite '{title}' names no other course of the framework.",
                    )
                )
                continue
            found.append(_prerequisite(candidate, options, plan.tier_order))
        plan.prerequisites[number] = found


def _prerequisite(course: Candidate, options: list[Candidate], tier_order: dict[str, int]) -> int:
    """The course a prerequisite title means: the level below, then the nearest tier."""
    home = tier_order.get(course.tier, 0)
    below = (course.level - 1) if course.level else None

    def rank(option: Candidate) -> tuple[int, int, int]:
        return (
            0 if option.level == below else 1,
            abs(tier_order.get(option.tier, home) - home),
            option.level or 0,
        )

    return int(str(min(options, key=rank).key))
