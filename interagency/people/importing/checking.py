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

from django.utils import timezone

from interagency.people.importing import posts
from interagency.people.importing.confirming import Choices, Confirmer
from interagency.people.importing.fields import ProblemFn, read_fields
from interagency.people.importing.reading import Table
from interagency.people.models import Agency, EmploymentType, Person, Service

PROGRESS_EVERY = 1000
# Problems kept for the preview page; the rejected-rows CSV always has them all.
MAX_PROBLEMS_SHOWN = 1000

# What every row must have unless the partnership chose otherwise (ImportSettings.Required).
DEFAULT_REQUIRED = frozenset({"forename", "surname", "agency", "email_or_staff_number"})

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


@dataclass
class _FileCheck:
    """What checking one file knows as it goes down the rows, and the plan it makes."""

    table: Table
    columns: dict[str, str]
    positions: dict[str, int]
    required: frozenset[str]
    confirmer: Confirmer
    services: dict[str, int]  # the agency's services by lower-case name
    existing: _Existing
    existing_posts: dict[tuple[int, tuple], dict]  # posts.existing_posts
    plan: Plan
    file_emails: set[str]  # every work email in the file, lower case
    in_file: dict[int, posts.InFile] = field(default_factory=dict)  # by the first row naming one
    first_row_of: dict[int, int] = field(default_factory=dict)  # an existing person's id → row
    seen_external: dict[str, int] = field(default_factory=dict)
    seen_email: dict[str, int] = field(default_factory=dict)
    matched: set[int] = field(default_factory=set)
    held_back: set[int] = field(default_factory=set)  # a rejected row's person: posts kept
    new_services: dict[str, str] = field(default_factory=dict)

    def check_row(self, number: int, cells: list[str]) -> None:
        """One row: its fields, the person it names, then what applying it would do."""
        value = {name: cells[position] for name, position in self.positions.items()}
        problems: list[Problem] = []

        def problem(column: str, message: str, level: str = "error") -> None:
            shown = self.columns.get(column, column)
            problems.append(Problem(number, shown, value.get(column, ""), message, level))

        values = read_fields(
            value,
            positions=self.positions,
            required=self.required,
            confirmer=self.confirmer,
            services=self.services,
            date_system=self.table.date_system,
            number=number,
            problem=problem,
        )
        email = value.get("work_email", "")
        match, same_person = self.match_person(number, email, values, problems, problem)
        self.plan.problems.extend(problems)
        if any(p.level == "error" for p in problems):
            if match is not None:
                self.held_back.add(match["pk"])
            self.plan.rejected_rows.append(number)
            self.plan.rejected_cells[number] = cells
            return
        self.note_new_service(number, values)
        manager_email, unknown_manager = self.line_manager(number, value, email)
        if same_person is not None:
            values["_row"] = number
            posts.plan_post(
                plan=self.plan,
                person=same_person,
                values=values,
                manager_email=manager_email,
                existing=self.existing_posts,
                emails_to_ids=self.existing.emails_to_ids,
            )
        elif match is None:
            self.plan_create(number, email, values, manager_email)
        else:
            self.plan_update(number, email, values, match, manager_email, unknown_manager)

    def match_person(
        self, number: int, email: str, values: dict, problems: list[Problem], problem: ProblemFn
    ) -> tuple[dict | None, posts.InFile | None]:
        """The agency's person the row names, and the person an earlier row named if this
        row is another post of theirs; a duplicate or a clash of email and staff number is
        a problem."""
        external_id = values.get("external_id", "")
        # Match: the work email first, then the agency's own staff number; an email whose
        # person holds another staff number is not theirs to match.
        match = self.existing.by_email.get(email.lower()) if email else None
        if (
            match is not None
            and external_id
            and match["external_id"]
            and match["external_id"] != external_id
        ):
            match = None
        by_number = self.existing.by_external_id.get(external_id) if external_id else None
        if match is not None and by_number is not None and by_number["pk"] != match["pk"]:
            problem(
                "external_id",
                f"This staff number belongs to {by_number['full_name']}, but the work email to "
                f"{match['full_name']}: correct one of them.",
            )
        match = match or by_number
        # A person an earlier row named (same email, else staff number): another post of theirs
        # when the service, role or job title differ; otherwise a duplicate.
        earlier, column, reason = _earlier_row(
            email, external_id, self.seen_email, self.seen_external
        )
        if (
            earlier is None
            and match is not None
            and match["pk"] in self.matched
            and not any(p.level == "error" for p in problems)
        ):
            earlier, column = self.first_row_of.get(match["pk"]), "work_email"
            reason = "This person is already in an earlier row: this row is a duplicate."
        same_person = self.in_file.get(earlier) if earlier is not None else None
        if same_person is not None and (
            posts.signature(values) in same_person.signatures
            or (column == "external_id" and email and email.lower() != same_person.email)
        ):
            same_person = None  # the same post again, or another email: a duplicate
        if earlier is not None and same_person is None:
            problem(column, reason)
        self.remember(number, email, external_id, match if same_person is None else None)
        return match, same_person

    def remember(self, number: int, email: str, external_id: str, match: dict | None) -> None:
        """The row's email and staff number, and the person it matched, for later rows."""
        if external_id:
            self.seen_external.setdefault(external_id, number)
        if email:
            self.seen_email.setdefault(email.lower(), number)
        if match is not None:
            self.matched.add(match["pk"])
            self.first_row_of.setdefault(match["pk"], number)

    def note_new_service(self, number: int, values: dict) -> None:
        """A service the agency does not have: added when applied, told once."""
        name = values.get("service_name")
        if name is None or name.lower() in self.new_services:
            return
        self.new_services[name.lower()] = name
        message = "A new service: it will be added to the agency."
        self.plan.problems.append(Problem(number, self.columns["service"], name, message, "info"))

    def line_manager(self, number: int, value: dict, email: str) -> tuple[str, bool]:
        """The line manager's work email, unless it is the person's own or no one's (a
        warning); and whether it was no one's."""
        manager_email = value.get("line_manager_email", "").strip()
        if "line_manager_email" in self.positions and manager_email.lower() == email.lower():
            manager_email = ""
        known = manager_email.lower() in self.file_emails or (
            manager_email.lower() in self.existing.by_email
        )
        if not manager_email or known:
            return manager_email, False
        self.plan.problems.append(
            Problem(
                number,
                self.columns["line_manager_email"],
                manager_email,
                "No one in the agency or the file has this work email; the line manager "
                "is not set.",
                "warning",
            )
        )
        return "", True

    def plan_create(self, number: int, email: str, values: dict, manager_email: str) -> None:
        values.setdefault("employment_type", EmploymentType.PERMANENT)
        values["_row"] = number
        self.plan.creates.append(values)
        signatures = {posts.signature(values)}
        self.in_file[number] = posts.InFile(number, email.lower(), values, signatures)
        if manager_email:
            self.plan.line_managers.append((values, manager_email))

    def plan_update(
        self,
        number: int,
        email: str,
        values: dict,
        match: dict,
        manager_email: str,
        unknown_manager: bool,
    ) -> None:
        """The fields that change of the person matched; unchanged when none does."""
        signatures = {posts.signature(values)}
        self.in_file[number] = posts.InFile(number, email.lower(), {"pk": match["pk"]}, signatures)
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
            self.plan.updates.append((match["pk"], {**match, **changes}, names))
        else:
            self.plan.unchanged += 1
        if "line_manager_email" in self.positions and not unknown_manager:
            self.plan.line_managers.append(
                ({"pk": match["pk"], "_line_manager_id": match["line_manager_id"]}, manager_email)
            )

    def plan_leavers(self, today: datetime.date) -> None:
        """A full staff list: the agency's current people it does not name leave, and the
        further posts of the people it names that none of their rows names end."""
        for pk in sorted(self.existing.current.keys() - self.matched):
            started = self.existing.current[pk]
            # Someone due to start later leaves on their start date.
            self.plan.mark_left.append((pk, started if started and started > today else today))
        self.plan.posts_ended = posts.posts_not_in_file(
            self.existing_posts, self.in_file.values(), held_back=self.held_back, today=today
        )


