"""The region's closed year read from compliance stored at its end (decision 0036) gives the
figures each partnership's live ranking gives, at a fixed cost per partnership."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interagency.records.models import TrainingRecord, YearEndRefresh
from interagency.records.selectors.region import stored_totals
from interagency.records.services.year_end import refresh_year_end
from interagency.records.year_end import last_year_end
from interagency.regional.benchmarks import live_compliance, regional_benchmarks
from interagency.regional.tests.builders import last_year, sharing
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = pytest.mark.clock


def staffed(partnership, *, done: int, overdue: int, headcount: int = 0):
    """People in a role needing one course, ``done`` of them trained two months before the
    last year end, ``overdue`` never; one without a role; a headcount if given. The course."""
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
    PersonFactory.create(partnership=partnership, agency=agency, role=None)
    for index in range(done + overdue):
        person = PersonFactory.create(partnership=partnership, agency=agency, role=role)
        if index < done:
            trained(person, course, year_end() - datetime.timedelta(days=60))
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


def year_end() -> datetime.date:
    return last_year_end(timezone.localdate())


@pytest.fixture
def partnerships(partnership, other_partnership):
    """Camden's year end stored; Islington's stored, then a late record dated in that year;
    Hackney's never."""
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")
    for shared in (partnership, other_partnership, hackney):
        sharing(shared)
    staffed(partnership, done=4, overdue=3, headcount=12)
    course = staffed(other_partnership, done=6, overdue=2, headcount=3)
    staffed(hackney, done=5, overdue=1)
    today = timezone.localdate()
    refresh_year_end(partnership, today=today)
    refresh_year_end(other_partnership, today=today)
    late = other_partnership.person_set.filter(training__isnull=True, role__isnull=False)
    trained(late.first(), course, year_end() - datetime.timedelta(days=3))
    return [partnership, other_partnership, hackney]


def test_only_partnerships_whose_year_end_holds_are_read_from_it(partnerships):
    camden = partnerships[0]
    found = stored_totals(partnerships, year_end())
    assert found == {camden.pk: live_compliance(camden, year_end())}
    # 4 of 7 up to date at the year end; the workforce is the headcount of 12, 4 trained.
    assert (found[camden.pk].with_role, found[camden.pk].up_to_date) == (7, 4)
    assert (found[camden.pk].workforce, found[camden.pk].trained) == (12, 4)


def test_the_closed_years_benchmarks_are_the_same_whichever_path_counts_them(partnerships, london):
    today = timezone.localdate()
    stored = regional_benchmarks(london, last_year(), today)
    YearEndRefresh.objects.all().delete()  # every partnership ranked live
    live = regional_benchmarks(london, last_year(), today)
    assert stored.as_of == year_end()
    assert stored.partnerships == live.partnerships
    assert stored.region_row == live.region_row
    rows = {row.code: str(row.compliance_percent) for row in stored.partnerships}
    # Islington's late record counted: 7 of 8 up to date, as the live ranking says.
    assert rows == {"camden": "57.1", "islington": "87.5", "hackney": "83.3"}


def test_a_held_year_end_costs_one_query_a_partnership_beside_a_fixed_few(
    partnership, other_partnership, london
):
    """Each partnership whose year end holds adds only its rules' fingerprint to the queries
    its unit costs and statistics take, for the closed year."""
    today = timezone.localdate()
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            regional_benchmarks(london, last_year(), today)
        return len(queries.captured_queries)

    def share_refreshed(shared, done: int) -> None:
        sharing(shared)
        staffed(shared, done=done, overdue=2, headcount=done)
        refresh_year_end(shared, today=today)

    share_refreshed(partnership, 5)
    share_refreshed(other_partnership, 6)
    two = count()
    share_refreshed(hackney, 9)
    three = count()
    assert len(stored_totals([partnership, other_partnership, hackney], year_end())) == 3
    # Unit costs 3, statistics 5, the rules' fingerprint 1.
    assert three - two == 9
    YearEndRefresh.objects.for_partnership(hackney).delete()
    assert count() > three  # counted live: records' own queries
