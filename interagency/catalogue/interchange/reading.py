"""Reading a framework document: every problem in it, and the plan building follows."""

from collections.abc import Mapping
from typing import Any

from interagency.catalogue.interchange.plan import Plan, unknown_tier
from interagency.catalogue.interchange.problems import Problem
from interagency.catalogue.interchange.reading_courses import read_courses
from interagency.catalogue.interchange.reading_pathways import read_pathways
from interagency.catalogue.interchange.values import (
    SLUG,
    as_text,
    check_hours,
    check_list,
    check_whole,
    rows_of,
)
from interagency.catalogue.matching import Matcher, match_item
from interagency.catalogue.models import CompetenceFramework


def validate_document(
    document: Any, *, strict: bool, matcher: Matcher = match_item
) -> list[Problem]:
    """Every problem in ``document``, in document order; empty when it can be loaded.

    ``strict`` makes a pathway item that names no course a blocking problem;
    otherwise it is a problem of kind "unmatched" that does not block loading.
    """
    problems: list[Problem] = []
    read_document(document, problems, strict=strict, matcher=matcher)
    return problems


def read_document(
    document: Any, problems: list[Problem], *, strict: bool, matcher: Matcher
) -> Plan:
    """What ``document`` says, adding to ``problems`` everything wrong with it."""
    plan = Plan()
    if not isinstance(document, Mapping):
        problems.append(
            Problem("framework", 1, "", type(document).__name__, "The document must be an object.")
        )
        return plan
    _read_framework(document, problems)
    _read_tiers(document, problems, plan)
    _read_questions(document, problems, plan)
    read_courses(document, problems, plan)
    read_pathways(document, problems, plan, strict=strict, matcher=matcher)
    return plan


def _read_framework(document: Mapping, problems: list[Problem]) -> None:
    """Check the framework's own keys: slug, name, version, owner, region, source, period."""

    def problem(column: str, message: str) -> None:
        problems.append(Problem("framework", 1, column, document.get(column), message))

    slug = as_text(document.get("slug"))
    if not slug:
        problem("slug", "Enter the framework's short name, like competence-matters.")
    elif not SLUG.match(slug) or len(slug) > 60:
        problem("slug", "Use up to 60 letters, digits and hyphens.")
    name = as_text(document.get("name"))
    if not name:
        problem("name", "Enter the framework's name.")
    elif len(name) > 200:
        problem("name", "Use 200 characters or fewer.")
    if len(as_text(document.get("version") or "1")) > 60:
        problem("version", "Use 60 characters or fewer.")
    owner = as_text(document.get("owner") or CompetenceFramework.Owner.PARTNERSHIP)
    if owner not in CompetenceFramework.Owner.values:
        problem("owner", f"Choose one of: {', '.join(CompetenceFramework.Owner.values)}.")
    region = as_text(document.get("region"))
    if owner == CompetenceFramework.Owner.REGIONAL and not region:
        problem("region", "A regional framework needs its region's code, like london.")
    if region and not SLUG.match(region):
        problem("region", "Enter the region's code, like london.")
    if len(as_text(document.get("source"))) > 300:
        problem("source", "Use 300 characters or fewer.")
    check_whole(problems, "framework", 1, "period_months", document.get("period_months"))


def _read_tiers(document: Mapping, problems: list[Problem], plan: Plan) -> None:
    """Check the tiers, noting each code's order in ``plan``."""
    rows = rows_of(document, "tiers", problems)
    if not rows and isinstance(document.get("tiers", []), list):
        problems.append(Problem("tiers", 1, "code", None, "A framework needs at least one tier."))
    for number, row in enumerate(rows, start=1):
        code = as_text(row.get("code"))
        if not code:
            problems.append(Problem("tiers", number, "code", row.get("code"), "Enter a code."))
        elif not SLUG.match(code) or len(code) > 40:
            problems.append(
                Problem("tiers", number, "code", code, "Use up to 40 letters, digits, hyphens.")
            )
        elif code in plan.tier_order:
            problems.append(Problem("tiers", number, "code", code, f"Tier {code} is listed twice."))
        if not as_text(row.get("name")):
            problems.append(Problem("tiers", number, "name", row.get("name"), "Enter a name."))
        order = check_whole(problems, "tiers", number, "order", row.get("order"), minimum=0)
        hours = check_hours(
            problems, "tiers", number, "hours_per_period", row.get("hours_per_period")
        )
        most = check_hours(
            problems, "tiers", number, "hours_per_period_max", row.get("hours_per_period_max")
        )
        if hours is not None and most is not None and most < hours:
            problems.append(
                Problem(
                    "tiers",
                    number,
                    "hours_per_period_max",
                    row.get("hours_per_period_max"),
                    "The most hours cannot be fewer than the least.",
                )
            )
        for column in ("outcomes", "example_roles"):
            check_list(problems, "tiers", number, column, row.get(column))
        if code and code not in plan.tier_order:
            plan.tier_order[code] = order if order is not None else number


def _read_questions(document: Mapping, problems: list[Problem], plan: Plan) -> None:
    """Check the screening questions: each needs its text and a tier of the framework."""
    for number, row in enumerate(rows_of(document, "questions", problems), start=1):
        if not as_text(row.get("text")):
            problems.append(
                Problem("questions", number, "text", row.get("text"), "Enter the question.")
            )
        tier = as_text(row.get("tier_if_yes"))
        if tier not in plan.tier_order:
            problems.append(
                Problem(
                    "questions",
                    number,
                    "tier_if_yes",
                    row.get("tier_if_yes"),
                    unknown_tier(tier, plan),
                )
            )
