"""Reading a framework document's pathways: roles, the courses they name, refreshers."""

from collections.abc import Mapping

from interagency.catalogue.interchange.plan import KINDS, Plan, single_course, unknown_tier
from interagency.catalogue.interchange.problems import Problem
from interagency.catalogue.interchange.values import (
    as_name,
    as_text,
    check_hours,
    check_list,
    check_whole,
    rows_of,
)
from interagency.catalogue.matching import Match, Matcher, normalise


def read_pathways(
    document: Mapping, problems: list[Problem], plan: Plan, *, strict: bool, matcher: Matcher
) -> None:
    """Check every pathway, matching the names it lists to the courses in ``plan``."""
    roles: dict[str, int] = {}
    for number, row in enumerate(rows_of(document, "pathways", problems), start=1):

        def problem(column: str, message: str, *, number: int = number, row: Mapping = row) -> None:
            problems.append(Problem("pathways", number, column, row.get(column), message))

        role = as_name(row.get("role"))
        if not role:
            problem("role", "Enter the role the pathway is for.")
        elif len(role) > 150:
            problem("role", "Use 150 characters or fewer.")
        elif role.casefold() in roles:
            problem(
                "role", f"The role '{role}' already has a pathway (row {roles[role.casefold()]})."
            )
        else:
            roles[role.casefold()] = number
        tier = as_text(row.get("tier"))
        if tier not in plan.tier_order:
            problem("tier", unknown_tier(tier, plan))
        check_whole(problems, "pathways", number, "window_months", row.get("window_months"))
        check_hours(problems, "pathways", number, "hours_per_period", row.get("hours_per_period"))
        check_whole(problems, "pathways", number, "period_months", row.get("period_months"))
        matched_names = _read_items(
            row, number, tier, problems, plan, strict=strict, matcher=matcher
        )
        _read_refreshers(row, number, problems, matched_names)
        _read_equivalences(row, number, problems, plan, tier, matcher)


def _read_items(
    row: Mapping,
    number: int,
    tier: str,
    problems: list[Problem],
    plan: Plan,
    *,
    strict: bool,
    matcher: Matcher,
) -> set[str]:
    """Match the pathway's required and recommended names; the names it matched, normalised."""
    matched_names: set[str] = set()
    for kind in KINDS:
        names = check_list(problems, "pathways", number, kind, row.get(kind))
        found = []
        for name in names:
            if len(name) > 200:
                problems.append(
                    Problem("pathways", number, kind, name, "Use 200 characters or fewer.")
                )
                continue
            matches = matcher(
                name,
                tier=tier,
                candidates=plan.candidates,
                tier_order=plan.tier_order,
            )
            found.append((name, matches))
            matched_names.add(normalise(name))
            for match in matches:
                matched_names.add(normalise(match.part))
                if match.candidate is None:
                    problems.append(_unmatched(number, kind, match, strict=strict))
                else:
                    matched_names.add(normalise(match.candidate.title))
        plan.matches[(number, kind)] = found
    return matched_names


def _unmatched(number: int, kind: str, match: Match, *, strict: bool) -> Problem:
    """The problem of a name that matches no course: blocking only when ``strict``."""
    part = f"'{match.part}'"
    if match.part != match.written:
        part += f" (part of '{match.written}')"
    return Problem(
        "pathways",
        number,
        kind,
        match.written,
        f"{part} matches no course of the framework"
        + ("." if strict else ": it is kept, without a course, for you to match."),
        kind="error" if strict else "unmatched",
    )


def _read_refreshers(
    row: Mapping, number: int, problems: list[Problem], matched_names: set[str]
) -> None:
    """Check that each refresher names a course of the pathway and how often."""
    refreshers = row.get("refreshers") or []
    if not isinstance(refreshers, list):
        problems.append(Problem("pathways", number, "refreshers", refreshers, "Enter a list."))
        return
    for refresher in refreshers:
        if not isinstance(refresher, Mapping):
            problems.append(
                Problem("pathways", number, "refreshers", refresher, "Enter course and months.")
            )
            continue
        course = as_text(refresher.get("course"))
        if normalise(course) not in matched_names:
            problems.append(
                Problem(
                    "pathways",
                    number,
                    "refreshers",
                    course,
                    f"The refresher '{course}' is not one of this pathway's courses.",
                )
            )
        if (
            check_whole(problems, "pathways", number, "refreshers", refresher.get("every_months"))
            is None
        ):
            problems.append(
                Problem(
                    "pathways",
                    number,
                    "refreshers",
                    refresher.get("every_months"),
                    f"Say every how many months '{course}' is refreshed.",
                )
            )


def _read_equivalences(
    row: Mapping, number: int, problems: list[Problem], plan: Plan, tier: str, matcher: Matcher
) -> None:
    """Check that each equivalence names one course, counted for one course of the framework."""
    equivalences = row.get("equivalences") or []
    if not isinstance(equivalences, list):
        problems.append(Problem("pathways", number, "equivalences", equivalences, "Enter a list."))
        return
    for equivalence in equivalences:
        if not isinstance(equivalence, Mapping):
            problems.append(
                Problem("pathways", number, "equivalences", equivalence, "Enter an object.")
            )
            continue
        for column in ("counts_for", "course"):
            name = as_text(equivalence.get(column))
            if column == "course" and not name:
                if not as_text(equivalence.get("external_training")):
                    problems.append(
                        Problem(
                            "pathways",
                            number,
                            "equivalences",
                            equivalence,
                            "Name the course or the external training that counts.",
                        )
                    )
                continue
            if single_course(name, tier, plan, matcher) is None:
                problems.append(
                    Problem(
                        "pathways",
                        number,
                        "equivalences",
                        name,
                        f"The equivalence names '{name}', which is no course of the framework.",
                    )
                )
