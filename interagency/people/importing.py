"""People import: read an agency's staff list (CSV or XLSX), map its columns, check it, write it.

The steps are separate so each can be shown to the person importing:

1. :func:`read_table` turns the uploaded bytes into a header and rows of text,
   refusing what is not a staff list (wrong type, too big, no header row,
   mixed encodings, formulas).
2. :func:`suggest_mapping` proposes which column holds which of our fields;
   the coordinator or agency lead confirms it, and it is remembered per agency.
3. :func:`plan_import` checks every row and decides, without writing, what
   would be created, updated, left unchanged, marked as left or rejected.
4. :func:`write_plan` carries the plan out with bulk operations. The caller
   (``services.apply_people_import``) wraps it in one transaction, so an
   import is applied whole or not at all.

Reading and planning only read the database, so a background worker can
report progress from them in short transactions of its own; the writing is
one transaction at the end (on SQLite a long write transaction would hold the
only write lock, and progress could not be recorded beside it).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Field
from django.utils import timezone

from interagency.people.models import Agency, EmploymentType, Person, Service

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A workbook is a zip: its parts may expand far beyond the upload (a zip bomb).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
BATCH_SIZE = 1000
PROGRESS_EVERY = 1000
# Problems kept for the preview page; the rejected-rows CSV always has them all.
MAX_PROBLEMS_SHOWN = 1000

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

EMPLOYMENT_WORDS: dict[str, str] = {
    **{choice.value: choice.value for choice in EmploymentType},
    **{str(choice.label).lower(): choice.value for choice in EmploymentType},
    "agency": EmploymentType.AGENCY_LOCUM,
    "locum": EmploymentType.AGENCY_LOCUM,
    "bank": EmploymentType.AGENCY_LOCUM,
    "temp": EmploymentType.TEMPORARY,
    "fixed term": EmploymentType.TEMPORARY,
    "volunteer": EmploymentType.VOLUNTEER,
}

# The fields a row sets on a person, in the order they are compared.
PERSON_FIELDS = (
    "full_name",
    "work_email",
    "job_title",
    "role_id",
    "service_id",
    "employment_type",
    "started_on",
    "left_on",
    "external_id",
    "registration_number",
)
MAX_LENGTHS = {
    "full_name": 150,
    "job_title": 150,
    "external_id": 64,
    "registration_number": 64,
    "service": 200,
    "work_email": 254,
}


class ImportFileError(Exception):
    """The file cannot be read as a staff list; the message says why, for the uploader."""


@dataclass
class Table:
    """A staff list as text: the header row and the data rows (row numbers start at 2)."""

    headers: list[str]
    rows: list[list[str]]
    first_row_number: int = 2

    def numbered_rows(self) -> Iterable[tuple[int, list[str]]]:
        return enumerate(self.rows, start=self.first_row_number)


# --- Reading ------------------------------------------------------------------


def read_table(content: bytes, file_name: str) -> Table:
    """The header and rows of an uploaded CSV or XLSX file, or :class:`ImportFileError`."""
    if not content:
        raise ImportFileError("The selected file is empty.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
        )
    name = file_name.lower()
    if content.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xlsm")):
            raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file.")
        rows = _xlsx_rows(content)
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        raise ImportFileError(
            "The selected file is not an Excel (.xlsx) workbook. Save it as .xlsx or CSV."
        )
    elif name.endswith((".csv", ".txt", ".tsv")) or not name.rpartition(".")[1]:
        rows = _csv_rows(content)
    else:
        raise ImportFileError("The selected file must be a CSV or an Excel (.xlsx) file.")
    return _table(rows)


def _table(rows: list[list[str]]) -> Table:
    # Skip blank lines before the header; drop blank rows after it.
    start = 0
    while start < len(rows) and not any(cell.strip() for cell in rows[start]):
        start += 1
    if start == len(rows):
        raise ImportFileError("The selected file has no rows.")
    headers = [cell.strip() for cell in rows[start]]
    if _looks_like_data(headers):
        raise ImportFileError(
            "The first row of the file must be a header row naming the columns "
            "(such as Name, Email, Job title). The first row looks like a person's details."
        )
    named = [header for header in headers if header]
    if len({h.lower() for h in named}) != len(named):
        raise ImportFileError(
            "The header row must name each column once: two columns share a name."
        )
    width = len(headers)
    data: list[list[str]] = []
    for row in rows[start + 1 :]:
        if not any(cell.strip() for cell in row):
            data.append([])  # kept so row numbers match the file; skipped when planning
            continue
        cells = [cell.strip() for cell in row[:width]]
        data.append(cells + [""] * (width - len(cells)))
    while data and not data[-1]:
        data.pop()
    return Table(headers=headers, rows=data, first_row_number=start + 2)


_DATA_LIKE = re.compile(r"@|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$|^\d+(\.\d+)?$")


def _looks_like_data(headers: list[str]) -> bool:
    """True when the first row holds values (an email, a date, a number), or no names at all."""
    if not any(headers):
        return True
    return any(_DATA_LIKE.search(header) for header in headers if header)


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode_csv(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without a byte order mark), else Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _mixed_encodings(content, error) from error
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(content):
            raise _mixed_encodings(content, error) from error
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as cp_error:
            raise ImportFileError(
                "The selected file is not a text (CSV) file. Save it as CSV UTF-8 and try again."
            ) from cp_error
    if "\x00" in text:
        raise ImportFileError(
            "The selected file is not a text (CSV) file. Save it as CSV UTF-8 and try again."
        )
    return text


def _mixed_encodings(content: bytes, error: UnicodeDecodeError) -> ImportFileError:
    line = content[: error.start].count(b"\n") + 1
    return ImportFileError(
        "The selected file mixes text encodings (some of it is UTF-8, some is not, "
        f"first on line {line}). Open it in a spreadsheet and save it as CSV UTF-8."
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    text = decode_csv(content)
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        raise ImportFileError(f"The selected file is not a valid CSV file: {error}.") from error


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """Cell values of the first sheet as text; formulas are refused, not evaluated."""
    import openpyxl  # defusedxml is installed, so openpyxl refuses XML entity attacks

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) workbook.") from error
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            "The selected workbook is too large once opened. Split it or save it as CSV."
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise ImportFileError("The selected file is not a valid Excel (.xlsx) workbook.") from error
    try:
        sheet = workbook.worksheets[0]
        rows: list[list[str]] = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise ImportFileError(
                        f"The workbook has a formula in cell {cell.coordinate}. Copy the "
                        "sheet and paste values only, then upload it again."
                    )
                cells.append(_cell_text(cell.value))
            rows.append(cells)
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Mapping ------------------------------------------------------------------


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


# --- Planning -----------------------------------------------------------------


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str
    level: str = "error"  # "error" rejects the row; "warning" keeps it; "info" only tells

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value[:200],
            "message": self.message,
            "level": self.level,
        }


@dataclass
class Plan:
    """What applying the file would do; nothing is written while it is made."""

    creates: list[dict] = field(default_factory=list)
    # (person id, the person's values after the update, the names that change)
    updates: list[tuple[int, dict, frozenset[str]]] = field(default_factory=list)
    unchanged: int = 0
    # (person id, the day they are marked as left)
    mark_left: list[tuple[int, datetime.date]] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_services: list[str] = field(default_factory=list)
    # (row's work email or person id, line manager email) resolved after creating.
    line_managers: list[tuple[dict, str]] = field(default_factory=list)
    rows_total: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "marked_left": len(self.mark_left),
            "rejected": len(self.rejected_rows),
        }


# --- Keeping a plan from the preview to the apply --------------------------------
#
# Checking 100,000 rows takes seconds. The preview keeps its plan (compressed
# JSON) with a fingerprint of everything the plan was made from: the file, the
# columns, the day, the agency's people (how many, the newest id, the latest
# change), its services and the partnership's roles. Applying uses the kept
# plan when the fingerprint is unchanged, and checks every row again otherwise.

_DATE_KEYS = ("started_on", "left_on")


def plan_fingerprint(
    *,
    agency: Agency,
    file_sha256: str,
    columns: dict[str, str],
    roles: Iterable,
    full_staff_list: bool,
    today: datetime.date | None = None,
) -> str:
    """A digest of what :func:`plan_import` reads; changes whenever a plan could differ."""
    from django.db.models import Count, Max

    people = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .aggregate(count=Count("pk"), newest=Max("pk"), changed=Max("updated_at"))
    )
    services = list(
        Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .order_by("pk")
        .values_list("pk", "name")
    )
    parts = [
        file_sha256,
        sorted(columns.items()),
        full_staff_list,
        (today or timezone.localdate()).isoformat(),
        [people["count"], people["newest"], str(people["changed"])],
        services,
        sorted((role.pk, role.name) for role in roles),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def dump_plan(plan: Plan) -> bytes:
    """The plan as compressed JSON, to keep beside the import."""
    index = {id(values): number for number, values in enumerate(plan.creates)}
    managers = [
        ["c", index[id(values)], email]
        if id(values) in index
        else ["u", values["pk"], values.get("_line_manager_id"), email]
        for values, email in plan.line_managers
    ]
    data = {
        "version": 1,
        "creates": plan.creates,
        "updates": [[pk, values, sorted(names)] for pk, values, names in plan.updates],
        "unchanged": plan.unchanged,
        "mark_left": plan.mark_left,
        "rejected_rows": plan.rejected_rows,
        "problems": [[p.row, p.column, p.value, p.message, p.level] for p in plan.problems],
        "new_services": plan.new_services,
        "line_managers": managers,
        "rows_total": plan.rows_total,
    }
    text = json.dumps(data, default=lambda day: day.isoformat(), separators=(",", ":"))
    return zlib.compress(text.encode(), 1)


def load_plan(data: bytes) -> Plan:
    """The plan :func:`dump_plan` kept."""
    raw = json.loads(zlib.decompress(data))
    if raw.get("version") != 1:
        raise ValueError("A plan kept by another version.")
    fromiso = datetime.date.fromisoformat

    def dates(values: dict) -> dict:
        for key in _DATE_KEYS:
            if isinstance(values.get(key), str):
                values[key] = fromiso(values[key])
        return values

    creates = [dates(values) for values in raw["creates"]]
    line_managers: list[tuple[dict, str]] = []
    for entry in raw["line_managers"]:
        if entry[0] == "c":
            line_managers.append((creates[entry[1]], entry[2]))
        else:
            line_managers.append(({"pk": entry[1], "_line_manager_id": entry[2]}, entry[3]))
    return Plan(
        creates=creates,
        updates=[(pk, dates(values), frozenset(names)) for pk, values, names in raw["updates"]],
        unchanged=raw["unchanged"],
        mark_left=[(pk, fromiso(day)) for pk, day in raw["mark_left"]],
        rejected_rows=raw["rejected_rows"],
        problems=[Problem(*problem) for problem in raw["problems"]],
        new_services=raw["new_services"],
        line_managers=line_managers,
        rows_total=raw["rows_total"],
    )


def parse_date(text: str) -> datetime.date:
    """A date written as 2024-03-31 (ISO) or 31/03/2024 (UK); ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        year, month, day = text.split("-")
    elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day, month, year = text.split("/")
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


