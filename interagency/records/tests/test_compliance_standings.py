"""Stored compliance standings: the partnership's figures read from them are those ranked live,
and a person's record, booking, role or post changed makes theirs stale until refreshed."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from interagency.catalogue.tests.factories import CourseFactory, PathwayItemFactory
from interagency.delivery.models import Session
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.people.tests.factories import AgencyFactory, PersonFactory, PostFactory
from interagency.records.models import ComplianceStanding, TrainingRecord
from interagency.records.selectors.compliance import RANK
from interagency.records.selectors.partnership import (
    Scope,
    partnership_compliance,
    partnership_people,
)
from interagency.records.services.standings import refresh_standings
from interagency.records.staleness import ensure_triggers, sqlite_triggers

pytestmark = pytest.mark.clock


def completed(person, course, *, days_ago=30):
    TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )


@pytest.fixture
def staff(partnership, catalogue):
    """Two practitioners who started years ago: one has done both courses lately, one none."""
    agency = AgencyFactory.create(partnership=partnership, name="Royal Free", sector="health")
    long_ago = timezone.localdate() - datetime.timedelta(days=5 * 365)

    def person(name):
        return PersonFactory.create(
            partnership=partnership,
            agency=agency,
            full_name=name,
            role=catalogue["role"],
            started_on=long_ago,
        )

    done, overdue = person("Done Lately"), person("Never Trained")
    completed(done, catalogue["core"])
    completed(done, catalogue["intro"])
    return {"done": done, "overdue": overdue, "agency": agency}


def figures(partnership):
    """Everyone's statuses and participation, as the compliance page shows them."""
    result = partnership_compliance(
        partnership, partnership_people(partnership), today=timezone.localdate(), scope=Scope()
    )
    professions = [(item.name, item.people, item.trained) for item in result.professions]
    return result.total.total.statuses, professions


def refresh(partnership):
    return refresh_standings(partnership, today=timezone.localdate())


def rank_of(person):
    return ComplianceStanding.objects.get(person=person).rank


def test_figures_from_stored_standings_are_those_ranked_live(partnership, staff):
    live = figures(partnership)
    assert live[0]["overdue"] == 1 and live[0]["done"] == 1
    assert live[1] == [("Practitioner", 2, 1)]
    done = refresh(partnership)
    assert (done.people, done.everyone) == (2, True)
    assert rank_of(staff["overdue"]) == RANK["overdue"]
    assert figures(partnership) == live


def test_a_new_record_makes_a_standing_stale_and_the_figures_stay_right(
    partnership, staff, catalogue
):
    refresh(partnership)
    completed(staff["overdue"], catalogue["core"])
    completed(staff["overdue"], catalogue["intro"])
    assert not ComplianceStanding.objects.filter(person=staff["overdue"]).exists()
    statuses, professions = figures(partnership)
    assert statuses["overdue"] == 0 and statuses["done"] == 2
    assert professions == [("Practitioner", 2, 2)]
    again = refresh(partnership)
    assert (again.people, again.everyone) == (1, False)  # only the stale one ranked again
    assert rank_of(staff["overdue"]) == RANK["done"]
    assert figures(partnership) == (statuses, professions)


def test_a_booking_and_its_session_changing_make_standings_stale(partnership, staff, catalogue):
    refresh(partnership)
    session = SessionFactory.create(partnership=partnership, course=catalogue["core"])
    BookingFactory.create(session=session, person=staff["overdue"])
    assert not ComplianceStanding.objects.filter(person=staff["overdue"]).exists()
    refresh(partnership)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    assert not ComplianceStanding.objects.filter(person=staff["overdue"]).exists()
    assert ComplianceStanding.objects.filter(person=staff["done"]).exists()


def test_a_changed_role_or_a_new_post_makes_a_standing_stale(partnership, staff, catalogue):
    refresh(partnership)
    staff["overdue"].role = None
    staff["overdue"].save()
    assert figures(partnership)[0]["no_role"] == 1
    refresh(partnership)
    assert rank_of(staff["overdue"]) == RANK["no_role"]
    PostFactory.create(person=staff["done"], role=catalogue["role"])
    assert not ComplianceStanding.objects.filter(person=staff["done"]).exists()


def test_a_changed_pathway_or_another_day_ranks_everyone_live(partnership, staff, catalogue):
    refresh(partnership)
    new_course = CourseFactory.create(tier=catalogue["role"].tier, title="New")
    PathwayItemFactory.create(pathway=catalogue["role"].pathway, course=new_course)
    assert figures(partnership)[0]["done"] == 0  # nobody has done the new course
    assert refresh(partnership).everyone
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    refresh_standings(partnership, today=yesterday)
    assert figures(partnership)[0]["done"] == 0
    assert refresh(partnership).everyone


def test_the_command_refreshes_every_partnership(partnership, staff):
    out = StringIO()
    call_command("refresh_compliance", stdout=out)
    assert f"{partnership.code}: 2 people ranked (everyone)" in out.getvalue()
    assert ComplianceStanding.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps triggers")
def test_a_trigger_dropped_by_a_table_rebuild_is_put_back(partnership, staff, catalogue):
    name = next(name for name in sqlite_triggers() if name.startswith("records_trainingrecord"))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}")
    assert ensure_triggers(connection)
    refresh(partnership)
    completed(staff["overdue"], catalogue["core"])
    assert not ComplianceStanding.objects.filter(person=staff["overdue"]).exists()


def test_with_many_people_stale_everyone_is_ranked_live(partnership, staff, catalogue, monkeypatch):
    refresh(partnership)
    monkeypatch.setattr("interagency.records.selectors.standings.STALE_BY_ID", 0)
    completed(staff["overdue"], catalogue["core"])
    completed(staff["overdue"], catalogue["intro"])
    statuses, professions = figures(partnership)
    assert statuses["done"] == 2 and professions == [("Practitioner", 2, 2)]
