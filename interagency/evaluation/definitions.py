"""Instrument definitions: the content of one version as plain data, checked.

The shipped templates are written in this shape, and a coordinator's own
instrument is built into it before it is saved, so both pass the same
checks: unique keys, known formats and levels, options only on multiple
choice, an answer key within range, no free text inside a scale, every
knowledge scale keyed. ``parse_definition`` names every problem by its path.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from interagency.core.validation import control_character_problem
from interagency.evaluation.errors import EvaluationError
from interagency.evaluation.formats import (
    KEYED,
    MAX_CHOICES,
    RATINGS,
    ResponseFormat,
    answer_range,
)
from interagency.evaluation.models import (
    ANSWERED_PERCENT,
    DEFAULT_ANSWERED_PERCENT,
    OutcomeLevel,
    Scoring,
)

KEY = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,58}[a-z0-9])?$")


@dataclass(frozen=True)
class ItemDefinition:
    key: str
    text: str
    response_format: str
    choices: tuple[str, ...] = ()
    correct_answer: int | None = None
    reverse_keyed: bool = False


@dataclass(frozen=True)
class ScaleDefinition:
    key: str
    name: str
    level: str
    scoring: str = Scoring.MEAN
    min_answered_percent: int = DEFAULT_ANSWERED_PERCENT
    preamble: str = ""
    items: tuple[ItemDefinition, ...] = ()
    subscales: tuple["ScaleDefinition", ...] = ()


@dataclass(frozen=True)
class InstrumentDefinition:
    introduction: str = ""
    scales: tuple[ScaleDefinition, ...] = ()
    # Items scored in no scale: free-text comments, questions for the record.
    items: tuple[ItemDefinition, ...] = ()

    def all_items(self) -> list[ItemDefinition]:
        found = list(self.items)
        for scale in self.all_scales():
            found.extend(scale.items)
        return found

    def all_scales(self) -> list[ScaleDefinition]:
        found: list[ScaleDefinition] = []
        todo = list(self.scales)
        while todo:
            scale = todo.pop(0)
            found.append(scale)
            todo[0:0] = scale.subscales
        return found


@dataclass
class _Checker:
    errors: dict[str, str] = field(default_factory=dict)
    item_keys: set[str] = field(default_factory=set)
    scale_keys: set[str] = field(default_factory=set)

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def text(self, data: dict, name: str, path: str, *, required: bool = True) -> str:
        value = data.get(name, "")
        if not isinstance(value, str):
            self.fail(f"{path}.{name}", "must be text.")
            return ""
        if required and not value.strip():
            self.fail(f"{path}.{name}", "is required.")
        problem = control_character_problem(value, multiline=True)
        if problem:
            self.fail(f"{path}.{name}", problem)
        return value.strip()

    def key(self, data: dict, path: str, seen: set[str]) -> str:
        key = self.text(data, "key", path)
        if key and not KEY.match(key):
            self.fail(f"{path}.key", "use lowercase letters, digits, hyphens and underscores.")
        elif key in seen:
            self.fail(f"{path}.key", f"{key!r} is used twice.")
        seen.add(key)
        return key

    def item(self, data: Any, path: str, *, in_scale: bool) -> ItemDefinition | None:
        if not isinstance(data, dict):
            self.fail(path, "must be an object.")
            return None
        key = self.key(data, path, self.item_keys)
        text = self.text(data, "text", path)
        response_format = data.get("format")
        if response_format not in ResponseFormat.values:
            self.fail(f"{path}.format", f"choose one of {', '.join(ResponseFormat.values)}.")
            return None
        choices = data.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, str) and c for c in choices):
            self.fail(f"{path}.choices", "must be a list of option texts.")
            choices = []
        if response_format == ResponseFormat.MULTIPLE_CHOICE:
            if not 2 <= len(choices) <= MAX_CHOICES:
                self.fail(f"{path}.choices", f"give between 2 and {MAX_CHOICES} options.")
        elif choices:
            self.fail(f"{path}.choices", "only multiple-choice items have options.")
        correct = data.get("correct_answer")
        if correct is not None:
            if response_format not in KEYED:
                self.fail(f"{path}.correct_answer", "only yes/no and multiple choice have one.")
            elif not isinstance(correct, int) or isinstance(correct, bool):
                self.fail(f"{path}.correct_answer", "must be a whole number.")
            elif response_format not in (ResponseFormat.MULTIPLE_CHOICE,) or choices:
                low, high = answer_range(response_format, choices)
                if not low <= correct <= high:
                    self.fail(f"{path}.correct_answer", f"must be between {low} and {high}.")
        reverse = data.get("reverse_keyed", False)
        if not isinstance(reverse, bool):
            self.fail(f"{path}.reverse_keyed", "must be true or false.")
        elif reverse and response_format not in RATINGS:
            self.fail(f"{path}.reverse_keyed", "only rating items can be reverse keyed.")
        if in_scale and response_format == ResponseFormat.FREE_TEXT:
            self.fail(f"{path}.format", "free text cannot be scored in a scale.")
        return ItemDefinition(
            key=key,
            text=text,
            response_format=response_format,
            choices=tuple(choices),
            correct_answer=correct if isinstance(correct, int) else None,
            reverse_keyed=reverse is True,
        )

    def scale(self, data: Any, path: str) -> ScaleDefinition | None:
        if not isinstance(data, dict):
            self.fail(path, "must be an object.")
            return None
        key = self.key(data, path, self.scale_keys)
        name = self.text(data, "name", path)
        level = data.get("level")
        if level not in OutcomeLevel.values:
            self.fail(f"{path}.level", f"choose one of {', '.join(OutcomeLevel.values)}.")
        scoring = data.get("scoring", Scoring.MEAN)
        if scoring not in Scoring.values:
            self.fail(f"{path}.scoring", f"choose one of {', '.join(Scoring.values)}.")
        percent = data.get("min_answered_percent", DEFAULT_ANSWERED_PERCENT)
        if (
            not isinstance(percent, int)
            or isinstance(percent, bool)
            or not ANSWERED_PERCENT.minimum <= percent <= ANSWERED_PERCENT.maximum
        ):
            self.fail(f"{path}.min_answered_percent", "must be a whole number from 1 to 100.")
            percent = DEFAULT_ANSWERED_PERCENT
        items = self.many(data, "items", path, lambda d, p: self.item(d, p, in_scale=True))
        subscales = self.many(data, "subscales", path, self.scale)
        if not items and not subscales:
            self.fail(f"{path}.items", "a scale needs at least one item.")
        if scoring == Scoring.PERCENT_CORRECT:
            for number, item in enumerate(items):
                if item.correct_answer is None:
                    self.fail(
                        f"{path}.items[{number}].correct_answer",
                        "a knowledge scale's items each need their right answer.",
                    )
        return ScaleDefinition(
            key=key,
            name=name,
            level=str(level),
            scoring=str(scoring),
            min_answered_percent=percent,
            preamble=self.text(data, "preamble", path, required=False),
            items=tuple(items),
            subscales=tuple(subscales),
        )

    def many(self, data: dict, name: str, path: str, parse) -> list:
        values = data.get(name, [])
        if not isinstance(values, list):
            self.fail(f"{path}.{name}", "must be a list.")
            return []
        parsed = [parse(value, f"{path}.{name}[{number}]") for number, value in enumerate(values)]
        return [value for value in parsed if value is not None]


def parse_definition(data: Any) -> InstrumentDefinition:
    """Check ``data`` and return its definition, or raise one error naming every problem."""
    checker = _Checker()
    if not isinstance(data, dict):
        raise EvaluationError("The instrument is not an object of scales and items.")
    scales = checker.many(data, "scales", "instrument", checker.scale)
    items = checker.many(
        data, "items", "instrument", lambda d, p: checker.item(d, p, in_scale=False)
    )
    introduction = checker.text(data, "introduction", "instrument", required=False)
    if not scales and not items:
        checker.fail("instrument", "an instrument needs at least one question.")
    if checker.errors:
        raise EvaluationError("The instrument has problems to fix.", errors=checker.errors)
    return InstrumentDefinition(introduction=introduction, scales=tuple(scales), items=tuple(items))


def combine(
    definitions: list[InstrumentDefinition], introduction: str = ""
) -> InstrumentDefinition:
    """One instrument asking the scales and items of several, in order (keys must not clash)."""
    scale_keys = [scale.key for d in definitions for scale in d.all_scales()]
    item_keys = [item.key for d in definitions for item in d.all_items()]
    clashes = sorted(
        {key for key in scale_keys if scale_keys.count(key) > 1}
        | {key for key in item_keys if item_keys.count(key) > 1}
    )
    if clashes:
        raise EvaluationError(
            "These parts use the same keys: " + ", ".join(clashes) + ".",
            errors=dict.fromkeys(clashes, "is used by more than one part."),
        )
    return InstrumentDefinition(
        introduction=introduction
        or "\n\n".join(d.introduction for d in definitions if d.introduction),
        scales=tuple(scale for d in definitions for scale in d.scales),
        items=tuple(item for d in definitions for item in d.items),
    )
