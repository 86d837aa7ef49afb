"""The training status of the people a member may see: counted and ordered by the database,
detailed a page at a time.

``training_status`` answers a ``StatusList``: its summary and its length are
one query each (``compliance.ComplianceQuery``), and a slice of it (a page) is
one query for the page's people in order, then six for their details (people,
further posts' roles, required courses, course titles, latest completions,
coming bookings) whatever the number of people. Iterating it (the CSV) reads
the order once and the details in chunks.
"""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, overload

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from interagency.catalogue.selectors import (
    catalogue_courses,
    counting_courses,
    hours_rules,
    recommended_courses,
)
from interagency.people.models import Person, current_on
from interagency.people.selectors import current_post_roles
from interagency.records.models import TrainingRecord
from interagency.records.selectors.compliance import (
    LIVE_BOOKING_STATUSES,
    SCHEDULED_SESSION,
    ComplianceQuery,
    Summary,
    coming_from,
    required_courses,
)
from interagency.records.selectors.standings import standings_hold, stored_ranks
from interagency.records.statuses import (
    BOOKABLE,
    STATUS_ORDER,
    CourseStatus,
    PersonStatus,
    RecommendedCourse,
    Status,
    course_status,
    due_before,
    hours_rule_status,
    hours_text,
    is_worse,
)
from interagency.tenancy.models import Partnership

CHUNK = 500


def training_status(
    partnership: Partnership,
    people: QuerySet[Person],
    *,
    today: datetime.date,
    status: str = "",
) -> "StatusList":
    """Each current person of ``people`` (already visible-filtered) with their courses' status.

    A person needs the courses of every current post's role: their main role's
    and their further posts' (a course two roles require shows its worse
    status). A course they hold a live booking for on a coming session shows
    as booked, with the session's date, unless it is done. Listed worst first,
    then by name; ``status`` keeps only people with at least one course in it.
    """
    current = people.filter(current_on(today))  # a leaving date to come: still current
    return StatusList(stored_or_live(partnership, current, today, status))


def stored_or_live(
    partnership: Partnership, current: QuerySet[Person], today: datetime.date, status: str
) -> ComplianceQuery:
    """The query over ``current``: the people with a standing for ``today`` read from it
    and its stored course counts, the others ranked live (decision 0035), so the figures
    are the live ranking's whenever the refresh ran. Three queries to decide who is who
    (the standings hold, then who has none); everyone live when they do not hold, or when
    too many people have none."""
    if not standings_hold(partnership, today):
        return ComplianceQuery(partnership, current, today, status)
    stale, _ranks = stored_ranks(current, today)
    if stale is current:
        return ComplianceQuery(partnership, current, today, status)
    # Nobody stale: no one to rank live ("id IS NULL" compiles where an empty list would not).
    live = current.filter(pk__isnull=True) if stale is None else stale
    return ComplianceQuery(partnership, live, today, status, stored=current)


class StatusList(Sequence[PersonStatus]):
    """The people of a ``ComplianceQuery``, worst first: a sequence a paginator can page."""

    def __init__(self, query: ComplianceQuery) -> None:
        self.query = query
        self.window: tuple[int, int, list[int]] | None = None

    def read_page(self, number: object, per_page: int, more: str = "") -> list[tuple[Any, ...]]:
        """Count and read page ``number``'s people in one query, before a paginator asks;
        the rows of ``more`` read in the same query (``ComplianceQuery.summary_with``)."""
        try:
            # A page past the end is the paginator's to answer; a huge number must not
            # overflow the database's integers.
            index = min(max(int(str(number)), 1), 10**9) - 1
        except ValueError:
            index = 0
        self.summary, ids, rows = self.query.summary_with(index * per_page, per_page, more)
        self.window = (index * per_page, per_page, ids)
        return rows

    @cached_property
    def summary(self) -> Summary:
        return self.query.summary()[0]

    def count(self) -> int:  # type: ignore[override]  # the Paginator's count, not list.count
        return self.summary.people_count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> PersonStatus: ...
    @overload
    def __getitem__(self, index: slice) -> list[PersonStatus]: ...
    def __getitem__(self, index: int | slice) -> PersonStatus | list[PersonStatus]:
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if start < 0 or (stop is not None and stop < 0) or index.step not in (None, 1):
            raise ValueError("Only forward slices of the training status are read.")
        limit = None if stop is None else max(stop - start, 0)
        window = self.window
        # The page read with the counts; the paginator's last page stops at the count.
        if window is not None and window[0] == start and limit is not None and limit <= window[1]:
            return person_statuses(self.query, window[2][:limit])
        return person_statuses(self.query, self.query.person_ids(start, limit))

    def __iter__(self) -> Iterator[PersonStatus]:
        ids = self.query.person_ids()
        catalogue = read_catalogue(self.query.partnership)  # once for every chunk
        for start in range(0, len(ids), CHUNK):
            yield from person_statuses(self.query, ids[start : start + CHUNK], catalogue)


