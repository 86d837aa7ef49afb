"""People counted by their worst status from the stored standings (a team's and a board
member's start page) against the count made independently, whether every standing is
stored, none is, or some people changed since the refresh; and My team's breakdown, read
with its summary in one query, against the breakdown read alone."""

import datetime
from collections import Counter

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interagency.people.models import Person
from interagency.records.models import ComplianceStanding
from interagency.records.selectors import training_status
from interagency.records.selectors.breakdown import (
    breakdown_of,
    breakdown_part,
    compliance_breakdown,
)
from interagency.records.selectors.partnership import people_by_agency
from interagency.records.selectors.standings import people_by_worst_status
from interagency.records.services.standings import refresh_standings
from interagency.records.tests.test_independent_count import (
    NOW,
    ORDER,
    TODAY,
    independent_count,
    seeded,
)

__all__ = ["seeded"]  # the fixture, shared with the independent count


def counted(partnership):
    """(total by worst status, by agency, the queries that ranked people live)."""
    people = Person.objects.for_partnership(partnership).filter(merged_into__isnull=True)
    with CaptureQueriesContext(connection) as queries:
        total = people_by_worst_status(partnership, people, today=TODAY)
    by_agency_total, agencies = people_by_agency(partnership, people, today=TODAY)
    assert by_agency_total == total
    assert sum(row.statuses[status] for row in agencies for status in ORDER) == sum(total.values())
    live = [query for query in queries.captured_queries if "WITH cur(" in query["sql"]]
    return total, agencies, live


def expected(partnership):
    _courses, _by_agency, worst = independent_count(partnership)
    return {status: Counter(worst.values())[status] for status in ORDER}


def test_stored_counts_are_those_counted_independently(seeded):
    with time_machine.travel(NOW, tick=False):
        before = expected(seeded)
        live_total, live_agencies, live = counted(seeded)
        assert live  # nothing stored yet: everyone ranked live
        refresh_standings(seeded, today=TODAY)
        stored_total, stored_agencies, live_after = counted(seeded)

    assert live_total == stored_total == before
    assert live_agencies == stored_agencies
    assert not live_after  # every standing holds: nobody ranked live


def test_people_changed_since_the_refresh_are_ranked_live(seeded):
    with time_machine.travel(NOW, tick=False):
        refresh_standings(seeded, today=TODAY)
        overdue = ComplianceStanding.objects.filter(partnership=seeded, rank=0)
        changed = list(overdue.order_by("person_id").values_list("person_id", flat=True)[:5])
        # New starters now: within their window, no longer overdue (the trigger drops
        # their standings).
        for person in Person.objects.filter(pk__in=changed):
            person.started_on = TODAY - datetime.timedelta(days=10)
            person.save()
        assert not ComplianceStanding.objects.filter(person_id__in=changed).exists()
        total, _agencies, live = counted(seeded)
        assert total == expected(seeded)
    assert len(changed) == 5 and live  # the changed people, ranked live


def test_a_pages_breakdown_read_with_its_summary_is_the_breakdown_alone(seeded):
    with time_machine.travel(NOW, tick=False):
        people = Person.objects.for_partnership(seeded)
        alone = compliance_breakdown(seeded, people, today=TODAY)
        found = training_status(seeded, people, today=TODAY, status="overdue")
        together = breakdown_of(found.read_page(2, 10, breakdown_part()))
        assert len(found[0:10]) == 10  # the page itself, still read with the counts

    assert together == alone
    assert all(alone[group] for group in ("service", "role", "tier"))
