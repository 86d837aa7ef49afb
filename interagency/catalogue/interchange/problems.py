"""What is wrong with a framework document, placed so a person can find and fix it."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, placed so a person can find and fix it.

    ``kind`` is "error" (the document cannot be loaded) or "unmatched" (a
    pathway names a course the framework lacks: loaded, stored without a
    course and reported).
    """

    sheet: str  # "framework", "tiers", "questions", "courses", "pathways"
    row: int  # 1-based within that list
    column: str
    value: Any
    message: str
    kind: str = "error"

    @property
    def blocking(self) -> bool:
        return self.kind == "error"

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}, {self.column}: {self.message}"


class DocumentInvalid(ValueError):
    """The document has blocking problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"The framework document has {len(problems)} problem(s).")
