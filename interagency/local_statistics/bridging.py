"""Find one authority's figure for one year across the reorganisations that changed its code.

Pure functions over figures already read, so the rule is tested on its own.
A figure is found, in order: under the code itself; under the other code of
a renamed authority (the same area); for an authority that was split, as the
sum of the new authorities' figures (they cover exactly its area). A new
authority's figure from before its split is not available: the old area's
figure covers more than it. A suppressed figure (``None``) is not available,
and so is a sum with one.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    kind: str  # "renamed" or "split"


@dataclass(frozen=True)
class Found:
    """A figure (``None``: not available) and how it was found, in words for the page."""

    value: int | None
    note: str = ""


NOT_PUBLISHED = "No figure is published for this authority and year."
SUPPRESSED = "The figure is suppressed (c, u or x) in the publication."


def find_figure(
    code: str,
    year: int,
    figures: Mapping[tuple[str, int], int | None],
    changes: Iterable[Change],
) -> Found:
    """The figure of ``code`` for ``year``, bridging a renamed or split authority's codes."""
    if (code, year) in figures:
        value = figures[(code, year)]
        return Found(value, "" if value is not None else SUPPRESSED)
    changes = list(changes)
    for change in changes:
        if change.kind != "renamed":
            continue
        other = change.old_code if change.new_code == code else None
        other = change.new_code if change.old_code == code else other
        if other and (other, year) in figures:
            value = figures[(other, year)]
            name = change.old_name if other == change.old_code else change.new_name
            return Found(value, f"Published under the code {other} ({name}).")
    parts = [change for change in changes if change.kind == "split" and change.old_code == code]
    if parts and all((part.new_code, year) in figures for part in parts):
        values = [figures[(part.new_code, year)] for part in parts]
        names = " and ".join(part.new_name for part in parts)
        if any(value is None for value in values):
            return Found(None, f"Part of the sum of {names} is suppressed.")
        return Found(sum(v for v in values if v is not None), f"The sum of {names}.")
    split_from = [c for c in changes if c.kind == "split" and c.new_code == code]
    if split_from and (split_from[0].old_code, year) in figures:
        return Found(
            None,
            f"Published only for {split_from[0].old_name} as a whole, before it was split.",
        )
    return Found(None, NOT_PUBLISHED)


def add_up(found: list[Found]) -> Found:
    """The figures of a partnership's several authorities together, or not available."""
    if not found:
        return Found(None, "The partnership names no local authority.")
    if any(item.value is None for item in found):
        return Found(None, " ".join(dict.fromkeys(item.note for item in found if item.note)))
    notes = " ".join(dict.fromkeys(item.note for item in found if item.note))
    return Found(sum(item.value for item in found if item.value is not None), notes)
