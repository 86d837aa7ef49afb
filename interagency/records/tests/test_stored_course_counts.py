"""The training status page's and My team's course counts, status filters and breakdown
read from the course counts stored with each standing (decision 0035) against the count
made independently and the live ranking, with nothing stored, everything stored, and
people changed since the refresh."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.catalogue.models import PathwayItem
from interagency.core.permissions import Role
from interagency.people.models import Person
from interagency.records.models import ComplianceStanding, StandingCourses, TrainingRecord
from interagency.records.selectors import training_status
from interagency.records.selectors.breakdown import (
    breakdown_of,
    breakdown_part,
    compliance_breakdown,
)
from interagency.records.services.standings import refresh_standings
from interagency.records.tests.test_independent_count import (
    NOW,
    ORDER,
    TODAY,
    independent_count,
    seeded,
)
from interagency.tenancy.models import Membership

__all__ = ["seeded"]  # the fixture, shared with the independent count


def figures(partnership):
    """What the pages show: the summary, the order, each status filter's people and the
    breakdown read with the summary."""
    people = Person.objects.for_partnership(partnership)
    found = training_status(partnership, people, today=TODAY)
    breakdown = breakdown_of(found.read_page(1, 25, breakdown_part()))
    summary = found.summary
    courses_by_agency = {
        (agency.name, status): number
        for agency in summary.agencies.values()
        for status, number in agency.courses.items()
        if number
    }
    filtered = {
        status: [
            person.person_id
            for person in training_status(partnership, people, today=TODAY, status=status)
        ]
        for status in ORDER
    }
    return {
        "courses": dict(summary.courses),
        "courses_by_agency": courses_by_agency,
        "people": dict(summary.people),
        "order": [person.person_id for person in found],
        "filtered": filtered,
        "breakdown": breakdown,
    }


def expected(partnership):
    courses, by_agency, worst = independent_count(partnership)
    return {
        "courses": {status: courses[status] for status in ORDER},
        "courses_by_agency": dict(by_agency),
        "people": {status: Counter(worst.values())[status] for status in ORDER},
    }


def the_live_ranking(partnership):
    """The figures with every standing ignored (the refresh's day is not today)."""
    StandingCourses.objects.filter(partnership=partnership).delete()
    ComplianceStanding.objects.filter(partnership=partnership).delete()
    return figures(partnership)


def assert_agree(found, live, independent):
    for key in ("courses", "courses_by_agency", "people"):
        assert found[key] == independent[key], key
    assert found == live


@pytest.mark.clock
def test_stored_course_counts_are_those_counted_live_and_independently(seeded):
    with time_machine.travel(NOW, tick=False):
        independent = expected(seeded)
        live = figures(seeded)  # nothing stored yet
        refresh_standings(seeded, today=TODAY)
        assert StandingCourses.objects.filter(partnership=seeded).exists()
        stored = figures(seeded)
        alone = compliance_breakdown(seeded, Person.objects.for_partnership(seeded), today=TODAY)

    assert_agree(live, live, independent)
    assert_agree(stored, live, independent)
    assert stored["breakdown"] == alone
    assert all(stored["filtered"][status] for status in ("overdue", "due_soon", "booked"))


@pytest.mark.clock
def test_people_changed_since_the_refresh_are_counted_as_they_are_now(seeded):
    with time_machine.travel(NOW, tick=False):
        refresh_standings(seeded, today=TODAY)
        overdue = ComplianceStanding.objects.filter(partnership=seeded, rank=0)
        changed = list(overdue.order_by("person_id").values_list("person_id", flat=True)[:5])
        # New starters now: within their window (the trigger drops their standings) ...
        for person in Person.objects.filter(pk__in=changed[:4]):
            person.started_on = TODAY - datetime.timedelta(days=10)
            person.save()
        # ... and one who has just done one of their overdue courses.
        role_id = Person.objects.get(pk=changed[4]).role_id
        assert role_id is not None
        item = PathwayItem.objects.filter(
            kind="required", pathway__role_id=role_id, course__isnull=False
        ).first()
        assert item is not None and item.course_id is not None
        TrainingRecord.objects.create(
            partnership=seeded,
            person_id=changed[4],
            course_id=item.course_id,
            completed_on=TODAY,
            hours=3,
            source=TrainingRecord.Source.EXTERNAL,
        )
        assert not ComplianceStanding.objects.filter(person_id__in=changed).exists()
        independent = expected(seeded)
        found = figures(seeded)
        live = the_live_ranking(seeded)

    assert_agree(found, live, independent)


@pytest.mark.clock
def test_the_pages_read_the_stored_counts_while_standings_hold(seeded):
    """A stored count the page shows (changed behind the triggers' back here) proves the
    page read it rather than ranking everyone again; a new day ranks everyone live."""
    with time_machine.travel(NOW, tick=False):
        refresh_standings(seeded, today=TODAY)
        before = figures(seeded)["courses"]
        row = StandingCourses.objects.filter(partnership=seeded, rank=0).first()
        assert row is not None
        StandingCourses.objects.filter(pk=row.pk).update(courses=row.courses + 1000)
        after = figures(seeded)["courses"]
        tomorrow = TODAY + datetime.timedelta(days=1)
        people = Person.objects.for_partnership(seeded)
        next_day = training_status(seeded, people, today=tomorrow).summary.courses

    assert after["overdue"] == before["overdue"] + 1000
    assert sum(next_day.values()) == sum(before.values())  # nothing stored for tomorrow


@pytest.mark.clock
def test_the_pages_read_as_many_queries_whoever_is_stored(seeded, client, sign_in):
    coordinator = Membership.objects.filter(partnership=seeded, role=Role.COORDINATOR).first()
    assert coordinator is not None
    pages = [
        reverse("records:training-status", args=[seeded.code]) + "?status=overdue",
        reverse("sessions:my-team", args=[seeded.code]),
    ]

    def queries_of(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    with time_machine.travel(NOW, tick=False):
        sign_in(coordinator.user)
        refresh_standings(seeded, today=TODAY)
        everyone_stored = [queries_of(url) for url in pages]
        for person in Person.objects.filter(partnership=seeded).order_by("pk")[:30]:
            person.started_on = TODAY - datetime.timedelta(days=10)
            person.save()
        some_stale = [queries_of(url) for url in pages]

    assert some_stale == everyone_stored
