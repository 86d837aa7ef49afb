"""Where training records come from: a learner declares training done elsewhere, their line
manager approves it, and a coordinator imports a file of e-learning completions.

Every page is checked with axe, its error summary included, and the watch fails the test
on console errors (CSP) or script errors.
"""

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.catalogue.tests.factories import AdoptionFactory, CourseFactory
from interagency.core.permissions import Role
from interagency.people.tests.factories import PersonFactory
from interagency.records.models import TrainingRecord
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(partnership, settings, tmp_path):
    settings.RECORDS_EVIDENCE_DIR = tmp_path / "evidence"
    course = CourseFactory.create(title="Working Together")
    AdoptionFactory.create(partnership=partnership, framework=course.framework)
    users = {}
    for name, role in (("Lee Learner", Role.LEARNER), ("Mo Manager", Role.LINE_MANAGER)):
        users[role] = UserFactory.create(full_name=name)
        MembershipFactory.create(partnership=partnership, user=users[role], role=role)
    manager = PersonFactory.create(
        partnership=partnership, agency__partnership=partnership, user=users[Role.LINE_MANAGER]
    )
    PersonFactory.create(
        partnership=partnership,
        agency=manager.agency,
        user=users[Role.LEARNER],
        line_manager=manager,
        full_name="Lee Learner",
        work_email="lee@agency.example",
    )
    coordinator = UserFactory.create(full_name="Cat Coordinator")
    MembershipFactory.create(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    return {
        "learner": users[Role.LEARNER],
        "manager": users[Role.LINE_MANAGER],
        "coordinator": coordinator,
    }


def test_a_declaration_is_made_then_approved(
    browser, live_server, watch: PageWatch, partnership, people, tmp_path
):
    page = signed_in_page(browser, live_server, people["learner"], watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/records/")
    assert heading(page) == "Records"
    watch.check_accessibility(page, "records, learner")
    follow(page, page.get_by_role("link", name="Training done elsewhere"))
    assert heading(page) == "Training done elsewhere"
    watch.check_accessibility(page, "declarations, learner")
    follow(page, page.get_by_role("button", name="Declare training"))
    follow(page, page.get_by_role("button", name="Send for approval"))
    assert page.get_by_role("alert").is_visible()
    watch.check_accessibility(page, "declare training, with errors")

    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Which course did you complete?").select_option(label="Working Together")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("How many hours did it take?").fill("3")
    page.get_by_label("Who ran the training?").fill("Royal Free, in house")
    page.get_by_role("radio", name="No", exact=True).check()
    page.get_by_label("Upload your certificate").set_input_files(str(certificate))
    follow(page, page.get_by_role("button", name="Send for approval"))
    assert "Awaiting approval" in page.get_by_role("main").inner_text()

    page = signed_in_page(browser, live_server, people["manager"], watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/records/declarations/")
    follow(page, page.get_by_role("link", name="Working Together"))
    watch.check_accessibility(page, "declaration, to decide")
    follow(page, page.get_by_role("button", name="Save decision"))
    watch.check_accessibility(page, "declaration, decision missing")
    page.get_by_label("Approve: add it to their training record").check()
    follow(page, page.get_by_role("button", name="Save decision"))
    assert TrainingRecord.objects.filter(source=TrainingRecord.Source.EXTERNAL).count() == 1
    watch.assert_clean()


def test_a_coordinator_imports_e_learning_completions(
    browser, live_server, watch: PageWatch, partnership, people, tmp_path
):
    completions = tmp_path / "completions.csv"
    completions.write_text(
        "Work email,Course,Completed\n"
        "lee@agency.example,Working Together,03/02/2026\n"
        "nobody@agency.example,Working Together,03/02/2026\n"
    )
    page = signed_in_page(browser, live_server, people["coordinator"], watch)
    page.goto(f"{live_server.url}/p/{partnership.code}/records/imports/new/")
    follow(page, page.get_by_role("button", name="Preview the file"))
    watch.check_accessibility(page, "import completions, with errors")
    page.get_by_label("Upload a file of completions").set_input_files(str(completions))
    follow(page, page.get_by_role("button", name="Preview the file"))
    assert heading(page) == "Check the completions before you record them"
    assert "nobody@agency.example" in page.get_by_role("main").inner_text()
    watch.check_accessibility(page, "import preview")
    follow(page, page.get_by_role("button", name="Record 1 completion"))
    assert heading(page) == "E-learning completions imported"
    watch.check_accessibility(page, "import applied")
    assert TrainingRecord.objects.filter(source=TrainingRecord.Source.ELEARNING).count() == 1
    watch.assert_clean()
