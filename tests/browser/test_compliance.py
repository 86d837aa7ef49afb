"""A coordinator reads the partnership's compliance heat map and drills down to an agency's
people; a board member reads the same map without names. Every page is checked with axe."""

import datetime

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.catalogue.tests.factories import (
    AdoptionFactory,
    CourseFactory,
    FrameworkFactory,
    PathwayFactory,
    PathwayItemFactory,
    RoleFactory,
    TierFactory,
)
from interagency.core.permissions import Role
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records.models import TrainingRecord
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.clock, pytest.mark.django_db(transaction=True)]


def a_partnership_with_people(partnership) -> None:
    framework = FrameworkFactory.create(name="Competence Matters")
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework, name="Group B")
    role = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    pathway = PathwayFactory.create(role=role, window_months=12)
    course = CourseFactory.create(tier=tier, title="Working Together")
    PathwayItemFactory.create(pathway=pathway, course=course, repeat_every_months=36)
    for sector, name, done, overdue in (
        ("health", "Camden Health", 9, 1),
        ("education", "Hill School", 3, 3),
        ("police", "Met Police", 1, 4),
    ):
        agency = AgencyFactory.create(partnership=partnership, name=name, sector=sector)
        for index in range(done + overdue):
            person = PersonFactory.create(
                agency=agency,
                role=role,
                full_name=f"{name} person {index}",
                started_on=datetime.date(2015, 1, 1),
            )
            if index < done:
                TrainingRecord.objects.create(
                    partnership=partnership,
                    person=person,
                    course=course,
                    completed_on=datetime.date(2026, 1, 10),
                    hours=3,
                    source=TrainingRecord.Source.EXTERNAL,
                )


def test_a_coordinator_reads_the_heat_map_and_drills_down(
    browser, live_server, watch: PageWatch, partnership
):
    coordinator = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    a_partnership_with_people(partnership)

    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/records/compliance/")
    assert heading(page) == "Partnership compliance"
    heat_map = page.locator("#heat-map").inner_text()
    assert "Good: 9 of 10" in heat_map
    assert "Fair" not in heat_map or "Poor: 3 of 6" in heat_map
    assert "Poor: 1 of 5" in heat_map
    watch.check_accessibility(page, "partnership compliance heat map")

    follow(page, page.get_by_role("link", name="20% up to date, Met Police, Group B"))
    people = page.locator("#named-people").inner_text()
    assert "Met Police person 4" in people and "Camden Health" not in people
    watch.check_accessibility(page, "partnership compliance, one agency's people")
    watch.assert_clean()


def test_a_board_member_reads_the_heat_map_without_names(
    browser, live_server, watch: PageWatch, partnership
):
    board = UserFactory.create(full_name="Bo Ard")
    MembershipFactory.create(partnership=partnership, user=board, role=Role.BOARD_MEMBER)
    a_partnership_with_people(partnership)

    page = signed_in_page(browser, live_server, board, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/records/compliance/?sector=police")
    main = page.get_by_role("main").inner_text()
    assert "Poor: 1 of 5" in main and "Camden Health" not in page.locator("#heat-map").inner_text()
    assert page.get_by_role("link", name="20% up to date, Met Police, Group B").count() == 0
    watch.check_accessibility(page, "partnership compliance for a board member")
    watch.assert_clean()
