"""Mapping a file's columns to our fields: the fields, and suggestions from header names.

The coordinator or agency lead confirms the suggestion; it is remembered per
agency (``ColumnMapping``) and wins over names the next time.
"""

from __future__ import annotations

import difflib
import re

# Our fields, in the order the mapping form shows them, with their labels.
FIELDS: dict[str, str] = {
    "full_name": "Full name",
    "work_email": "Work email",
    "job_title": "Job title",
    "role": "Role (as the catalogue names it)",
    "service": "Service or team",
    "line_manager_email": "Line manager's work email",
    "employment_type": "Employment type",
    "started_on": "Start date",
    "left_on": "Leaving date",
    "external_id": "Staff or HR number",
    "registration_number": "Professional registration number",
}
REQUIRED_FIELDS = frozenset({"full_name"})

# Other names HR systems give our fields (compared after normalising).
SYNONYMS: dict[str, list[str]] = {
    "full_name": ["full name", "name", "employee name", "staff name", "employee", "person"],
    "work_email": ["work email", "email", "email address", "e-mail", "work e-mail"],
    "job_title": ["job title", "title", "position", "post", "job"],
    "role": ["role", "training role", "safeguarding role", "staff group"],
    "service": ["service", "team", "department", "unit", "directorate"],
    "line_manager_email": ["line manager email", "manager email", "line manager", "manager"],
    "employment_type": ["employment type", "contract type", "contract", "employment"],
    "started_on": ["start date", "started", "started on", "date started", "joined"],
    "left_on": ["leaving date", "left", "left on", "end date", "date left"],
    "external_id": ["external id", "employee number", "staff number", "hr number", "id"],
    "registration_number": ["registration number", "registration", "gmc", "nmc", "pin"],
}


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def suggest_mapping(headers: list[str], remembered: dict[str, str] | None = None) -> dict:
    """``{field: header}`` for the columns that look like our fields.

    A mapping remembered for the agency wins where its headers are still in
    the file; the rest are matched on names and their common synonyms.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field_name, known in (remembered or {}).items():
        if field_name in FIELDS and known in headers and known not in taken:
            mapping[field_name] = known
            taken.add(known)
    by_normal = {_normalise(header): header for header in headers if header}
    for field_name in FIELDS:
        if field_name in mapping:
            continue
        candidates = [_normalise(field_name.replace("_", " ")), *SYNONYMS[field_name]]
        header: str | None = None
        for candidate in candidates:
            header = by_normal.get(candidate)
            if header and header not in taken:
                break
            close = difflib.get_close_matches(
                candidate, [n for n, h in by_normal.items() if h not in taken], n=1, cutoff=0.85
            )
            header = by_normal[close[0]] if close else None
            if header:
                break
        if header:
            mapping[field_name] = header
            taken.add(header)
    return mapping