@dataclass
class _Existing:
    by_external_id: dict[str, dict]
    by_email: dict[str, dict]
    # Current people (not left): id → start date.
    current: dict[int, datetime.date | None]
    emails_to_ids: dict[str, int]


def _existing_people(agency: Agency) -> _Existing:
    rows = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .filter(merged_into__isnull=True)
        .values("pk", "line_manager_id", *PERSON_FIELDS)
    )
    by_external_id: dict[str, dict] = {}
    by_email: dict[str, dict] = {}
    current: dict[int, datetime.date | None] = {}
    for row in rows:
        if row["external_id"]:
            by_external_id[row["external_id"]] = row
        if row["work_email"]:
            by_email.setdefault(row["work_email"].lower(), row)
        if row["left_on"] is None:
            current[row["pk"]] = row["started_on"]
    return _Existing(by_external_id, by_email, current, {k: v["pk"] for k, v in by_email.items()})


def plan_import(
    *,
    agency: Agency,
    table: Table,
    columns: dict[str, str],
    roles: Iterable,
    full_staff_list: bool,
    today: datetime.date | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Plan:
    """Check every row against the agency's people and decide what applying would do."""
    today = today or timezone.localdate()
    index = {header: position for position, header in enumerate(table.headers)}
    positions = {name: index[header] for name, header in columns.items() if header in index}
    roles_by_name = {role.name.lower(): role for role in roles}
    role_names = [role.name for role in roles_by_name.values()]
    services = {
        name.lower(): pk
        for pk, name in Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("pk", "name")
    }
    existing = _existing_people(agency)
    plan = Plan(rows_total=sum(1 for row in table.rows if row))
    file_emails: set[str] = set()
    if "work_email" in positions:
        at = positions["work_email"]
        file_emails = {row[at].lower() for row in table.rows if row and row[at]}
    seen_external: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    matched: set[int] = set()
    new_services: dict[str, str] = {}
    done = 0

    for number, row in table.numbered_rows():
        if not row:
            continue
        done += 1
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done)
        value = {name: row[position] for name, position in positions.items()}
        problems: list[Problem] = []

        def problem(
            column: str, message: str, level: str = "error", *, n=number, v=value, out=problems
        ) -> None:
            out.append(Problem(n, columns.get(column, column), v.get(column, ""), message, level))

        values: dict = {}
        full_name = " ".join(value.get("full_name", "").split())
        if not full_name:
            problem("full_name", "Enter the person's full name: this row has none.")
        values["full_name"] = full_name
        for name in ("full_name", "job_title", "external_id", "registration_number", "service"):
            if len(value.get(name, "")) > MAX_LENGTHS[name]:
                problem(name, f"Must be {MAX_LENGTHS[name]} characters or fewer.")
        for name in ("job_title", "external_id", "registration_number"):
            if name in positions:
                values[name] = value[name]

        email = value.get("work_email", "")
        if "work_email" in positions:
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    problem(
                        "work_email",
                        "Enter a work email in the correct format, like name@example.org.",
                    )
            values["work_email"] = email

        if "role" in positions:
            role_text = value["role"]
            if role_text:
                role = roles_by_name.get(role_text.lower())
                if role is None:
                    close = difflib.get_close_matches(role_text, role_names, n=3, cutoff=0.5)
                    hint = f" Did you mean {' or '.join(close)}?" if close else ""
                    problem(
                        "role",
                        f"No role called '{role_text}' in the partnership's catalogue; the role "
                        f"is left as it was.{hint}",
                        "warning",
                    )
                else:
                    values["role_id"] = role.pk
            else:
                values["role_id"] = None

        if "service" in positions:
            service_text = " ".join(value["service"].split())
            if service_text:
                key = service_text.lower()
                if key in services:
                    values["service_id"] = services[key]
                else:
                    values["service_name"] = service_text
            else:
                values["service_id"] = None

        if "employment_type" in positions:
            kind = value["employment_type"].strip().lower()
            if kind:
                if kind in EMPLOYMENT_WORDS:
                    values["employment_type"] = EMPLOYMENT_WORDS[kind]
                else:
                    choices = ", ".join(str(c.label) for c in EmploymentType)
                    problem(
                        "employment_type",
                        f"Employment type must be one of {choices}; it is left as it was.",
                        "warning",
                    )

        for name in ("started_on", "left_on"):
            if name in positions:
                text = value[name]
                if not text:
                    values[name] = None
                    continue
                try:
                    values[name] = parse_date(text)
                except ValueError:
                    problem(name, "Enter a real date, like 2024-03-31 or 31/03/2024.")
        started, left = values.get("started_on"), values.get("left_on")
        if started and left and left < started:
            problem("left_on", "The leaving date must be on or after the start date.")

        external_id = values.get("external_id", "")
        if external_id and external_id in seen_external:
            problem(
                "external_id",
                f"Same staff number as row {seen_external[external_id]}: this row is a duplicate.",
            )
        elif email and email.lower() in seen_email:
            problem(
                "work_email",
                f"Same work email as row {seen_email[email.lower()]}: this row is a duplicate.",
            )

        # Match: the agency's own id first, then the work email.
        match = existing.by_external_id.get(external_id) if external_id else None
        if match is None and email:
            candidate = existing.by_email.get(email.lower())
            if candidate is not None and not (
                external_id and candidate["external_id"] and candidate["external_id"] != external_id
            ):
                match = candidate
        if (
            match is not None
            and match["pk"] in matched
            and not any(p.level == "error" for p in problems)
        ):
            problem(
                "work_email", "This person is already in an earlier row: this row is a duplicate."
            )
        if external_id:
            seen_external.setdefault(external_id, number)
        if email:
            seen_email.setdefault(email.lower(), number)
        if match is not None:
            matched.add(match["pk"])

        plan.problems.extend(problems)
        if any(p.level == "error" for p in problems):
            plan.rejected_rows.append(number)
            continue

        if "service_name" in values and values["service_name"].lower() not in new_services:
            new_services[values["service_name"].lower()] = values["service_name"]
            plan.problems.append(
                Problem(
                    number,
                    columns["service"],
                    values["service_name"],
                    "A new service: it will be added to the agency.",
                    "info",
                )
            )
        manager_email = value.get("line_manager_email", "").strip()
        if "line_manager_email" in positions and manager_email.lower() == (email or "").lower():
            manager_email = ""
        unknown_manager = bool(manager_email) and not (
            manager_email.lower() in file_emails or manager_email.lower() in existing.by_email
        )
        if unknown_manager:
            plan.problems.append(
                Problem(
                    number,
                    columns["line_manager_email"],
                    manager_email,
                    "No one in the agency or the file has this work email; the line manager "
                    "is not set.",
                    "warning",
                )
            )
            manager_email = ""
        if match is None:
            values.setdefault("employment_type", EmploymentType.PERMANENT)
            values["_row"] = number
            plan.creates.append(values)
            if manager_email:
                plan.line_managers.append((values, manager_email))
            continue
        changes = {
            name: new
            for name, new in values.items()
            if name in PERSON_FIELDS and match[name] != new
        }
        if "service_name" in values:
            changes["service_name"] = values["service_name"]
        if changes:
            names = frozenset(changes) - {"service_name"}
            if "service_name" in changes:
                names |= {"service_id"}
            plan.updates.append((match["pk"], {**match, **changes}, names))
        else:
            plan.unchanged += 1
        if "line_manager_email" in positions and not unknown_manager:
            plan.line_managers.append(
                ({"pk": match["pk"], "_line_manager_id": match["line_manager_id"]}, manager_email)
            )

    if full_staff_list:
        for pk in sorted(existing.current.keys() - matched):
            started = existing.current[pk]
            # Someone due to start later leaves on their start date.
            plan.mark_left.append((pk, started if started and started > today else today))
    plan.new_services = sorted(new_services.values(), key=str.lower)
    if on_progress:
        on_progress(done)
    return plan


