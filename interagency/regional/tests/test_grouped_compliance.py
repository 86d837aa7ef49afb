"""The region's compliance read together from stored standings gives the figures each
partnership's own live count gives, whether its standings are fresh, stale or missing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interagency.finance.rules import financial_year_of
from interagency.people.models import Person
from interagency.records.models import TrainingRecord
from interagency.records.selectors.region import stored_totals
from interagency.records.services.standings import refresh_standings
from interagency.regional.benchmarks import live_compliance, regional_benchmarks
from interagency.regional.tests.builders import sharing
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = pytest.mark.clock


def staffed(partnership, *, done: int, overdue: int, headcount: int = 0):
    """People in a role needing one course: ``done`` did it two months ago, ``overdue``
    never did; with a headcount of the role when ``headcount`` is given. The course."""
    from interagency.catalogue.tests.factories import (
        AdoptionFactory,
        CourseFactory,
        PathwayFactory,
        PathwayItemFactory,
        RoleFactory,
    )
    from interagency.people.tests.factories import (
        AgencyFactory,
        HeadcountFactory,
        PersonFactory,
    )

    role = RoleFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    course = CourseFactory.create(tier=role.tier, refresh_months=None)
    PathwayItemFactory.create(
        pathway=PathwayFactory.create(role=role, window_months=12),
        course=course,
        repeat_every_months=None,
    )
    agency = AgencyFactory.create(partnership=partnership)
    if headcount:
        HeadcountFactory.create(agency=agency, role=role, tier=None, count=headcount)
    PersonFactory.create(partnership=partnership, agency=agency, role=None)  # no role
    for index in range(done + overdue):
        person = PersonFactory.create(partnership=partnership, agency=agency, role=role)
        if index < done:
            trained(person, course, timezone.localdate() - datetime.timedelta(days=60))
    return course


def trained(person, course, day):
    return TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=day,
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )


@pytest.fixture
def partnerships(partnership, other_partnership):
    """Camden refreshed today, Islington refreshed then one person's record changed,
    Hackney never refreshed."""
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")
    for shared in (partnership, other_partnership, hackney):
        sharing(shared)
    staffed(partnership, done=4, overdue=3, headcount=12)
    course = staffed(other_partnership, done=6, overdue=2, headcount=3)
    staffed(hackney, done=5, overdue=1)
    today = timezone.localdate()
    refresh_standings(partnership, today=today)
    refresh_standings(other_partnership, today=today)
    overdue = Person.objects.filter(
        partnership=other_partnership, training__isnull=True, role__isnull=False
    ).first()
    trained(overdue, course, today - datetime.timedelta(days=1))  # standing now stale
    return [partnership, other_partnership, hackney]


def test_only_partnerships_whose_standings_count_everyone_are_read_together(partnerships):
    camden, islington, hackney = partnerships
    found = stored_totals(partnerships, timezone.localdate())
    assert set(found) == {camden.pk}
    assert islington.pk not in found and hackney.pk not in found


def test_the_region_read_together_equals_each_partnerships_own_count(partnerships):
    today = timezone.localdate()
    found = stored_totals(partnerships, today)
    (camden_totals,) = found.values()
    assert camden_totals == live_compliance(partnerships[0], today)
    # 4 of 7 up to date; the workforce is the headcount of 12, 4 of them trained.
    assert (camden_totals.with_role, camden_totals.up_to_date) == (7, 4)
    assert (camden_totals.workforce, camden_totals.trained) == (12, 4)


def test_the_benchmarks_are_the_same_whichever_path_counts_them(partnerships, london):
    today = timezone.localdate()
    year = financial_year_of(today)
    region = london
    grouped = regional_benchmarks(region, year, today)
    for partnership in partnerships:
        refresh_standings(partnership, today=today - datetime.timedelta(days=1))
    assert stored_totals(partnerships, today) == {}
    live = regional_benchmarks(region, year, today)
    assert grouped.partnerships == live.partnerships
    assert grouped.region_row == live.region_row
    rows = {row.code: row for row in grouped.partnerships}
    assert str(rows["camden"].compliance_percent) == "57.1"
    assert str(rows["islington"].compliance_percent) == "87.5"
    assert str(rows["hackney"].compliance_percent) == "83.3"


def test_fresh_standings_cost_one_query_a_partnership_beside_a_fixed_few(
    partnership, other_partnership, london
):
    """Compliance read together: each partnership whose standings hold adds only its
    rules' fingerprint to the queries its unit costs and statistics take."""
    today = timezone.localdate()
    year = financial_year_of(today)
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            regional_benchmarks(london, year, today)
        return len(queries.captured_queries)

    def share_refreshed(shared, done: int) -> None:
        sharing(shared)
        staffed(shared, done=done, overdue=2, headcount=done)
        refresh_standings(shared, today=today)

    share_refreshed(partnership, 5)
    share_refreshed(other_partnership, 6)
    two = count()
    share_refreshed(hackney, 9)
    three = count()
    assert set(stored_totals([partnership, other_partnership, hackney], today)) == {
        partnership.pk,
        other_partnership.pk,
        hackney.pk,
    }
    # Unit costs 3, statistics 5, the rules' fingerprint 1.
    assert three - two == 9
    refresh_standings(hackney, today=today - datetime.timedelta(days=1))
    assert count() > three  # counted live: records' own queries
