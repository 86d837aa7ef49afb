"""Which names a file declares unmatched, and every problem that stops it being imported."""

from collections.abc import Mapping
from typing import Any

from interagency.catalogue.interchange import Problem, validate_document


def declare_unmatched(document: dict[str, Any]) -> dict[str, Any]:
    """List under each pathway's ``unmatched`` the names its catalogue has no course for.

    The names are kept as the source wrote them (the model keeps such items,
    without a course); declaring them lets the file be imported again, while a
    name that matches nothing and was not declared is refused as a mistake.
    """
    pathways = document.get("pathways") or []
    for problem in validate_document(document, strict=False):
        if problem.kind == "unmatched" and 0 < problem.row <= len(pathways):
            declared = pathways[problem.row - 1].setdefault("unmatched", [])
            if problem.value not in declared:
                declared.append(problem.value)
    return document


def import_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Every problem that stops ``document`` being imported: strict, but for declared names."""
    pathways = document.get("pathways") or []

    def declared(problem: Problem) -> bool:
        if not (problem.kind == "unmatched" and 0 < problem.row <= len(pathways)):
            return False
        pathway = pathways[problem.row - 1]
        names = pathway.get("unmatched") if isinstance(pathway, Mapping) else None
        return isinstance(names, list) and problem.value in names

    allowed = {_key(p) for p in validate_document(document, strict=False) if declared(p)}
    return [p for p in validate_document(document, strict=True) if _key(p) not in allowed]


def _key(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.sheet, problem.row, str(problem.column), str(problem.value))
