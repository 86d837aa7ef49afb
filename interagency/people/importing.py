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
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    mark_left: list[tuple[int, datetime.date | None]] = field(default_factory=list)
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
    current_ids: set[int]
    emails_to_ids: dict[str, int]


def _existing_people(agency: Agency) -> _Existing:
    rows = (
        Person.objects.filter(partnership_id=agency.partnership_id, agency=agency)
        .filter(merged_into__isnull=True)
        .values("pk", "line_manager_id", *PERSON_FIELDS)
    )
    by_external_id: dict[str, dict] = {}
    by_email: dict[str, dict] = {}
    current: set[int] = set()
    for row in rows:
        if row["external_id"]:
            by_external_id[row["external_id"]] = row
        if row["work_email"]:
            by_email.setdefault(row["work_email"].lower(), row)
        if row["left_on"] is None:
            current.add(row["pk"])
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
        for pk, name in Service.objects.filter(agency=agency).values_list("pk", "name")
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
        for pk in sorted(existing.current_ids - matched):
            plan.mark_left.append((pk, today))
    plan.new_services = sorted(new_services.values(), key=str.lower)
    if on_progress:
        on_progress(done)
    return plan


# --- Writing ------------------------------------------------------------------


def write_plan(plan: Plan, *, agency: Agency, today: datetime.date | None = None) -> None:
    """Carry out ``plan`` with bulk operations. Call inside one ``transaction.atomic``."""
    today = today or timezone.localdate()
    now = timezone.now()
    service_ids = _create_services(plan.new_services, agency)

    def service_for(values: dict) -> dict:
        if "service_name" in values:
            values = {**values, "service_id": service_ids[values["service_name"].lower()]}
        return values

    created = _create_people(plan, agency, service_for)

    update_fields = sorted({name for _, _, names in plan.updates for name in names})
    if plan.updates:
        people = []
        for pk, values, _ in plan.updates:
            values = service_for(values)
            person = Person(pk=pk, **{k: values[k] for k in PERSON_FIELDS})
            person.updated_at = now
            people.append(person)
        for start in range(0, len(people), BATCH_SIZE):
            _update_batch(people[start : start + BATCH_SIZE], [*update_fields, "updated_at"])

    _set_line_managers(plan, agency, created)

    if plan.mark_left:
        started = dict(
            Person.objects.filter(pk__in=[pk for pk, _ in plan.mark_left]).values_list(
                "pk", "started_on"
            )
        )
        leavers = []
        for pk, left_on in plan.mark_left:
            day = left_on or today
            start_day = started.get(pk)
            if start_day is not None and start_day > day:
                day = start_day  # someone due to start later leaves on their start date
            leavers.append(Person(pk=pk, left_on=day, updated_at=now))
        for start in range(0, len(leavers), BATCH_SIZE):
            _update_batch(leavers[start : start + BATCH_SIZE], ["left_on", "updated_at"])


def _create_services(names: list[str], agency: Agency) -> dict[str, int]:
    Service.objects.bulk_create(
        [Service(partnership_id=agency.partnership_id, agency=agency, name=n) for n in names]
    )
    return {
        name.lower(): pk
        for pk, name in Service.objects.filter(agency=agency).values_list("pk", "name")
    }


def _create_batch(people: list[Person]) -> list[Person]:
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


def _agency_emails(agency: Agency) -> dict[str, int]:
    """Work email (lower case) → id of the agency's unmerged people, current ones preferred."""
    emails: dict[str, int] = {}
    rows = (
        Person.objects.filter(agency=agency, merged_into__isnull=True)
        .exclude(work_email="")
        .values_list("pk", "work_email", "left_on")
    )
    for pk, email, left_on in rows:
        if left_on is None or email.lower() not in emails:
            emails[email.lower()] = pk
    return emails


def _create_people(plan: Plan, agency: Agency, service_for: Callable[[dict], dict]) -> dict:
    """Create the plan's new people, managers before their teams; ``{id(values): Person}``.

    Rows whose line manager is also new wait until the manager exists, so
    nearly everyone is created with their line manager already set (no
    second pass of updates); a loop of managers is broken by
    :func:`_set_line_managers` afterwards.
    """
    known = _agency_emails(agency) if plan.line_managers else {}
    manager_of = {id(values): email.lower() for values, email in plan.line_managers}
    new_emails = {v["work_email"].lower() for v in plan.creates if v.get("work_email")}
    created: dict[int, Person] = {}
    pending = list(plan.creates)
    while pending:
        ready: list[dict] = []
        waiting: list[dict] = []
        for values in pending:
            manager = manager_of.get(id(values), "")
            (waiting if manager in new_emails and manager not in known else ready).append(values)
        if not ready:  # managers in a loop: create them all, then set managers by update
            ready, waiting = waiting, []
        for start in range(0, len(ready), BATCH_SIZE):
            chunk = ready[start : start + BATCH_SIZE]
            batch = []
            for values in chunk:
                person = Person(
                    partnership_id=agency.partnership_id,
                    agency=agency,
                    **{k: v for k, v in service_for(values).items() if k in PERSON_FIELDS},
                )
                manager_id = known.get(manager_of.get(id(values), ""))
                if manager_id is not None:
                    person.line_manager_id = manager_id
                batch.append(person)
            for values, person in zip(chunk, _create_batch(batch), strict=True):
                created[id(values)] = person
                if person.work_email:
                    known.setdefault(person.work_email.lower(), person.pk)
        pending = waiting
    return created


def _set_line_managers(plan: Plan, agency: Agency, created: dict[int, Person]) -> None:
    """Set the line managers the creation could not (updated people, loops of managers)."""
    if not plan.line_managers:
        return
    emails = _agency_emails(agency)
    changes = []
    for values, manager_email in plan.line_managers:
        manager_id = emails.get(manager_email.lower()) if manager_email else None
        if "pk" in values:
            pk, current = values["pk"], values.get("_line_manager_id")
        else:
            person = created.get(id(values))
            if person is None:
                continue
            pk, current = person.pk, person.line_manager_id
            if manager_id is None:
                continue
        if manager_id in (pk, current):
            continue
        changes.append(Person(pk=pk, line_manager_id=manager_id))
    for start in range(0, len(changes), BATCH_SIZE):
        _update_batch(changes[start : start + BATCH_SIZE], ["line_manager"])


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
