"""Compliance stored at a financial year's end gives the figures the live ranking gives for
that day, and a late record, a changed person or rule makes it stale until refreshed again."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from interagency.catalogue.models import PathwayItem
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records import year_end
from interagency.records.models import TrainingRecord, YearEndCount, YearEndRefresh
from interagency.records.selectors.partnership import (
    Scope,
    partnership_compliance,
    partnership_people,
)
from interagency.records.selectors.year_end import stored_year_end
from interagency.records.services import year_end as year_end_service
from interagency.records.services.standings import refresh_standings
from interagency.records.services.year_end import Counted, refresh_year_end

pytestmark = pytest.mark.clock


def closed_year_end() -> datetime.date:
    return year_end.last_year_end(timezone.localdate())


def completed(person, course, day):
    return TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=day,
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )


@pytest.fixture
def staff(partnership, catalogue):
    """At the last year end: two practitioners up to date, three overdue (one of whom trained
    on Intro only, in that year), one without a role, one who left before it."""
    end = closed_year_end()
    health = AgencyFactory.create(partnership=partnership, name="Royal Free", sector="health")
    police = AgencyFactory.create(partnership=partnership, name="Met Police", sector="police")
    started = end - datetime.timedelta(days=5 * 365)

    def person(name, agency, **fields):
        fields.setdefault("role", catalogue["role"])
        return PersonFactory.create(
            partnership=partnership, agency=agency, full_name=name, started_on=started, **fields
        )

    for name, agency in (("Done Health", health), ("Done Police", police)):
        done = person(name, agency)
        completed(done, catalogue["core"], end - datetime.timedelta(days=40))
        completed(done, catalogue["intro"], end - datetime.timedelta(days=400))
    person("Never Health", health)
    person("Never Police", police)
    partly = person("Intro Only", police)
    completed(partly, catalogue["intro"], end - datetime.timedelta(days=10))
    person("No Role", health, role=None)
    person("Left Early", health, left_on=end - datetime.timedelta(days=30))
    return {"health": health, "police": police, "partly": partly}


def reach(partnership, day, *, stored=None):
    """What the annual report and the regional view read of the day's compliance."""
    found = partnership_compliance(
        partnership, partnership_people(partnership), today=day, scope=Scope(), stored=stored
    )
    return (
        found.total.total.statuses,
        [(row.name, row.total.statuses) for row in found.sectors],
        [(row.name, dict(row.cells.items()) and row.total.statuses) for row in found.agencies],
        [(p.name, p.people, p.trained, p.workforce) for p in found.professions],
        found.overall_participation,
    )


def test_the_stored_year_end_gives_the_live_rankings_figures(partnership, staff):
    end = closed_year_end()
    refresh_standings(partnership, today=timezone.localdate())  # today's: another day
    live = reach(partnership, end)
    assert refresh_year_end(partnership, today=timezone.localdate()) == Counted(6, stored=True)
    stored = stored_year_end(partnership, end)
    assert stored is not None
    assert reach(partnership, end, stored=stored) == live
    statuses = live[0]
    assert (statuses["done"], statuses["overdue"], statuses["no_role"]) == (2, 3, 1)
    # Trained in the twelve months to the year end: both up to date and the Intro only.
    assert live[3] == [("Practitioner", 5, 3, 5)]
    # Counts only, one row per agency, role and status (no role: health only); no person.
    assert YearEndCount.objects.for_partnership(partnership).count() == 5


def test_refreshing_again_keeps_what_holds(partnership, staff):
    today = timezone.localdate()
    refresh_year_end(partnership, today=today)
    first = YearEndRefresh.objects.for_partnership(partnership).get()
    assert refresh_year_end(partnership, today=today) is None
    assert YearEndRefresh.objects.for_partnership(partnership).get() == first
    assert YearEndCount.objects.for_partnership(partnership).count() == 5


