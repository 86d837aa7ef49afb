"""The training status's numbers for a seeded partnership against a count made here, from the
records, bookings and pathways themselves, with nothing of the selectors but their answer."""

import datetime
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from interagency.catalogue.models import (
    Adoption,
    CompetenceFramework,
    Course,
    Equivalence,
    Pathway,
    PathwayItem,
    Tier,
)
from interagency.catalogue.models import Role as CatalogueRole
from interagency.core.permissions import Role
from interagency.delivery.models import LIVE_STATUSES, Booking, Session
from interagency.people.models import Person, Post
from interagency.people.tests.factories import PostFactory
from interagency.records.models import TrainingRecord
from interagency.records.selectors import training_status
from interagency.tenancy.models import Membership, Partnership

NOW = datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 15)
ORDER = ["overdue", "due_soon", "no_role", "booked", "not_yet_due", "done"]


def status_of(*, last, start, window, refresh) -> str:
    """The rule as the page describes it, written again with dateutil's month arithmetic."""
    if last is None:
        if start is None:
            return "overdue"
        due = start + relativedelta(months=window)
        fresh = "not_yet_due"
    else:
        if not refresh:
            return "done"
        due = last + relativedelta(months=refresh)
        fresh = "done"
    if due < TODAY:
        return "overdue"
    return "due_soon" if due <= TODAY + relativedelta(months=3) else fresh


def hours_based_roles(adopted, partnership):
    """Each hours-based role's (hours, months): its pathway's figures, else its tier's."""
    rules = {}
    for role in CatalogueRole.objects.filter(
        Q(local_to__isnull=True) | Q(local_to=partnership), framework__in=adopted
    ).select_related("tier", "framework"):
        pathway = Pathway.objects.filter(role=role).first()
        hours = (pathway and pathway.hours_per_period) or role.tier.hours_per_period
        months = (pathway and pathway.period_months) or role.framework.period_months or 36
        if hours:
            rules[role.pk] = (hours, months)
    return rules


def hours_status_of(hourly, learning) -> str:
    """The hours of the last period of the highest level against what it asks."""
    needed = max(hours for (hours, _months), _start in hourly)
    months = max(months for (_hours, months), _start in hourly)
    starts = [start for _rule, start in hourly if start is not None]
    since = TODAY - relativedelta(months=months)
    if sum(hours for on, hours in learning if on >= since) >= needed:
        return "done"
    if not starts:
        return "overdue"
    due = min(starts) + relativedelta(months=months)
    if due < TODAY:
        return "overdue"
    return "due_soon" if due <= TODAY + relativedelta(months=3) else "not_yet_due"


def independent_count(partnership):
    """Courses by status and agency, and each person's worst status, counted by hand."""
    current = Q(left_on__isnull=True) | Q(left_on__gt=TODAY)
    adopted = Adoption.objects.filter(partnership=partnership).values("framework_id")
    items: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    for item in PathwayItem.objects.filter(
        Q(course__local_to__isnull=True) | Q(course__local_to=partnership),
        kind="required",
        pathway__role__framework__in=adopted,
        course__framework__in=adopted,
    ).select_related("pathway", "course"):
        assert item.course is not None
        refresh = item.repeat_every_months or item.course.refresh_months
        course_id = item.course.pk
        items[item.pathway.role_id].append((course_id, item.pathway.window_months, refresh))
    # A completion of a course counts for itself and for every course it is equivalent to.
    counts_for = defaultdict(set)
    for equivalence in Equivalence.objects.filter(
        Q(partnership__isnull=True) | Q(partnership=partnership), course__isnull=False
    ):
        counts_for[equivalence.course_id].add(equivalence.counts_for_id)
    latest: dict = {}
    learning = defaultdict(list)
    for record in TrainingRecord.objects.filter(partnership=partnership, partly_completed=False):
        learning[record.person_id].append((record.completed_on, record.hours))
        for course in {record.course_id} | counts_for[record.course_id]:
            key = (record.person_id, course)
            latest[key] = max(latest.get(key, record.completed_on), record.completed_on)
    hours_rules = hours_based_roles(adopted, partnership)
    midnight = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time()))
    booked = set(
        Booking.objects.filter(
            person__partnership=partnership,
            status__in=LIVE_STATUSES,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__gte=midnight,
        ).values_list("person_id", "session__course_id")
    )
    posts = defaultdict(list)
    for post in Post.objects.filter(current, partnership=partnership, role__isnull=False):
        posts[post.person_id].append((post.role_id, post.started_on))
    courses: Counter = Counter()
    by_agency: Counter = Counter()
    worst = {}
    for person in Person.objects.filter(current, partnership=partnership).select_related("agency"):
        sources: list = [(person.role_id, person.started_on)] if person.role_id else []
        sources += [(role, start or person.started_on) for role, start in posts[person.pk]]
        if not sources:
            statuses: dict[int, str] = {0: "no_role"}
        else:
            statuses = {}
            for role, start in sources:
                for course, window, refresh in items[role]:
                    found = status_of(
                        last=latest.get((person.pk, course)),
                        start=start,
                        window=window,
                        refresh=refresh,
                    )
                    statuses[course] = min(statuses.get(course, found), found, key=ORDER.index)
            hourly = [(hours_rules[role], start) for role, start in sources if role in hours_rules]
            if hourly:
                statuses[0] = hours_status_of(hourly, learning[person.pk])
            for course, found in statuses.items():
                if (
                    found in ("overdue", "due_soon", "not_yet_due")
                    and (person.pk, course) in booked
                ):
                    statuses[course] = "booked"
        for found in statuses.values():
            courses[found] += 1
            by_agency[(person.agency.name, found)] += 1
        worst[person.pk] = min(statuses.values(), key=ORDER.index) if statuses else "done"
    return courses, by_agency, worst