# --- Writing ------------------------------------------------------------------
#
# Creating people is most of an import's writing. Django's ``bulk_create``
# builds a model instance and compiles every value of every row (about 0.2 ms
# a row: 20 s for 100,000 people), so new people are inserted by one
# parameterised INSERT run by ``executemany`` per batch, with values prepared
# by the model's own fields. Rows are prepared before the write transaction
# begins (:func:`prepare_writes`); inside it only the ids of new services and
# new line managers are filled in, so SQLite's write lock is held for the SQL
# alone.

# The Person columns an import inserts, in order; the others take their NULL default.
INSERT_FIELDS = (
    "partnership",
    "agency",
    *(
        name.removesuffix("_id") if name in ("role_id", "service_id") else name
        for name in PERSON_FIELDS
    ),
    "line_manager",
    "created_at",
    "updated_at",
)
_SERVICE_AT = INSERT_FIELDS.index("service")
_MANAGER_AT = INSERT_FIELDS.index("line_manager")


def _field(name: str) -> Field:
    return cast(Field, Person._meta.get_field(name))


@dataclass
class Writes:
    """A plan turned into rows of column values, ready for :func:`write_prepared`."""

    new_services: list[str]
    # Waves of new people (managers before their teams): (plan row, column values,
    # new service's lower-case name or "", manager's lower-case email or "").
    waves: list[list[tuple[dict, list, str, str]]]
    # Whether a wave's people manage people of a later wave (their ids are then read back).
    waves_manage: list[bool]
    updates: list[tuple[int, dict]]
    update_fields: list[str]
    leavers: list[Person]
    line_managers: list[tuple[dict, str]]
    known_emails: dict[str, int]


