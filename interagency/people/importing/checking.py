"""Checking a staff list: every row against the agency's people, into a :class:`Plan`.

Nothing is written: the plan says what applying would create, update, leave
unchanged, mark as left or reject, with each row's problems (errors reject the
row, warnings keep it). A row without what the partnership requires of every
person (``ImportSettings``) is rejected. The rejected rows are kept with their
cells (``rejecting``) and offered back as a CSV to correct.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from interagency.core.validation import control_character_problem
from interagency.people.importing import mapping, posts
from interagency.people.importing.confirming import NO_ROLE, Choices, Confirmer
from interagency.people.importing.dates import parse_date
from interagency.people.importing.reading import Table
from interagency.people.models import Agency, EmploymentType, Person, Service

PROGRESS_EVERY = 1000
# Problems kept for the preview page; the rejected-rows CSV always has them all.
MAX_PROBLEMS_SHOWN = 1000

# What every row must have unless the partnership chose otherwise (ImportSettings.Required).
DEFAULT_REQUIRED = frozenset({"forename", "surname", "agency", "email_or_staff_number"})
_REQUIRED_COLUMNS = ("work_email", "external_id", "job_title", "started_on", "employment_type")

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
    # The file's contract words and unknown roles for the preview (confirming.Review.as_dict).
    review: dict = field(default_factory=dict)
    # The cells of each rejected row, by row number (for rejecting.keep_rejected).
    rejected_cells: dict[int, list[str]] = field(default_factory=dict)
    # Further posts (``posts``): (the plan's row creating the person, or {"pk": id}, the
    # post's values) to add, and (post id, the post's values after the update) to change.
    post_creates: list[tuple[dict, dict]] = field(default_factory=list)
    post_updates: list[tuple[int, dict]] = field(default_factory=list)
    # A full staff list: (post id, the day it ends) for each current further post of a person
    # in the file that no row of theirs names any more (``posts``).
    posts_ended: list[tuple[int, datetime.date]] = field(default_factory=list)
    # For an import whose agency comes from the file: (agency, its rows' plan) for each agency
    # named (``organisations.plan_by_organisation``); applied one agency at a time.
    parts: list[tuple[Agency, Plan]] = field(default_factory=list)
    # Roles the importer chose to create (``confirming``): role key → {"tier", "name"}; rows
    # hold ``confirming.new_role_marker(key)`` as their role id until applied.
    new_roles: dict[str, dict] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "marked_left": len(self.mark_left),
            "rejected": len(self.rejected_rows),
            "posts_created": len(self.post_creates),
            "posts_updated": len(self.post_updates),
            "posts_ended": len(self.posts_ended),
        }


@dataclass
class _Existing:
    by_external_id: dict[str, dict]
    by_email: dict[str, dict]
    # Current people (not gone by today): id → start date.
    current: dict[int, datetime.date | None]
    emails_to_ids: dict[str, int]


def _existing_people(agency: Agency, today: datetime.date) -> _Existing:
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
        if row["left_on"] is None or row["left_on"] > today:  # a leaving day to come: current
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
    required: frozenset[str] = DEFAULT_REQUIRED,
    choices: Choices | None = None,
    confirmer: Confirmer | None = None,
    tiers: Iterable = (),
) -> Plan:
    """Check every row against the agency's people and decide what applying would do.

    ``required`` is what every row must have (``ImportSettings.Required``
    values); ``choices`` the importer's answers for contract words and unknown
    roles (a row whose word or role has none is rejected until it has);
    ``confirmer`` one shared by the checks of several agencies' rows (else one of ``roles``);
    ``tiers`` those the importer may create an unknown role in.
    """
    today = today or timezone.localdate()
    index = {header: position for position, header in enumerate(table.headers)}
    positions = {name: index[header] for name, header in columns.items() if header in index}
    confirmer = confirmer or Confirmer(list(roles), choices or Choices(), tiers)
    services = {
        name.lower(): pk
        for pk, name in Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("pk", "name")
    }
    existing = _existing_people(agency, today)
    existing_posts = posts.existing_posts(agency)
    in_file: dict[int, posts.InFile] = {}  # by the row that first named the person
    first_row_of: dict[int, int] = {}  # an existing person's id → that row
    plan = Plan(rows_total=sum(1 for row in table.rows if row))
    file_emails: set[str] = set()
    if "work_email" in positions:
        at = positions["work_email"]
        file_emails = {row[at].lower() for row in table.rows if row and row[at]}
    seen_external: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    matched: set[int] = set()
    held_back: set[int] = set()  # people with a rejected row: their posts are left as they are
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
        values["full_name"] = _full_name(value, positions, required, problem)
        if len(values["full_name"]) > MAX_LENGTHS["full_name"]:
            name_column = "full_name" if value.get("full_name") else "surname"
            problem(
                name_column, f"The name must be {MAX_LENGTHS['full_name']} characters or fewer."
            )
        for name in ("job_title", "external_id", "registration_number", "service"):
            if len(value.get(name, "")) > MAX_LENGTHS[name]:
                problem(name, f"Must be {MAX_LENGTHS[name]} characters or fewer.")
        for name, text in value.items():
            if isinstance(text, str) and (bad := control_character_problem(text, multiline=False)):
                problem(name, f"This value {bad}")
        _check_required(value, positions, required, problem)
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
                role_id, reason = confirmer.role(role_text, number)
                if reason:
                    problem("role", reason)
                elif role_id != NO_ROLE:  # chosen "no role": a person's role is left as it was
                    values["role_id"] = role_id
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
            words = value["employment_type"].strip()
            if words:
                kind, reason = confirmer.employment_type(words, number)
                if reason:
                    problem("employment_type", reason)
                else:
                    values["employment_type"] = kind

        for name in ("started_on", "left_on"):
            if name in positions:
                text = value[name]
                if not text:
                    values[name] = None
                    continue
                try:
                    values[name] = parse_date(text, date_system=table.date_system)
                except ValueError:
                    problem(name, "Enter a real date, like 2024-03-31 or 31/03/2024.")
        started, left = values.get("started_on"), values.get("left_on")
        if started and left and left < started:
            problem("left_on", "The leaving date must be on or after the start date.")

        external_id = values.get("external_id", "")
        # Match: the work email first, then the agency's own staff number; an email whose
        # person holds another staff number is not theirs to match.
        match = existing.by_email.get(email.lower()) if email else None
        if (
            match is not None
            and external_id
            and match["external_id"]
            and match["external_id"] != external_id
        ):
            match = None
        by_number = existing.by_external_id.get(external_id) if external_id else None
        if match is not None and by_number is not None and by_number["pk"] != match["pk"]:
            problem(
                "external_id",
                f"This staff number belongs to {by_number['full_name']}, but the work email to "
                f"{match['full_name']}: correct one of them.",
            )
        match = match or by_number
        # A person an earlier row named (same email, else staff number): another post of theirs
        # when the service, role or job title differ; otherwise a duplicate.
        earlier, column, reason = _earlier_row(email, external_id, seen_email, seen_external)
        if (
            earlier is None
            and match is not None
            and match["pk"] in matched
            and not any(p.level == "error" for p in problems)
        ):
            earlier, column = first_row_of.get(match["pk"]), "work_email"
            reason = "This person is already in an earlier row: this row is a duplicate."
        same_person = in_file.get(earlier) if earlier is not None else None
        if same_person is not None and (
            posts.signature(values) in same_person.signatures
            or (column == "external_id" and email and email.lower() != same_person.email)
        ):
            same_person = None  # the same post again, or another email: a duplicate
        if earlier is not None and same_person is None:
            problem(column, reason)
        if external_id:
            seen_external.setdefault(external_id, number)
        if email:
            seen_email.setdefault(email.lower(), number)
        if match is not None and same_person is None:
            matched.add(match["pk"])
            first_row_of.setdefault(match["pk"], number)

        plan.problems.extend(problems)
        if any(p.level == "error" for p in problems):
            if match is not None:
                held_back.add(match["pk"])
            plan.rejected_rows.append(number)
            plan.rejected_cells[number] = row
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
        if same_person is not None:
            values["_row"] = number
            posts.plan_post(
                plan=plan,
                person=same_person,
                values=values,
                manager_email=manager_email,
                existing=existing_posts,
                emails_to_ids=existing.emails_to_ids,
            )
            continue
        if match is None:
            values.setdefault("employment_type", EmploymentType.PERMANENT)
            values["_row"] = number
            plan.creates.append(values)
            in_file[number] = posts.InFile(number, email.lower(), values, {posts.signature(values)})
            if manager_email:
                plan.line_managers.append((values, manager_email))
            continue
        in_file[number] = posts.InFile(
            number, email.lower(), {"pk": match["pk"]}, {posts.signature(values)}
        )
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
        plan.posts_ended = posts.posts_not_in_file(
            existing_posts, in_file.values(), held_back=held_back, today=today
        )
    plan.new_services = sorted(new_services.values(), key=str.lower)
    plan.review = confirmer.review.as_dict()
    plan.new_roles = dict(confirmer.new_roles)
    if on_progress:
        on_progress(done)
    return plan


def _earlier_row(
    email: str, external_id: str, seen_email: dict[str, int], seen_external: dict[str, int]
) -> tuple[int | None, str, str]:
    """The earlier row naming the same person (work email first, then staff number), with
    the column and the words for a duplicate; (None, "", "") when none did."""
    if email and email.lower() in seen_email:
        first = seen_email[email.lower()]
        return first, "work_email", f"Same work email as row {first}: this row is a duplicate."
    if external_id and external_id in seen_external:
        first = seen_external[external_id]
        words = f"Same staff number as row {first}: this row is a duplicate."
        return first, "external_id", words
    return None, "", ""


def _full_name(value: dict, positions: dict, required: frozenset[str], problem) -> str:
    """The row's name: its full-name column, else its forename and surname joined."""
    full_name = " ".join(value.get("full_name", "").split())
    forename = " ".join(value.get("forename", "").split())
    surname = " ".join(value.get("surname", "").split())
    if "full_name" in positions and (full_name or "forename" not in positions):
        if not full_name:
            problem("full_name", "Enter the person's full name: this row has none.")
        elif len(full_name.split()) < 2 and required & {"forename", "surname"}:
            problem(
                "full_name",
                f"Enter the person's forename and surname: '{full_name}' is only one name.",
            )
        return full_name
    for name, label in (("forename", "forename"), ("surname", "surname")):
        if not value.get(name, "").strip() and (name in required or not (forename or surname)):
            problem(name, f"Enter the person's {label}: this row has none.")
    return " ".join(part for part in (forename, surname) if part)


def _check_required(value: dict, positions: dict, required: frozenset[str], problem) -> None:
    """A problem for each field the partnership requires that the row leaves blank."""
    has_contact = value.get("work_email", "").strip() or value.get("external_id", "").strip()
    if "email_or_staff_number" in required and not has_contact:
        column = "work_email" if "work_email" in positions else "external_id"
        problem(column, "Enter a work email or a staff number: this row has neither.")
    for name in _REQUIRED_COLUMNS:
        if name in required and not value.get(name, "").strip():
            label = mapping.FIELDS[name].lower()
            problem(name, f"Enter the {label}: every person needs one, and this row has none.")
