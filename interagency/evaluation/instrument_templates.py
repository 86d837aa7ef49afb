"""The instrument templates Interagency ships, read from ``data/instrument_templates/``.

Written in our own words for inter-agency safeguarding training: confidence,
attitudes, knowledge on a short case, reactions, and follow-ups on practice
for the learner and the line manager. Each file is an instrument definition
(``definitions.parse_definition``) with a key, a name and a description.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from interagency.evaluation.definitions import InstrumentDefinition, parse_definition
from interagency.evaluation.errors import EvaluationError

TEMPLATE_DIRECTORY = Path(__file__).resolve().parent / "data" / "instrument_templates"


@dataclass(frozen=True)
class InstrumentTemplate:
    key: str
    name: str
    description: str
    definition: InstrumentDefinition


@cache
def shipped_templates() -> dict[str, InstrumentTemplate]:
    """Every shipped template by key, checked as any definition is."""
    templates = {}
    for path in sorted(TEMPLATE_DIRECTORY.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            definition = parse_definition(data)
        except EvaluationError as error:
            raise ValueError(f"The shipped template {path.name} is broken: {error}") from error
        templates[data["key"]] = InstrumentTemplate(
            key=data["key"],
            name=data["name"],
            description=data["description"],
            definition=definition,
        )
    return templates


def template(key: str) -> InstrumentTemplate:
    try:
        return shipped_templates()[key]
    except KeyError:
        raise EvaluationError(
            f"There is no template called {key!r}.", errors={"templates": f"unknown: {key}"}
        ) from None