def add_equivalences_and_health_roles(partnership, people):
    """Two equivalences (one of another partnership, ignored), and 30 people moved into
    intercollegiate levels with learning hours on record, some short of their level."""
    required = list(
        PathwayItem.objects.filter(
            kind="required",
            course__isnull=False,
            pathway__role__framework__adoptions__partnership=partnership,
        )
        .values_list("course_id", flat=True)
        .distinct()
        .order_by("course_id")[:2]
    )
    others = list(Course.objects.exclude(pk__in=required).filter(local_to__isnull=True)[:2])
    Equivalence.objects.create(partnership=partnership, course=others[0], counts_for_id=required[0])
    Equivalence.objects.create(course=others[1], counts_for_id=required[1])
    records = TrainingRecord.objects.filter(partnership=partnership)
    for index, record in enumerate(records.filter(course_id__in=required)[:60]):
        if index % 2:
            record.course = others[index % 4 // 2]
            record.save()
    health = CompetenceFramework.objects.get(slug="intercollegiate-health")
    levels = list(Tier.objects.filter(framework=health).order_by("order"))
    roles = [
        CatalogueRole.objects.create(
            framework=health, tier=tier, name=f"Health {tier.name}", local_to=partnership
        )
        for tier in levels
    ]
    agency = people[0].agency
    for index, person in enumerate(
        Person.objects.filter(partnership=partnership).order_by("-pk")[:30]
    ):
        person.role = roles[index % len(roles)]
        person.agency = agency
        person.started_on = None if index % 7 == 0 else datetime.date(2020 + index % 7, 3, 1)
        person.save()
        for step in range(index % 4):
            TrainingRecord.objects.create(
                partnership=partnership,
                person=person,
                course=others[0],
                completed_on=datetime.date(2022 + step, 1 + index % 12, 10),
                hours=2 + step,
                source=TrainingRecord.Source.EXTERNAL,
                partly_completed=step == 2 and index % 3 == 0,
            )


@pytest.fixture
def seeded(db):
    """Camden seeded with 300 people and their delivery, and a few further posts."""
    with time_machine.travel(NOW, tick=False):
        call_command("seed", "--scale", "borough", "--people", "300", stdout=StringIO())
        partnership = Partnership.objects.get(code="camden")
        people = list(Person.objects.filter(partnership=partnership).order_by("pk")[:40])
        roles = [person.role for person in people if person.role_id]
        add_equivalences_and_health_roles(partnership, people)
        for index, person in enumerate(people[:20]):
            PostFactory.create(
                person=person,
                role=roles[(index * 7) % len(roles)],
                started_on=None if index % 5 == 0 else datetime.date(2025, 1 + index % 12, 1),
                left_on=datetime.date(2026, 1, 1) if index % 4 == 0 else None,
            )
        yield partnership


def test_the_counts_match_an_independent_count(seeded, client, sign_in):
    expected, expected_by_agency, worst = independent_count(seeded)
    assert all(expected[status] for status in ("overdue", "due_soon", "done", "booked"))

    with time_machine.travel(NOW, tick=False):
        people = Person.objects.for_partnership(seeded)
        found = training_status(seeded, people, today=TODAY)
        summary = found.summary
        listed = list(found)
        coordinator = Membership.objects.filter(partnership=seeded, role=Role.COORDINATOR).first()
        assert coordinator is not None
        sign_in(coordinator.user)
        page = client.get(reverse("records:training-status", args=[seeded.code])).text

    assert summary.courses == {status: expected[status] for status in ORDER}
    assert {
        (agency.name, status): number
        for agency in summary.agencies.values()
        for status, number in agency.courses.items()
        if number
    } == dict(expected_by_agency)
    # Every person once, worst first, each with the worst status counted here.
    assert len(listed) == len(found) == len(worst)
    # The health levels' hours rows are among them, some met and some short.
    hours = Counter(
        str(row.status) for person in listed for row in person.courses if not row.course_id
    )
    assert hours["done"] and hours["overdue"]
    assert [person.worst.value for person in listed] == sorted(
        (worst[person.person_id] for person in listed), key=ORDER.index
    )
    assert summary.people == {status: Counter(worst.values())[status] for status in ORDER}
    for status, name in (("overdue", "overdue"), ("due-soon", "due_soon"), ("booked", "booked")):
        shown = re.search(rf'id="count-{status}">(\d+)<', page)
        assert shown is not None and int(shown.group(1)) == expected[name]
    assert f"{len(worst)} people found" in page


def test_the_status_filter_keeps_the_people_with_a_course_in_it(seeded):
    _courses, _by_agency, worst = independent_count(seeded)
    with time_machine.travel(NOW, tick=False):
        people = Person.objects.for_partnership(seeded)
        everyone = list(training_status(seeded, people, today=TODAY))
        chosen = {
            status: training_status(seeded, people, today=TODAY, status=status) for status in ORDER
        }
        found = {status: [person.person_id for person in chosen[status]] for status in ORDER}

    for status in ORDER:
        expected = [
            person.person_id
            for person in everyone
            if any(row.status == status for row in person.courses)
        ]
        assert found[status] == expected  # in the same order as the whole list
        assert len(chosen[status]) == len(expected)
    assert set(found["no_role"]) == {pk for pk, status in worst.items() if status == "no_role"}
