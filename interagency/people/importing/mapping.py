"""Mapping a file's columns to our fields, and a file's contract words to employment types.

The coordinator or agency lead confirms the column suggestion; it is
remembered per agency (``ColumnMapping``) and wins over names the next time.
The contract words are suggested here and confirmed on the preview.
"""

from __future__ import annotations

import difflib
import re

# Our fields, in the order the mapping form shows them, with their labels.
FIELDS: dict[str, str] = {
    "full_name": "Full name",
    "forename": "Forename (first name), when the name is in two columns",
    "surname": "Surname (last name), when the name is in two columns",
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
    # Only for an import whose agency is taken from the file (each row's own agency).
    "organisation": "Organisation or employer",
}
# The fields an import for one chosen agency leaves out.
ORGANISATION_FIELDS = ("organisation",)
# The person's name is one full-name column or the forename and surname columns.
NAME_FIELDS = ("full_name", "forename", "surname")
# Columns the rejected-rows download adds; a corrected download is uploaded with them.
DOWNLOAD_ONLY_HEADERS = frozenset({"row", "problems"})

# Other names HR systems give our fields (compared after normalising).
SYNONYMS: dict[str, list[str]] = {
    "full_name": ["full name", "name", "employee name", "staff name", "employee", "person"],
    "forename": ["forename", "first name", "given name", "first names", "forenames", "firstname"],
    "surname": ["surname", "last name", "family name", "lastname"],
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
    "organisation": ["organization", "employer", "agency", "company", "trust", "org"],
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
    by_normal = {
        _normalise(header): header
        for header in headers
        if header and _normalise(header) not in DOWNLOAD_ONLY_HEADERS
    }
    # Two name columns are looked for first: a "Name" column is then not the full name.
    for field_name in ("forename", "surname", *FIELDS):
        if field_name in mapping or (
            field_name == "full_name" and {"forename", "surname"} <= mapping.keys()
        ):
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


def missing_columns(
    columns: dict[str, str],
    required: frozenset[str] | set[str],
    *,
    agency_from_file: bool = False,
) -> dict[str, str]:
    """``{field: message}`` for what the partnership requires of every row but no column holds.

    ``required`` holds ``ImportSettings.Required`` values. The agency is the
    upload's, or, for an import whose agency comes from the file
    (``agency_from_file``), the organisation column's: that column is then needed.
    """
    chosen = {name for name, header in columns.items() if header}
    missing: dict[str, str] = {}
    if agency_from_file and "organisation" not in chosen:
        missing["organisation"] = (
            "Choose the column that holds the organisation or employer: "
            "each person's agency is taken from it."
        )
    has_two_columns = {"forename", "surname"} <= chosen
    if "full_name" not in chosen and not has_two_columns:
        missing["full_name"] = (
            "Choose the column that holds the full name, or the forename and surname columns."
        )
    if "email_or_staff_number" in required and not chosen & {"work_email", "external_id"}:
        missing["work_email"] = (
            "Choose the column that holds the work email or the staff number: "
            "every person needs one."
        )
    for name in ("work_email", "external_id", "job_title", "started_on", "employment_type"):
        if name in required and name not in chosen:
            missing[name] = (
                f"Choose the column that holds the {FIELDS[name].lower()}: every person needs one."
            )
    return missing


# The words staff lists use for a contract, normalised, and the employment type each means.
CONTRACT_WORDS: dict[str, str] = {
    "permanent": "permanent",
    "perm": "permanent",
    "substantive": "permanent",
    "employed": "permanent",
    "full time": "permanent",
    "part time": "permanent",
    "agency": "agency_locum",
    "agency or locum": "agency_locum",
    "agency locum": "agency_locum",
    "locum": "agency_locum",
    "bank": "agency_locum",
    "interim": "agency_locum",
    "contractor": "agency_locum",
    "temporary": "temporary",
    "temp": "temporary",
    "fixed term": "temporary",
    "fixed term contract": "temporary",
    "ftc": "temporary",
    "secondment": "temporary",
    "seconded": "temporary",
    "casual": "temporary",
    "zero hours": "temporary",
    "volunteer": "volunteer",
    "voluntary": "volunteer",
    "unpaid": "volunteer",
    "student": "student",
    "trainee": "student",
    "placement": "student",
    "student on placement": "student",
    "student or trainee on placement": "student",
    "apprentice": "student",
}
# Words that, anywhere in the text, say what it means ("Bank staff", "Student nurse").
_CONTRACT_HINTS = (
    ("fixed", "temporary"),
    ("temp", "temporary"),
    ("locum", "agency_locum"),
    ("bank", "agency_locum"),
    ("agency", "agency_locum"),
    ("volunt", "volunteer"),
    ("student", "student"),
    ("trainee", "student"),
    ("placement", "student"),
    ("permanent", "permanent"),
)


def contract_key(text: str) -> str:
    """The form of a contract word that the preview's table and the choices are keyed by."""
    return _normalise(text)


def suggest_employment_type(text: str) -> str:
    """The ``EmploymentType`` value a contract word most likely means, or "" if unsure."""
    key = contract_key(text)
    if key in CONTRACT_WORDS:
        return CONTRACT_WORDS[key]
    found = {meaning for hint, meaning in _CONTRACT_HINTS if hint in key}
    return found.pop() if len(found) == 1 else ""