def _start_check(
    agency: Agency,
    table: Table,
    columns: dict[str, str],
    required: frozenset[str],
    confirmer: Confirmer,
    today: datetime.date,
) -> _FileCheck:
    """What the checks compare rows with: the agency's services, people and posts."""
    index = {header: position for position, header in enumerate(table.headers)}
    positions = {name: index[header] for name, header in columns.items() if header in index}
    services = {
        name.lower(): pk
        for pk, name in Service.objects.for_partnership(agency.partnership)
        .filter(agency=agency)
        .values_list("pk", "name")
    }
    file_emails: set[str] = set()
    if "work_email" in positions:
        at = positions["work_email"]
        file_emails = {row[at].lower() for row in table.rows if row and row[at]}
    return _FileCheck(
        table=table,
        columns=columns,
        positions=positions,
        required=required,
        confirmer=confirmer,
        services=services,
        existing=_existing_people(agency, today),
        existing_posts=posts.existing_posts(agency),
        plan=Plan(rows_total=sum(1 for row in table.rows if row)),
        file_emails=file_emails,
    )


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
    confirmer = confirmer or Confirmer(list(roles), choices or Choices(), tiers)
    check = _start_check(agency, table, columns, required, confirmer, today)
    done = 0
    for number, row in table.numbered_rows():
        if not row:
            continue
        done += 1
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done)
        check.check_row(number, row)
    plan = check.plan
    if full_staff_list:
        check.plan_leavers(today)
    plan.new_services = sorted(check.new_services.values(), key=str.lower)
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