def prepare_writes(plan: Plan, *, agency: Agency) -> Writes:
    """Turn ``plan`` into column values; reads the agency's emails, writes nothing."""
    from django.db import connection

    now = timezone.now()
    stamp = _field("updated_at").get_db_prep_save(now, connection)
    dates: dict[datetime.date, object] = {}
    date_field = _field("started_on")

    def prep_date(value: datetime.date | None) -> object:
        if value is None:
            return None
        if value not in dates:
            dates[value] = date_field.get_db_prep_save(value, connection)
        return dates[value]

    known = _agency_emails(agency) if plan.line_managers else {}
    manager_of = {id(values): email.lower() for values, email in plan.line_managers}
    new_emails = {v["work_email"].lower() for v in plan.creates if v.get("work_email")}
    waves: list[list[tuple[dict, list, str, str]]] = []
    will_know = set(known)
    pending = list(plan.creates)
    while pending:
        ready: list[dict] = []
        waiting: list[dict] = []
        for values in pending:
            manager = manager_of.get(id(values), "")
            blocked = manager in new_emails and manager not in will_know
            (waiting if blocked else ready).append(values)
        if not ready:  # managers in a loop: create them all, then set managers by update
            ready, waiting = waiting, []
        wave = []
        for values in ready:
            row = [
                agency.partnership_id,
                agency.pk,
                values["full_name"],
                values.get("work_email", ""),
                values.get("job_title", ""),
                values.get("role_id"),
                values.get("service_id"),
                values["employment_type"],
                prep_date(values.get("started_on")),
                prep_date(values.get("left_on")),
                values.get("external_id", ""),
                values.get("registration_number", ""),
                None,
                stamp,
                stamp,
            ]
            new_service = values["service_name"].lower() if "service_name" in values else ""
            wave.append((values, row, new_service, manager_of.get(id(values), "")))
            if values.get("work_email"):
                will_know.add(values["work_email"].lower())
        waves.append(wave)
        pending = waiting
    # A wave's ids are read back only when a later wave names its people as managers.
    waves_manage = [False] * len(waves)
    managers_later: set[str] = set()
    for number in range(len(waves) - 1, -1, -1):
        wave = waves[number]
        emails = {values["work_email"].lower() for values, *_ in wave if values.get("work_email")}
        waves_manage[number] = not managers_later.isdisjoint(emails)
        managers_later |= {manager for *_, manager in wave if manager}

    updates = []
    for pk, values, _ in plan.updates:
        updates.append((pk, values))
    update_fields = sorted({name for _, _, names in plan.updates for name in names})
    leavers = [Person(pk=pk, left_on=day, updated_at=now) for pk, day in plan.mark_left]
    return Writes(
        new_services=plan.new_services,
        waves=waves,
        waves_manage=waves_manage,
        updates=updates,
        update_fields=update_fields,
        leavers=leavers,
        line_managers=plan.line_managers,
        known_emails=known,
    )