def test_a_late_record_dated_in_the_closed_year_is_counted_after_the_refresh(
    partnership, staff, catalogue
):
    end, today = closed_year_end(), timezone.localdate()
    refresh_year_end(partnership, today=today)
    before = reach(partnership, end)
    # Imported today, completed in the closed year: the Intro-only practitioner's Core.
    completed(staff["partly"], catalogue["core"], end - datetime.timedelta(days=20))
    assert stored_year_end(partnership, end) is None  # ranked live meanwhile
    after = reach(partnership, end)
    assert after[0]["done"] == before[0]["done"] + 1
    assert refresh_year_end(partnership, today=today) == Counted(6, stored=True)
    assert reach(partnership, end, stored=stored_year_end(partnership, end)) == after


@pytest.mark.parametrize("change", ["leaving", "role", "booking", "session"])
def test_a_person_booking_or_session_changed_makes_the_year_end_stale(
    partnership, staff, catalogue, change
):
    end, today = closed_year_end(), timezone.localdate()
    session = SessionFactory.create(partnership=partnership, course=catalogue["core"])
    booking = BookingFactory.create(session=session, person=staff["partly"])
    refresh_year_end(partnership, today=today)
    assert stored_year_end(partnership, end) is not None
    person = staff["partly"]
    if change == "leaving":
        person.left_on = end - datetime.timedelta(days=1)
        person.save()
    elif change == "role":
        person.role = None
        person.save()
    elif change == "booking":
        booking.delete()
    else:
        session.ends_at += datetime.timedelta(days=1)
        session.save()
    assert stored_year_end(partnership, end) is None
    refresh_year_end(partnership, today=today)
    assert reach(partnership, end, stored=stored_year_end(partnership, end)) == reach(
        partnership, end
    )


def test_a_record_written_while_the_year_is_counted_leaves_it_to_the_next_refresh(
    partnership, staff, catalogue, monkeypatch
):
    end, today = closed_year_end(), timezone.localdate()
    counting = year_end_service.year_end_counts

    def counted_then_written(partnership, day):
        counts = counting(partnership, day)
        completed(staff["partly"], catalogue["core"], end - datetime.timedelta(days=2))
        return counts

    monkeypatch.setattr(year_end_service, "year_end_counts", counted_then_written)
    assert refresh_year_end(partnership, today=today) == Counted(6, stored=False)
    assert stored_year_end(partnership, end) is None
    monkeypatch.undo()
    refresh_year_end(partnership, today=today)
    stored = stored_year_end(partnership, end)
    assert reach(partnership, end, stored=stored) == reach(partnership, end)
    assert reach(partnership, end)[0]["done"] == 3


def test_a_changed_pathway_makes_the_year_end_stale(partnership, staff, catalogue):
    end = closed_year_end()
    refresh_year_end(partnership, today=timezone.localdate())
    PathwayItem.objects.filter(course=catalogue["intro"]).delete()
    assert stored_year_end(partnership, end) is None


def test_another_partnerships_record_leaves_this_year_end_alone(
    partnership, other_partnership, staff, catalogue
):
    end = closed_year_end()
    refresh_year_end(partnership, today=timezone.localdate())
    elsewhere = PersonFactory.create(
        partnership=other_partnership,
        agency=AgencyFactory.create(partnership=other_partnership),
    )
    completed(elsewhere, catalogue["core"], end - datetime.timedelta(days=5))
    assert stored_year_end(partnership, end) is not None


def test_only_a_year_end_is_read_from_the_stored_counts(partnership, staff):
    refresh_year_end(partnership, today=timezone.localdate())
    assert stored_year_end(partnership, closed_year_end() - datetime.timedelta(days=1)) is None


def test_the_command_stores_the_last_year_end_once(partnership, staff):
    out = StringIO()
    call_command("refresh_compliance", stdout=out)
    call_command("refresh_compliance", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "year end" in line]
    end = closed_year_end()
    assert lines == [
        f"{partnership.code}: year end {end}: 6 people counted.",
        f"{partnership.code}: year end {end}: still held.",
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its triggers")
def test_a_rebuilt_tables_year_end_triggers_come_back(partnership, staff, catalogue):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER records_trainingrecord_year_end_ai")
    assert year_end.ensure_triggers(connection)
    refresh_year_end(partnership, today=timezone.localdate())
    completed(staff["partly"], catalogue["core"], closed_year_end())
    assert stored_year_end(partnership, closed_year_end()) is None
