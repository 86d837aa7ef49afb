"""Framework documents as JSON files: one given by path, or one shipped in ``catalogue/data/``."""

import json
from collections.abc import Sequence
from importlib import resources
from typing import Any


def load_document(path: str) -> dict[str, Any]:
    """A document from a JSON file (UTF-8)."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def frameworks_directory() -> Sequence[str]:
    """The slugs of the frameworks shipped in ``catalogue/data/``."""
    files = resources.files("interagency.catalogue").joinpath("data")
    return sorted(
        entry.name.removesuffix(".json")
        for entry in files.iterdir()
        if entry.name.endswith(".json")
    )


def shipped_document(slug: str) -> dict[str, Any]:
    """The shipped document ``slug`` (competence-matters, intercollegiate-health)."""
    text = resources.files("interagency.catalogue").joinpath(f"data/{slug}.json").read_text("utf-8")
    return json.loads(text)
