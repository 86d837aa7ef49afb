"""An agency lead finds who is overdue from the People page and filters to the overdue.

Every page is checked with axe, and the watch fails the test on console errors
(CSP) or script errors.
"""

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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agency_lead_sees_who_is_overdue(browser, live_server, watch: PageWatch, partnership):
    lead = UserFactory.create(full_name="Alex Lead")
    MembershipFactory.create(partnership=partnership, user=lead, role=Role.AGENCY_LEAD)
    agency = AgencyFactory.create(partnership=partnership, lead=lead, name="Camden Health")
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = TierFactory.create(framework=framework)
    role = RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    pathway = PathwayFactory.create(role=role, window_months=12)
    course = CourseFactory.create(tier=tier, title="Working Together")
    PathwayItemFactory.create(pathway=pathway, course=course, repeat_every_months=36)
    PersonFactory.create(agency=agency, role=role, full_name="Olive Overdue")
    done = PersonFactory.create(agency=agency, role=role, full_name="Dev Done")
    TrainingRecord.objects.create(
        partnership=partnership,
        person=done,
        course=course,
        completed_on=datetime.date.today() - datetime.timedelta(days=30),
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )
    PersonFactory.create(agency=agency, role=None, full_name="Nova Noroll")

    page = signed_in_page(browser, live_server, lead, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/people/")
    follow(page, page.get_by_role("link", name="Training status: who is overdue"))
    assert heading(page) == "Training status"
    main = page.get_by_role("main").inner_text()
    assert "Olive Overdue" in main and "Dev Done" in main and "No role: pathway unknown" in main
    watch.check_accessibility(page, "training status")

    page.get_by_label("Status").select_option(label="Overdue")
    follow(page, page.get_by_role("button", name="Apply filters"))
    main = page.get_by_role("main").inner_text()
    assert "Olive Overdue" in main and "Dev Done" not in main
    watch.check_accessibility(page, "training status, overdue only")
    watch.assert_clean()
