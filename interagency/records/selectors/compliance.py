"""Compliance counted by the database: every person's required courses in one statement.

The training status page needs, for every person it may list, the status of
each course their roles require: the summary counts and the worst-first order
depend on all of them. Python over 80,000 people took seconds, so one SQL
statement (the same text on SQLite and PostgreSQL) works them out, and the
page then reads 25 people's details (``selectors.training_status``).

The statement's steps, as common table expressions:

- ``cur``: the people asked about (the caller's queryset, compiled: visibility
  and filters stay the ORM's), current on the day;
- ``sources``: each one's roles with the date the window counts from: the main
  role from their start date, each current further post's from its own;
- ``needs``: what each role's pathway requires (``required_courses``), with the
  pathway's window and the item's (else the course's) refresh interval;
- ``cut``: for every month count 0–120, the dates before which a start or a
  completion is overdue, or due soon (``statuses.due_before``): the months are
  added in Python, once, so the SQL only compares dates;
- ``latest``: each person's latest full completion of each course;
- ``booked``: the courses they hold a live booking for on a coming session (any
  partnership's: a regional place counts; reached only through these people);
- ``courses``: one row per person and required course with its status's rank
  in ``STATUS_ORDER`` (a course two roles require: the worse), booked
  replacing overdue, due soon and not yet due;
- ``worst``: each person's worst rank (no role: ``NO_ROLE``; roles requiring
  nothing: ``DONE``), what the page sorts and filters on.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from interagency.catalogue.models import PathwayItem
from interagency.catalogue.selectors import catalogue_courses, roles_of
from interagency.core.validation import MONTHS
from interagency.people.models import Agency, Person, Post
from interagency.records.models import TrainingRecord
from interagency.records.statuses import STATUS_ORDER, Status, due_before, due_soon_until
from interagency.tenancy.models import Partnership

RANK = {status.value: STATUS_ORDER.index(status) for status in STATUS_ORDER}
BOOKABLE_RANKS = ", ".join(
    str(RANK[status]) for status in (Status.OVERDUE, Status.DUE_SOON, Status.NOT_YET_DUE)
)
# delivery's LIVE_STATUSES and its scheduled session, by value: records sits below
# delivery and does not import it (tests/test_booked.py checks they agree).
LIVE_BOOKING_STATUSES = ("awaiting", "confirmed", "waiting", "offered")
SCHEDULED_SESSION = "scheduled"

# delivery's Booking and Session, reached through the record's booking (no import).
BOOKING: Any = TrainingRecord._meta.get_field("booking").related_model
SESSION: Any = BOOKING._meta.get_field("session").related_model


def required_courses(partnership: Partnership) -> QuerySet[Any]:
    """Each role's required courses of the partnership's catalogue (hidden ones too):
    ``(role_id, course_id, window_months, refresh_months)``, the refresh interval
    the item's own else the course's (an item's 0 means the course's)."""
    return (
        PathwayItem.objects.filter(
            kind=PathwayItem.Kind.REQUIRED,
            pathway__role__in=roles_of(partnership).values("pk"),
            course__in=catalogue_courses(partnership, include_hidden=True).values("pk"),
        )
        .values_list(
            "pathway__role_id",
            "course_id",
            "pathway__window_months",
            Coalesce(NullIf("repeat_every_months", Value(0)), "course__refresh_months"),
        )
        .order_by()
    )


def coming_from(today: datetime.date) -> datetime.datetime:
    """Midnight starting ``today`` in London: a session ending after it is still to come."""
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def compiled(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    return queryset.query.sql_with_params()


def cut_table(today: datetime.date) -> tuple[str, list[Any]]:
    """``VALUES`` rows (months, overdue before, due soon before) for every month count."""
    soon = due_soon_until(today) + datetime.timedelta(days=1)
    adapt = connection.ops.adapt_datefield_value
    rows, params = [], []
    for months in range(MONTHS.minimum, MONTHS.maximum + 1):
        rows.append(f"({months}, %s, %s)")
        params += [adapt(due_before(months, today)), adapt(due_before(months, soon))]
    return "VALUES " + ", ".join(rows), params


# The WITH clause of every query of the page (see the module's docstring); names from the
# models, ranks from STATUS_ORDER, every value a parameter.
COMMON = """
WITH cur(id, role_id, started_on, agency_id, full_name) AS ({people}),
sources(person_id, role_id, started_on) AS (
  SELECT id, role_id, started_on FROM cur WHERE role_id IS NOT NULL
  UNION ALL
  SELECT po.person_id, po.role_id, COALESCE(po.started_on, c.started_on)
  FROM {post} po JOIN cur c ON c.id = po.person_id
  WHERE po.partnership_id = %s AND po.role_id IS NOT NULL
    AND (po.left_on IS NULL OR po.left_on > %s)
),
needs(role_id, course_id, window_months, refresh_months) AS ({needs}),
cut(months, overdue_before, soon_before) AS ({cut}),
latest(person_id, course_id, last_done) AS (
  SELECT person_id, course_id, MAX(completed_on) FROM {record}
  WHERE partnership_id = %s AND partly_completed = %s AND person_id IN (SELECT id FROM cur)
  GROUP BY person_id, course_id
),
booked(person_id, course_id) AS (
  SELECT DISTINCT b.person_id, s.course_id
  FROM {booking} b JOIN {session} s ON s.id = b.session_id
  WHERE b.status IN ({live}) AND s.status = %s AND s.ends_at >= %s
    AND b.person_id IN (SELECT id FROM cur)
),
grid(person_id, course_id, rank) AS (
  SELECT s.person_id, n.course_id, MIN(CASE
    WHEN l.last_done IS NULL THEN (CASE
      WHEN s.started_on IS NULL OR s.started_on < w.overdue_before THEN {overdue}
      WHEN s.started_on < w.soon_before THEN {due_soon}
      ELSE {not_yet_due} END)
    WHEN n.refresh_months IS NULL OR n.refresh_months = 0 THEN {done}
    WHEN l.last_done < r.overdue_before THEN {overdue}
    WHEN l.last_done < r.soon_before THEN {due_soon}
    ELSE {done} END)
  FROM sources s
  JOIN needs n ON n.role_id = s.role_id
  JOIN cut w ON w.months = n.window_months
  LEFT JOIN cut r ON r.months = n.refresh_months
  LEFT JOIN latest l ON l.person_id = s.person_id AND l.course_id = n.course_id
  GROUP BY s.person_id, n.course_id
),
courses(person_id, course_id, rank) AS (
  SELECT g.person_id, g.course_id,
    CASE WHEN g.rank IN ({bookable}) AND k.person_id IS NOT NULL THEN {booked}
    ELSE g.rank END
  FROM grid g LEFT JOIN booked k ON k.person_id = g.person_id AND k.course_id = g.course_id
),
roled(person_id) AS (SELECT DISTINCT person_id FROM sources),
most(person_id, rank) AS (SELECT person_id, MIN(rank) FROM courses GROUP BY person_id),
worst(id, full_name, agency_id, rank) AS (
  SELECT c.id, c.full_name, c.agency_id,
    CASE WHEN r.person_id IS NULL THEN {no_role} ELSE COALESCE(m.rank, {done}) END
  FROM cur c
  LEFT JOIN roled r ON r.person_id = c.id
  LEFT JOIN most m ON m.person_id = c.id
),
chosen(id, full_name, agency_id, rank) AS (
  SELECT id, full_name, agency_id, rank FROM worst w WHERE {condition}
)"""


@dataclass(frozen=True)
class ComplianceQuery:
    """The people of ``people`` current on ``today``, and the statement that ranks them."""

    partnership: Partnership
    people: QuerySet[Person]
    today: datetime.date
    status: str = ""

    def common(self) -> tuple[str, list[Any]]:
        """The ``WITH`` clause every query of the page starts from, and its parameters."""
        people_sql, people_params = compiled(
            self.people.values("pk", "role_id", "started_on", "agency_id", "full_name").order_by()
        )
        needs_sql, needs_params = compiled(required_courses(self.partnership))
        cut_sql, cut_params = cut_table(self.today)
        names = {
            "people": people_sql,
            "post": Post._meta.db_table,
            "needs": needs_sql,
            "cut": cut_sql,
            "record": TrainingRecord._meta.db_table,
            "booking": BOOKING._meta.db_table,
            "session": SESSION._meta.db_table,
            "live": ", ".join(["%s"] * len(LIVE_BOOKING_STATUSES)),
            "bookable": BOOKABLE_RANKS,
            "condition": self.status_condition(),
            **{name: RANK[name] for name in RANK},
        }
        sql = COMMON.format(**names)
        params = [
            *people_params,
            self.partnership.pk,
            connection.ops.adapt_datefield_value(self.today),
            *needs_params,
            *cut_params,
            self.partnership.pk,
            False,
            *LIVE_BOOKING_STATUSES,
            SCHEDULED_SESSION,
            connection.ops.adapt_datetimefield_value(coming_from(self.today)),
            *self.status_params(),
        ]
        return sql, params

    def status_condition(self) -> str:
        """Only people with at least one course in the status asked for (any, if none)."""
        if not self.status:
            return "1 = 1"
        if self.status == Status.NO_ROLE:
            return "w.rank = %s"
        return "EXISTS (SELECT 1 FROM courses k WHERE k.person_id = w.id AND k.rank = %s)"

    def status_params(self) -> list[int]:
        return [RANK[self.status]] if self.status else []

    def rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        common, common_params = self.common()
        with connection.cursor() as cursor:
            cursor.execute(common + "\n" + sql, [*common_params, *params])
            return cursor.fetchall()

    def person_ids(self, offset: int = 0, limit: int | None = None) -> list[int]:
        """The chosen people's ids, worst first, then by name (one query)."""
        page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(offset)}"
        sql = "SELECT id FROM chosen ORDER BY rank, full_name, id" + page  # noqa: S608 (integers)
        return [row[0] for row in self.rows(sql, [])]

    def summary(self) -> "Summary":
        """The chosen people's courses counted by status and agency, and the people
        by their worst status and agency (one query)."""
        no_role = RANK["no_role"]
        sql = f"""
SELECT a.id, a.name, x.kind, x.rank, x.number FROM (
  SELECT c.agency_id, 0 AS kind, k.rank, COUNT(*) AS number
  FROM chosen c JOIN courses k ON k.person_id = c.id GROUP BY c.agency_id, k.rank
  UNION ALL
  SELECT agency_id, 0, rank, COUNT(*) FROM chosen WHERE rank = {no_role} GROUP BY agency_id, rank
  UNION ALL
  SELECT agency_id, 1, rank, COUNT(*) FROM chosen GROUP BY agency_id, rank
) x JOIN {Agency._meta.db_table} a ON a.id = x.agency_id
WHERE a.partnership_id = %s
ORDER BY a.name, a.id"""  # noqa: S608 (table names from the models, ranks ours)
        summary = Summary()
        for agency_id, name, kind, rank, number in self.rows(sql, [self.partnership.pk]):
            summary.add(agency_id, name, STATUS_ORDER[rank].value, number, people=bool(kind))
        return summary


def empty_counts() -> dict[str, int]:
    return {status.value: 0 for status in STATUS_ORDER}


@dataclass
class AgencyCounts:
    name: str
    courses: dict[str, int] = field(default_factory=empty_counts)
    people: dict[str, int] = field(default_factory=empty_counts)


@dataclass
class Summary:
    """Courses by status (one per person and course; a person without a role counts once
    as ``no_role``) and people by their worst status, in total and by agency."""

    courses: dict[str, int] = field(default_factory=empty_counts)
    people: dict[str, int] = field(default_factory=empty_counts)
    agencies: dict[int, AgencyCounts] = field(default_factory=dict)

    def add(self, agency_id: int, name: str, status: str, number: int, *, people: bool) -> None:
        agency = self.agencies.setdefault(agency_id, AgencyCounts(name))
        (agency.people if people else agency.courses)[status] += number
        (self.people if people else self.courses)[status] += number

    @property
    def people_count(self) -> int:
        return sum(self.people.values())
