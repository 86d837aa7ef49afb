"""Published results shown beside a partnership's own: ``data/published_results.json``.

Entered only from the project's collected published facts (the Bristol study
of inter-agency safeguarding training); no means or effect sizes were
published in the sources found, so each entry keeps what its source states:
direction and significance, with the study's n and citation. ``scale_key``
names the shipped template scale it speaks to (empty when the study
reported several scales together).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PUBLISHED_RESULTS = Path(__file__).resolve().parent / "data" / "published_results.json"
FIELDS = (
    "study",
    "course_type",
    "category",
    "scale",
    "scale_key",
    "n",
    "direction",
    "significance",
    "citation",
)


@dataclass(frozen=True)
class PublishedResult:
    study: str
    course_type: str
    category: str
    scale: str
    scale_key: str
    n: int
    direction: str
    significance: str
    citation: str


@dataclass(frozen=True)
class PublishedResults:
    source: str
    results: tuple[PublishedResult, ...]


@cache
def published_results() -> PublishedResults:
    """The reference set, checked: every field present, n a positive whole number."""
    data = json.loads(PUBLISHED_RESULTS.read_text(encoding="utf-8"))
    found = []
    for number, entry in enumerate(data["results"], start=1):
        missing = [name for name in FIELDS if name not in entry]
        if missing or set(entry) - set(FIELDS):
            raise ValueError(f"Published result {number}: fields must be exactly {FIELDS}.")
        if not isinstance(entry["n"], int) or entry["n"] < 1:
            raise ValueError(f"Published result {number}: n must be a positive whole number.")
        found.append(PublishedResult(**entry))
    return PublishedResults(source=data["source"], results=tuple(found))
