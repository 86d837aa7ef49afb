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
- ``booked``: the courses they hold a live booking for on a coming session (any
  partnership's: a regional place counts; reached only through these people);
- ``rules``: each requirement with its cut-off dates;
- ``grid``: one row per person and required course with its status's rank in
  ``STATUS_ORDER`` (a course two roles require: the worse), from the latest
  full completion (looked up by the records' index) or the start date;
- ``courses``: the same, booked replacing overdue, due soon and not yet due;
- ``worst``: each person's worst rank (no role: ``NO_ROLE``; roles requiring
  nothing: ``DONE``), what the page sorts and filters on;
- ``stored_people``, ``kept``: the people read from their stored standing for the
  day instead (``stored``), but those ranked live;
- ``tallies``: every person's courses counted by course tier and rank, ranked
  (``courses``) or stored (``StandingCourses``), what the summaries add up;
- ``chosen``: the people of ``worst`` and ``kept`` with a course in the status asked.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from interagency.catalogue.models import Course, PathwayItem
from interagency.catalogue.selectors import (
    catalogue_courses,
    counting_courses,
    hours_rules,
    roles_of,
)
from interagency.core.validation import MONTHS
from interagency.people.models import Agency, Person, Post
from interagency.records.models import ComplianceStanding, StandingCourses, TrainingRecord
from interagency.records.statuses import STATUS_ORDER, Status, due_before, due_soon_until
from interagency.tenancy.models import Partnership

RANK = {status.value: STATUS_ORDER.index(status) for status in STATUS_ORDER}
# A mark below every rank: a person with only this one has no role.
NOBODY = 99
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


# One required course's rank from a pair ``p`` (a person's source and a rule's cut-offs), from
# ``p.last``, the latest full completion of the course or of one counting for it (``done``:
# the people's records grouped once, materialised, and joined to every pair).
RANK_CASE = """CASE
    WHEN p.last IS NULL THEN (CASE
      WHEN p.started_on IS NULL OR p.started_on < p.start_overdue THEN {overdue}
      WHEN p.started_on < p.start_soon THEN {due_soon}
      ELSE {not_yet_due} END)
    WHEN p.repeats = 0 THEN {done}
    WHEN p.last < p.done_overdue THEN {overdue}
    WHEN p.last < p.done_soon THEN {due_soon}
    ELSE {done} END"""
# An hours-based person's one row (course 0): the hours of their full completions within
# the period of their highest level, against what it asks; a new starter has the period.
HOURS_CASE = """CASE
    WHEN COALESCE((SELECT SUM(t.hours) FROM {record} t
      WHERE t.person_id = x.person_id AND t.partnership_id = %s AND t.partly_completed = %s
        AND t.completed_on >= c.overdue_before), 0) >= x.needed THEN {done}
    WHEN x.started_on IS NULL OR x.started_on < c.overdue_before THEN {overdue}
    WHEN x.started_on < c.soon_before THEN {due_soon}
    ELSE {not_yet_due} END"""

# The WITH clause of every query of the page (see the module's docstring); names from the
# models, ranks from STATUS_ORDER, every value a parameter. Most people hold one role, so
# their rows need no merging: only people with several (``multi``) are grouped by course.
# Steps meet through ``IN (SELECT ...)`` and ``UNION ALL``; the one join of two common table
# expressions (``pairs`` to ``done``) joins a MATERIALIZED one, which both databases (SQLite
# 3.35 and PostgreSQL 12 on) compute once: a planner may run an unmaterialised one again for
# every row.
COMMON = """
WITH cur(id, role_id, started_on, agency_id, full_name) AS ({people}),
sources(person_id, agency_id, role_id, started_on) AS (
  SELECT id, agency_id, role_id, started_on FROM cur WHERE role_id IS NOT NULL
  UNION ALL
  SELECT po.person_id, p.agency_id, po.role_id, COALESCE(po.started_on, p.started_on)
  FROM {post} po JOIN {person} p ON p.id = po.person_id
  WHERE po.partnership_id = %s AND po.role_id IS NOT NULL
    AND (po.left_on IS NULL OR po.left_on > %s) AND po.person_id IN (SELECT id FROM cur)
),
needs(role_id, course_id, window_months, refresh_months) AS ({needs}),
counting(course_id, counts_for_id) AS ({counting}),
hourly(role_id, needed, period_months, tier_order) AS ({hourly}),
cut(months, overdue_before, soon_before) AS ({cut}),
rules(role_id, course_id, start_overdue, start_soon, done_overdue, done_soon, repeats) AS (
  SELECT n.role_id, n.course_id, w.overdue_before, w.soon_before, r.overdue_before,
    r.soon_before, CASE WHEN n.refresh_months IS NULL OR n.refresh_months = 0 THEN 0 ELSE 1 END
  FROM needs n JOIN cut w ON w.months = n.window_months
  LEFT JOIN cut r ON r.months = n.refresh_months
),
counted(course_id, counts_for_id) AS MATERIALIZED (
  SELECT course_id, course_id FROM needs UNION SELECT course_id, counts_for_id FROM counting
),
done(person_id, course_id, last) AS MATERIALIZED (
  SELECT t.person_id, c.counts_for_id, MAX(t.completed_on)
  FROM {record} t JOIN counted c ON c.course_id = t.course_id
  WHERE t.partnership_id = %s AND t.partly_completed = %s AND t.person_id IN (SELECT id FROM cur)
  GROUP BY t.person_id, c.counts_for_id
),
multi(person_id) AS (SELECT person_id FROM sources GROUP BY person_id HAVING COUNT(*) > 1),
pairs(person_id, agency_id, course_id, started_on, last, start_overdue, start_soon,
    done_overdue, done_soon, repeats) AS (
  SELECT s.person_id, s.agency_id, n.course_id, s.started_on, d.last, n.start_overdue,
    n.start_soon, n.done_overdue, n.done_soon, n.repeats
  FROM sources s JOIN rules n ON n.role_id = s.role_id
  LEFT JOIN done d ON d.person_id = s.person_id AND d.course_id = n.course_id
),
hours_needed(person_id, agency_id, needed, period_months, started_on) AS (
  SELECT s.person_id, MAX(s.agency_id), MAX(h.needed), MAX(h.period_months), MIN(s.started_on)
  FROM sources s JOIN hourly h ON h.role_id = s.role_id
  GROUP BY s.person_id
),
grid(person_id, agency_id, course_id, rank) AS (
  SELECT p.person_id, p.agency_id, p.course_id, {case}
  FROM pairs p WHERE p.person_id NOT IN (SELECT person_id FROM multi)
  UNION ALL
  SELECT p.person_id, p.agency_id, p.course_id, MIN({case})
  FROM pairs p WHERE p.person_id IN (SELECT person_id FROM multi)
  GROUP BY p.person_id, p.agency_id, p.course_id
  UNION ALL
  SELECT x.person_id, x.agency_id, 0, {hours_case}
  FROM hours_needed x JOIN cut c ON c.months = x.period_months
),
booked(person_id, course_id) AS (
  SELECT b.person_id, s.course_id
  FROM {booking} b JOIN {session} s ON s.id = b.session_id
  WHERE b.status IN ({live}) AND s.status = %s AND s.ends_at >= %s
    AND b.person_id IN (SELECT id FROM cur)
),
courses(person_id, agency_id, course_id, rank) AS (
  SELECT person_id, agency_id, course_id,
    CASE WHEN rank IN ({bookable})
      AND (person_id, course_id) IN (SELECT person_id, course_id FROM booked) THEN {booked}
    ELSE rank END
  FROM grid
),
worst(id, full_name, agency_id, role_id, rank) AS (
  SELECT person_id, MAX(full_name), MAX(agency_id), MAX(role_id),
    CASE WHEN MIN(rank) = {nobody} THEN {no_role} ELSE MIN(rank) END
  FROM (
    SELECT id AS person_id, {nobody} AS rank, full_name, agency_id, role_id FROM cur
    UNION ALL
    SELECT person_id, {done}, NULL, NULL, NULL FROM sources
    UNION ALL
    SELECT person_id, rank, NULL, NULL, NULL FROM courses
  ) marks
  GROUP BY person_id
),
stored_people(id, full_name, agency_id, role_id) AS MATERIALIZED ({stored_people}),
kept(id, full_name, agency_id, role_id, rank) AS (
  SELECT p.id, p.full_name, p.agency_id, p.role_id, s.rank
  FROM stored_people p JOIN {standing} s ON s.person_id = p.id AND s.as_of = %s
  WHERE p.id NOT IN (SELECT id FROM cur)
),
tallies(person_id, agency_id, tier_id, rank, number) AS (
  SELECT c.person_id, MAX(c.agency_id), co.tier_id, c.rank, COUNT(*)
  FROM courses c LEFT JOIN {course} co ON co.id = c.course_id
  GROUP BY c.person_id, co.tier_id, c.rank
  UNION ALL
  SELECT t.person_id, k.agency_id, t.tier_id, t.rank, t.courses
  FROM {tally} t JOIN kept k ON k.id = t.person_id
),
chosen(id, full_name, agency_id, role_id, rank) AS (
  SELECT id, full_name, agency_id, role_id, rank FROM worst WHERE {condition}
  UNION ALL
  SELECT id, full_name, agency_id, role_id, rank FROM kept WHERE {condition}
)"""
# ``stored_people`` when no stored standing is read: no rows, the same columns.
NOBODY_STORED = "SELECT id, full_name, agency_id, role_id FROM cur WHERE 1 = 0"


@dataclass(frozen=True)
class ComplianceQuery:
    """The people of ``people`` current on ``today``, and the statement that ranks them.

    ``stored``: more people, each with a standing for ``today`` that holds, read from it
    and their stored course counts (``StandingCourses``) instead of ranked (decision 0035);
    people without one, or also in ``people``, are not read from it. Every step after
    ``worst`` (``chosen``, ``tallies``) covers both.
    """

    partnership: Partnership
    people: QuerySet[Person]
    today: datetime.date
    status: str = ""
    stored: QuerySet[Person] | None = None

    def stored_people(self) -> tuple[str, list[Any]]:
        """The ``stored_people`` step: ``stored``, read first (materialised: joined to the
        standings before a line manager's visibility filter, PostgreSQL ran that filter
        against all 100,000 standings, 0.45 s for a team of 6)."""
        if self.stored is None:
            return NOBODY_STORED, []
        sql, params = compiled(
            self.stored.values("pk", "full_name", "agency_id", "role_id").order_by()
        )
        return sql, list(params)

    def common(self) -> tuple[str, list[Any]]:
        """The ``WITH`` clause every query of the page starts from, and its parameters."""
        people_sql, people_params = compiled(
            self.people.values("pk", "role_id", "started_on", "agency_id", "full_name").order_by()
        )
        needs_sql, needs_params = compiled(required_courses(self.partnership))
        counting_sql, counting_params = compiled(counting_courses(self.partnership))
        hourly_sql, hourly_params = compiled(hours_rules(self.partnership))
        cut_sql, cut_params = cut_table(self.today)
        stored_sql, stored_params = self.stored_people()
        ranks = {name: RANK[name] for name in RANK}
        record = TrainingRecord._meta.db_table
        names = {
            "people": people_sql,
            "post": Post._meta.db_table,
            "needs": needs_sql,
            "counting": counting_sql,
            "hourly": hourly_sql,
            "cut": cut_sql,
            "record": record,
            "case": RANK_CASE.format(**ranks),
            "hours_case": HOURS_CASE.format(record=record, **ranks),
            "person": Person._meta.db_table,
            "nobody": NOBODY,
            "booking": BOOKING._meta.db_table,
            "session": SESSION._meta.db_table,
            "live": ", ".join(["%s"] * len(LIVE_BOOKING_STATUSES)),
            "bookable": BOOKABLE_RANKS,
            "condition": self.status_condition(),
            "stored_people": stored_sql,
            "standing": ComplianceStanding._meta.db_table,
            "course": Course._meta.db_table,
            "tally": StandingCourses._meta.db_table,
            **ranks,
        }
        sql = COMMON.format(**names)
        params = [
            *people_params,
            self.partnership.pk,
            connection.ops.adapt_datefield_value(self.today),
            *needs_params,
            *counting_params,
            *hourly_params,
            *cut_params,
            self.partnership.pk,  # the latest completions, of the people asked about
            False,
            self.partnership.pk,  # the hours within the period
            False,
            *LIVE_BOOKING_STATUSES,
            SCHEDULED_SESSION,
            connection.ops.adapt_datetimefield_value(coming_from(self.today)),
            *stored_params,
            connection.ops.adapt_datefield_value(self.today),  # the standings' day
            *self.status_params(),
            *self.status_params(),  # once for the people ranked, once for those stored
        ]
        return sql, params

    def status_condition(self) -> str:
        """Only people with at least one course in the status asked for (any, if none)."""
        if not self.status:
            return "1 = 1"
        if self.status == Status.NO_ROLE:
            return "rank = %s"
        return "id IN (SELECT person_id FROM tallies WHERE rank = %s)"

    def in_chosen(self) -> str:
        """Courses of the chosen people (all of them, when no status is asked for)."""
        return "person_id IN (SELECT id FROM chosen)" if self.status else "1 = 1"

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

    def summary(self, offset: int = 0, limit: int = 0) -> tuple["Summary", list[int]]:
        """The chosen people's courses counted by status and agency, the people by their
        worst status and agency, and the ids of ``limit`` people from ``offset`` (a page),
        worst first: one query, so the statement's work is done once for both."""
        summary, ids, _more = self.summary_with(offset, limit)
        return summary, ids

    def summary_with(
        self, offset: int = 0, limit: int = 0, more: str = ""
    ) -> tuple["Summary", list[int], list[tuple[Any, ...]]]:
        """``summary`` and, in the same query, the rows of ``more``: SQL over the common
        steps answering six columns, the first 2 or more (a breakdown, say), so a page
        needing both ranks everyone once."""
        no_role = RANK["no_role"]
        tail = f"\nUNION ALL\n{more}" if more else ""
        sql = f"""
SELECT 0, a.id, a.name, x.kind, x.rank, x.number FROM (
  SELECT agency_id, 0 AS kind, rank, CAST(SUM(number) AS BIGINT) AS number FROM tallies
  WHERE {self.in_chosen()} GROUP BY agency_id, rank
  UNION ALL
  SELECT agency_id, 0, rank, COUNT(*) FROM chosen WHERE rank = {no_role} GROUP BY agency_id, rank
  UNION ALL
  SELECT agency_id, 1, rank, COUNT(*) FROM chosen GROUP BY agency_id, rank
) x JOIN {Agency._meta.db_table} a ON a.id = x.agency_id
WHERE a.partnership_id = %s
UNION ALL
SELECT 1, p.id, NULL, 0, 0, p.position FROM (
  SELECT id, ROW_NUMBER() OVER (ORDER BY rank, full_name, id) AS position FROM chosen
  ORDER BY position LIMIT {int(limit)} OFFSET {int(offset)}
) p{tail}"""  # noqa: S608 (table names from the models, ranks ours, integers)
        summary, page, extra = Summary(), [], []
        for row in self.rows(sql, [self.partnership.pk]):
            part, key, name, kind, rank, number = row
            if part > 1:
                extra.append(row)
            elif part:
                page.append((number, key))
            else:
                summary.add(key, name, STATUS_ORDER[rank].value, number, people=bool(kind))
        summary.agencies = dict(
            sorted(summary.agencies.items(), key=lambda item: (item[1].name, item[0]))
        )
        return summary, [key for _position, key in sorted(page)], extra


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