def write_plan(plan: Plan, *, agency: Agency) -> None:
    """Carry out ``plan``. Call inside one ``transaction.atomic``; prefer preparing first."""
    write_prepared(prepare_writes(plan, agency=agency), agency=agency)


def write_prepared(writes: Writes, *, agency: Agency) -> None:
    """Write what :func:`prepare_writes` prepared. Call inside one ``transaction.atomic``."""
    now = timezone.now()
    service_ids = _create_services(writes.new_services, agency)
    created = _create_people(writes, agency, service_ids)

    if writes.updates:
        people = []
        for pk, values in writes.updates:
            if "service_name" in values:
                values = {**values, "service_id": service_ids[values["service_name"].lower()]}
            person = Person(pk=pk, **{k: values[k] for k in PERSON_FIELDS})
            person.updated_at = now
            people.append(person)
        fields = [*writes.update_fields, "updated_at"]
        for start in range(0, len(people), BATCH_SIZE):
            _update_batch(people[start : start + BATCH_SIZE], fields)

    _set_line_managers(writes, agency, created)

    for start in range(0, len(writes.leavers), BATCH_SIZE):
        _update_batch(writes.leavers[start : start + BATCH_SIZE], ["left_on", "updated_at"])


def _create_services(names: list[str], agency: Agency) -> dict[str, int]:
    if not names:
        return {}
    Service.objects.bulk_create(
        [Service(partnership_id=agency.partnership_id, agency=agency, name=n) for n in names]
    )
    return {
        name.lower(): pk
        for pk, name in Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("pk", "name")
    }


