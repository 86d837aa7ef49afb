"""What a document says, read and checked: shared by validation and building."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from interagency.catalogue.matching import Candidate, Match, Matcher
from interagency.catalogue.models import PathwayItem

DEFAULT_WINDOW_MONTHS = 24
KINDS = (PathwayItem.Kind.REQUIRED, PathwayItem.Kind.RECOMMENDED)


@dataclass
class Plan:
    """What a document says, read and checked: shared by validation and building."""

    tier_order: dict[str, int] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)  # key: course row (1-based)
    course_rows: dict[int, Mapping] = field(default_factory=dict)
    durations: dict[int, tuple[Decimal, bool]] = field(default_factory=dict)
    prerequisites: dict[int, list[int]] = field(default_factory=dict)
    # (pathway row, kind) -> [(written name, [matches])]
    matches: dict[tuple[int, str], list[tuple[str, list[Match]]]] = field(default_factory=dict)


def unknown_tier(code: str, plan: Plan) -> str:
    """The message for a tier code the framework does not have, listing those it has."""
    known = ", ".join(plan.tier_order) or "none"
    if not code:
        return f"Enter the tier's code (the framework's tiers: {known})."
    return f"There is no tier {code} (the framework's tiers: {known})."


def single_course(name: str, tier: str, plan: Plan, matcher: Matcher) -> Candidate | None:
    """The one course ``name`` means, or None when it means none or several."""
    if not name:
        return None
    matches = matcher(name, tier=tier, candidates=plan.candidates, tier_order=plan.tier_order)
    if len(matches) != 1:
        return None
    return matches[0].candidate
