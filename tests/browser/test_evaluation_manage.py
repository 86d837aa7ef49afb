"""A coordinator reads the evaluation: home, questionnaires, a plan's results filtered by
sector, results across courses, the trainer's page of a session and the settings.
Every page is checked with axe; the watch fails the test on console or script errors."""

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.models import WaveKind
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def answered_plan(partnership):
    """Six learners from health and five from the police answered the start and the end."""
    plan = make_plan(partnership)
    for sector, people in ((Sector.HEALTH, 6), (Sector.POLICE, 5)):
        agency = AgencyFactory.create(partnership=partnership, sector=sector)
        for number in range(people):
            booking = BookingFactory.create(
                session=plan.session, person=PersonFactory(agency=agency), agency=agency
            )
            code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
            start = 1 + number % 2
            for kind, c1 in ((WaveKind.START, start), (WaveKind.END, start + 2 + number % 3)):
                submit_response(
                    wave=plan.waves.get(kind=kind),
                    answers=full_answers(c1=min(c1, 5)),
                    idempotency_key=f"{kind}-{code}",
                    consented=True,
                    code=code,
                )
    return plan


def test_a_coordinator_reads_the_evaluation_pages(
    browser, live_server, answered_plan, watch: PageWatch, partnership
):
    coordinator = UserFactory.create(full_name="Cora Ordinator")
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    page = signed_in_page(browser, live_server, coordinator, watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/evaluation/")
    assert heading(page) == "Evaluation"
    watch.check_accessibility(page, "evaluation home")

    follow(page, page.get_by_role("link", name="Questionnaires"))
    watch.check_accessibility(page, "questionnaires")
    page.go_back()

    follow(page, page.get_by_role("link", name=str(answered_plan.session)))
    assert page.get_by_role("heading", name="Change by sector", exact=False).first.is_visible()
    watch.check_accessibility(page, "plan results")
    page.get_by_label("Sector", exact=True).select_option(label="Police")
    follow(page, page.get_by_role("button", name="Apply filters"))
    assert page.get_by_text("These results are filtered: 10 learner responses match.").is_visible()
    watch.check_accessibility(page, "plan results filtered by sector")
    page.get_by_label("Courses run from").fill("2030-01-02")
    page.get_by_label("Courses run to").fill("2030-01-01")
    follow(page, page.get_by_role("button", name="Apply filters"))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("The ‘to’ date must be on or after the ‘from’ date.").is_visible()
    watch.check_accessibility(page, "plan results with a filter in error")

    page.goto(f"{live_server.url}/p/{partnership.code}/evaluation/results/")
    assert heading(page) == "Results across courses"
    assert page.locator("svg[role=img]").first.is_visible()
    watch.check_accessibility(page, "results across courses")

    page.goto(
        f"{live_server.url}/p/{partnership.code}/evaluation/sessions/{answered_plan.session_id}/"
    )
    watch.check_accessibility(page, "trainer's page of a session")

    page.goto(f"{live_server.url}/p/{partnership.code}/evaluation/settings/")
    assert heading(page) == "Evaluation settings"
    watch.check_accessibility(page, "evaluation settings")
    page.get_by_label("Yes, once they have answered").check()
    follow(page, page.get_by_role("button", name="Save settings"))
    assert page.get_by_text("Evaluation settings saved.").is_visible()
    assert page.get_by_label("Yes, once they have answered").is_checked()
    watch.check_accessibility(page, "evaluation settings saved")
    watch.assert_clean()