def _columns() -> tuple[str, str]:
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(_field(name).column or name) for name in INSERT_FIELDS)
    return quote(Person._meta.db_table), columns


def _create_batch(rows: list[list]) -> None:
    """Insert new people from prepared column values.

    SQLite runs in the process: one prepared INSERT run by ``executemany`` is
    fastest. PostgreSQL runs each statement of an ``executemany`` on its own
    (about 0.2 ms a row here), and a many-row INSERT costs psycopg seconds
    turning its placeholders into PostgreSQL's, so PostgreSQL gets ``COPY``.
    """
    from django.db import connection

    table, columns = _columns()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(INSERT_FIELDS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        cursor.executemany(sql, rows)


def _create_people_returning_ids(people: list[Person]) -> list[Person]:
    """The few new people whose ids are needed at once (their line manager is set later)."""
    return Person.objects.bulk_create(people)


def _update_batch(people: list[Person], fields: list[str]) -> None:
    """Set ``fields`` of each person to the values ``people`` hold, by primary key.

    One parameterised UPDATE run for many rows (``executemany``) rather than
    ``bulk_update``, whose CASE expression per field and row costs seconds of
    Python for a few thousand people. Values are prepared by the model's own
    fields; the ids come from the agency's people read by the plan.
    """
    from django.db import connection

    columns: list[Field] = [Person._meta.get_field(name) for name in fields]  # type: ignore[misc]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column or column.name)} = %s" for column in columns)
    table = quote(Person._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 (names from the model)
    rows = [
        [column.get_db_prep_save(getattr(person, column.attname), connection) for column in columns]
        + [person.pk]
        for person in people
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _agency_emails(agency: Agency, *, newer_than: int = 0) -> dict[str, int]:
    """Work email (lower case) → id of the agency's unmerged people, current ones preferred."""
    emails: dict[str, int] = {}
    rows = (
        Person.objects.for_partnership(agency.partnership)
        .filter(agency=agency, merged_into__isnull=True, pk__gt=newer_than)
        .exclude(work_email="")
        .values_list("pk", "work_email", "left_on")
    )
    for pk, email, left_on in rows:
        if left_on is None or email.lower() not in emails:
            emails[email.lower()] = pk
    return emails


def _create_people(writes: Writes, agency: Agency, service_ids: dict[str, int]) -> dict:
    """Insert the prepared new people wave by wave; ``{id(plan row): Person}`` of the few
    created with their ids (those whose line manager could not be set on creation).

    A wave's managers are known when it is inserted, so nearly everyone is
    created with their line manager already set; a loop of managers, or a
    manager whose email this import changes, is set by :func:`_set_line_managers`.
    """
    from django.db.models import Max

    known = dict(writes.known_emails)
    created: dict[int, Person] = {}
    for wave, manages in zip(writes.waves, writes.waves_manage, strict=True):
        newest = 0
        if manages:  # the people of this wave are those with a greater id
            # cross-partnership: the highest id in the table, a watermark, reads no row
            newest = Person.objects.aggregate(newest=Max("pk"))["newest"] or 0
        rows: list[list] = []
        later: list[tuple[dict, Person]] = []
        for values, row, new_service, manager in wave:
            if new_service:
                row[_SERVICE_AT] = service_ids[new_service]
            if manager:
                manager_id = known.get(manager)
                if manager_id is None:
                    later.append((values, _person_of(values, agency, row[_SERVICE_AT])))
                    continue
                row[_MANAGER_AT] = manager_id
            rows.append(row)
        for start in range(0, len(rows), BATCH_SIZE):
            _create_batch(rows[start : start + BATCH_SIZE])
        for start in range(0, len(later), BATCH_SIZE):
            chunk = later[start : start + BATCH_SIZE]
            people = _create_people_returning_ids([person for _, person in chunk])
            for (values, _), person in zip(chunk, people, strict=True):
                created[id(values)] = person
        if manages:
            for email, pk in _agency_emails(agency, newer_than=newest).items():
                known.setdefault(email, pk)
        for person in created.values():
            if person.work_email:
                known.setdefault(person.work_email.lower(), person.pk)
    return created


def _person_of(values: dict, agency: Agency, service_id: int | None) -> Person:
    fields = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    fields["service_id"] = service_id
    return Person(partnership_id=agency.partnership_id, agency=agency, **fields)


def _set_line_managers(writes: Writes, agency: Agency, created: dict[int, Person]) -> None:
    """Set the line managers the creation could not (updated people, loops of managers)."""
    pending = [
        (values, email)
        for values, email in writes.line_managers
        if "pk" in values or id(values) in created
    ]
    if not pending:
        return
    emails = _agency_emails(agency)
    changes = []
    for values, manager_email in pending:
        manager_id = emails.get(manager_email.lower()) if manager_email else None
        if "pk" in values:
            pk, current = values["pk"], values.get("_line_manager_id")
        else:
            person = created[id(values)]
            pk, current = person.pk, person.line_manager_id
            if manager_id is None:
                continue
        if manager_id in (pk, current):
            continue
        changes.append(Person(pk=pk, line_manager_id=manager_id, updated_at=timezone.now()))
    for start in range(0, len(changes), BATCH_SIZE):
        _update_batch(changes[start : start + BATCH_SIZE], ["line_manager", "updated_at"])


# --- Rejected rows --------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def rejected_rows_file_name(file_name: str) -> str:
    """A safe download name for the rejected rows of ``file_name``."""
    stem = file_name.rsplit(".", 1)[0][:80] or "import"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)
    return f"{safe}-rejected-rows.csv"


def rejected_rows_csv(table: Table, plan: Plan) -> str:
    """The rejected rows as they were in the file, with the row number and the reasons."""
    reasons: dict[int, list[str]] = {}
    for problem in plan.problems:
        if problem.level == "error":
            reasons.setdefault(problem.row, []).append(f"{problem.column}: {problem.message}")
    rejected = set(plan.rejected_rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(c) for c in ["Row", *table.headers, "Problems"]])
    for number, row in table.numbered_rows():
        if number in rejected:
            cells = [str(number), *row, "; ".join(reasons.get(number, []))]
            writer.writerow([neutralise(cell) for cell in cells])
    return out.getvalue()
