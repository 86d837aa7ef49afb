"""What loading a framework document did: counts, and what became of each pathway name."""

from dataclasses import dataclass, field

from interagency.catalogue.interchange.problems import Problem
from interagency.catalogue.models import CompetenceFramework


@dataclass(frozen=True)
class ItemReport:
    """What became of one name in one pathway."""

    role: str
    kind: str
    written: str
    part: str
    course: str  # the course matched, as shown; "" when unmatched
    reason: str
    note: str = ""

    @property
    def matched(self) -> bool:
        return bool(self.course)

    @property
    def is_exact(self) -> bool:
        return self.reason == "exact" and not self.note


@dataclass
class LoadResult:
    framework: CompetenceFramework
    already_loaded: bool
    tiers: int
    courses: int
    roles: int
    pathway_items: int
    items: list[ItemReport] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def unmatched(self) -> list[ItemReport]:
        return [item for item in self.items if not item.matched]

    @property
    def inexact(self) -> list[ItemReport]:
        """Matched, but not by the exact title: each is worth a look."""
        return [item for item in self.items if item.matched and not item.is_exact]