def status_counts(found: StatusList) -> dict[str, int]:
    """Courses in each status among ``found``: a person without a role counts once."""
    return dict(found.summary.courses)


@dataclass(frozen=True)
class Catalogue:
    """What the partnership's catalogue says of compliance, read once for every page."""

    # Each role's required courses: (course, window, refresh).
    requirements: dict[int, list[tuple[int, int, int | None]]]
    titles: dict[int, str]
    # The courses whose completion counts for each course, itself first.
    counting: dict[int, list[int]]
    # Each hours-based role's hours, period in months and tier order.
    hours: dict[int, tuple[Decimal, int, int]]
    # Each role's recommended courses (never counted in compliance).
    recommended: dict[int, list[int]]


@dataclass
class Details:
    """What a page's people need beyond the database's ranks: the dates shown."""

    posts: dict[int, list[dict[str, Any]]]
    catalogue: Catalogue
    latest: dict[tuple[int, int], datetime.date]
    booked: dict[tuple[int, int], datetime.date]
    learning: dict[int, list[tuple[datetime.date, Decimal]]]

    def last_done(self, person_id: int, course_id: int) -> datetime.date | None:
        """The latest full completion of the course or of one that counts for it."""
        found = [
            self.latest[(person_id, counted)]
            for counted in self.catalogue.counting.get(course_id, [course_id])
            if (person_id, counted) in self.latest
        ]
        return max(found, default=None)


def read_catalogue(partnership: Partnership) -> Catalogue:
    """Each role's required courses, the courses' titles, equivalences and hours rules."""
    titles = catalogue_courses(partnership, include_hidden=True).values_list("pk", "shown_title")
    counting: dict[int, list[int]] = {}
    for course_id, counts_for_id in counting_courses(partnership):
        counting.setdefault(counts_for_id, [counts_for_id]).append(course_id)
    hours = {
        role_id: (Decimal(needed), int(period), int(order))
        for role_id, needed, period, order in hours_rules(partnership)
    }
    return Catalogue(
        requirements_by_role(partnership),
        dict(titles),
        counting,
        hours,
        recommended_courses(partnership),
    )


def person_statuses(
    query: ComplianceQuery, ids: list[int], catalogue: Catalogue | None = None
) -> list[PersonStatus]:
    """``ids``' people with each required course's status and dates, in ``ids``' order."""
    if not ids:
        return []
    partnership, today = query.partnership, query.today
    catalogue = catalogue or read_catalogue(partnership)
    people = Person.objects.for_partnership(partnership).filter(pk__in=ids)
    rows = {
        row["pk"]: row
        for row in people.values(
            "pk",
            "full_name",
            "started_on",
            "role_id",
            "role__name",
            "agency__name",
            "service__name",
        )
    }
    details = Details(
        posts=current_post_roles(partnership, people, today),
        catalogue=catalogue,
        latest=latest_completions(partnership, ids),
        booked=coming_bookings(partnership, ids, today),
        learning=recent_learning(partnership, ids, catalogue, today),
    )
    return [person_status(rows[pk], details, today) for pk in ids if pk in rows]


def requirements_by_role(partnership: Partnership) -> dict[int, list[tuple[int, int, int | None]]]:
    found: dict[int, list[tuple[int, int, int | None]]] = {}
    for role_id, course_id, window, refresh in required_courses(partnership):
        found.setdefault(role_id, []).append((course_id, window, refresh))
    return found


def latest_completions(partnership: Partnership, ids: list[int]) -> dict[tuple[int, int], Any]:
    """The latest full completion of each of these people's courses."""
    rows = (
        TrainingRecord.objects.for_partnership(partnership)
        .filter(person__in=ids, partly_completed=False)
        .values("person_id", "course_id")
        .annotate(last=Max("completed_on"))
        .order_by()
    )
    return {(row["person_id"], row["course_id"]): row["last"] for row in rows}


def coming_bookings(
    partnership: Partnership, ids: list[int], today: datetime.date
) -> dict[tuple[int, int], datetime.date]:
    """The first day of the soonest coming session each of these people is booked on, by course.

    Their bookings may be on another partnership's session (a regional place):
    read through the partnership's own people.
    """
    rows = (
        Person.objects.for_partnership(partnership)
        .filter(
            pk__in=ids,
            bookings__status__in=LIVE_BOOKING_STATUSES,
            bookings__session__status=SCHEDULED_SESSION,
            bookings__session__ends_at__gte=coming_from(today),
        )
        .values("pk", "bookings__session__course_id")
        .annotate(first=Min("bookings__session__starts_at"))
        .order_by()
    )
    return {
        (row["pk"], row["bookings__session__course_id"]): timezone.localtime(row["first"]).date()
        for row in rows
    }


def person_status(row: dict[str, Any], details: Details, today: datetime.date) -> PersonStatus:
    """One person's courses, worst first, from their roles' requirements."""
    posts = details.posts.get(row["pk"], [])
    sources = [(row["role_id"], row["started_on"])] if row["role_id"] else []
    sources += [(post["role_id"], post["started_on"] or row["started_on"]) for post in posts]
    names = [row["role__name"] or ""] if row["role_id"] else []
    names += [post["role__name"] for post in posts if post["role__name"] not in names]
    courses = required_course_statuses(row["pk"], sources, details, today)
    hours = hours_status(row["pk"], sources, details, today)
    if hours is not None:
        courses.append(hours)
    if not sources:
        courses.append(CourseStatus(0, "", Status.NO_ROLE, completed_on=None, due_on=None))
    courses.sort(key=lambda item: (STATUS_ORDER.index(item.status), item.title))
    return PersonStatus(
        person_id=row["pk"],
        full_name=row["full_name"],
        agency=row["agency__name"],
        service=row["service__name"] or "",
        role="; ".join(names),
        courses=courses,
        recommended=recommended_for(row["pk"], sources, details, courses),
    )


def recommended_for(
    person_id: int,
    sources: list[tuple[int, datetime.date | None]],
    details: Details,
    required: list[CourseStatus],
) -> list[RecommendedCourse]:
    """The courses the person's roles recommend and no role of theirs requires."""
    skip = {row.course_id for row in required}
    chosen = dict.fromkeys(
        course_id
        for role_id, _start in sources
        for course_id in details.catalogue.recommended.get(role_id, [])
        if course_id not in skip
    )
    return [
        RecommendedCourse(
            course_id,
            details.catalogue.titles.get(course_id, ""),
            details.last_done(person_id, course_id),
        )
        for course_id in chosen
    ]


def required_course_statuses(
    person_id: int,
    sources: list[tuple[int, datetime.date | None]],
    details: Details,
    today: datetime.date,
) -> list[CourseStatus]:
    """The status of each course the roles of ``sources`` (role, start date) require.

    A course more than one role requires is listed once, with its worse status;
    then a coming booking turns a course not done into a booked one.
    """
    by_course: dict[int, CourseStatus] = {}
    for role_id, started_on in sources:
        for course_id, window, refresh in details.catalogue.requirements.get(role_id, []):
            completed_on = details.last_done(person_id, course_id)
            state, due_on = course_status(
                today=today,
                started_on=started_on,
                window_months=window,
                refresh_months=refresh,
                completed_on=completed_on,
            )
            title = details.catalogue.titles.get(course_id, "")
            row = CourseStatus(course_id, title, state, completed_on, due_on)
            kept = by_course.get(course_id)
            if kept is None or is_worse(row, kept):
                by_course[course_id] = row
    found = []
    for row in by_course.values():
        booked_on = details.booked.get((person_id, row.course_id))
        if booked_on is not None and row.status in BOOKABLE:
            row = CourseStatus(
                row.course_id, row.title, Status.BOOKED, row.completed_on, row.due_on, booked_on
            )
        found.append(row)
    return found


def recent_learning(
    partnership: Partnership, ids: list[int], catalogue: Catalogue, today: datetime.date
) -> dict[int, list[tuple[datetime.date, Decimal]]]:
    """Each person's full completions (date, hours) within the longest hours period."""
    if not catalogue.hours:
        return {}
    longest = max(period for _hours, period, _order in catalogue.hours.values())
    rows = (
        TrainingRecord.objects.for_partnership(partnership)
        .filter(
            person__in=ids, partly_completed=False, completed_on__gte=due_before(longest, today)
        )
        .values_list("person_id", "completed_on", "hours")
        .order_by()
    )
    found: dict[int, list[tuple[datetime.date, Decimal]]] = {}
    for person_id, completed_on, hours in rows:
        found.setdefault(person_id, []).append((completed_on, hours))
    return found


def hours_status(
    person_id: int,
    sources: list[tuple[int, datetime.date | None]],
    details: Details,
    today: datetime.date,
) -> CourseStatus | None:
    """An hours-based person's learning hours within their highest level's period, or None.

    The highest level is the one asking the most hours (a person keeps up only
    their highest); the period runs back from today, and someone who started
    an hours-based role within it has until its end (the earliest such start).
    """
    rules = [
        (details.catalogue.hours[role_id], started_on)
        for role_id, started_on in sources
        if role_id in details.catalogue.hours
    ]
    if not rules:
        return None
    needed = max(rule[0] for rule, _start in rules)
    period = max(rule[1] for rule, _start in rules)
    starts = [start for _rule, start in rules if start is not None]
    since = due_before(period, today)
    done = sum(
        (hours for on, hours in details.learning.get(person_id, []) if on >= since), Decimal(0)
    )
    state, due_on = hours_rule_status(
        today=today,
        started_on=min(starts, default=None),
        period_months=period,
        done=done,
        needed=needed,
    )
    title = (
        f"Safeguarding learning: {hours_text(done)} of {hours_text(needed)} hours "
        f"in {period} months"
    )
    return CourseStatus(
        0, title, state, completed_on=None, due_on=due_on, hours_done=done, hours_needed=needed
    )
