"""Agencies and people in a real browser, as a coordinator maps their partnership.

One walk with JavaScript on (every page checked with axe, the line manager
matches arriving by htmx as the coordinator types) and one with JavaScript off
(the line manager found with the Find button). One more imports a staff list
as HR systems export it (organisation, contract words, an unknown role, all
asked about on the preview) and gives a person a second post. The sign-in itself is covered by
``test_pages.py``; here the browser is handed a signed-in, verified session.
"""

import re
from typing import Any

import pytest
from django.test import Client

from conftest import sign_in_verified
from interagency.core.permissions import Role
from interagency.people.models import (
    Agency,
    AgencyAlias,
    EmploymentType,
    Person,
    Post,
    Sector,
)
from interagency.people.tests.factories import AgencyFactory, PersonFactory, ServiceFactory
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One good row, one with a work email that is not an email address.
STAFF_CSV = (
    "Employee Name,Email,Staff number\n"
    "Ana Silva,ana.silva@camden.example,H1\n"
    "Ben Broken,not-an-email,H2\n"
)


def signed_in_page(browser: Any, live_server: Any, user: Any, watch: PageWatch, **options) -> Any:
    """A browser page whose session is ``user``'s, past the second factor."""
    from django.conf import settings

    client = Client()
    sign_in_verified(client, user)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    watch.attach(page)
    return page


@pytest.fixture
def camden_coordinator(partnership):
    from interagency.accounts.tests.factories import UserFactory

    user = UserFactory(full_name="Cora Ordinator")
    MembershipFactory(partnership=partnership, user=user, role=Role.COORDINATOR)
    return user


@pytest.fixture
def practitioner(partnership):
    """A small adopted catalogue: the Practitioner role must do "Core B" within two years."""
    from interagency.catalogue.tests import factories as catalogue

    framework = catalogue.FrameworkFactory.create()
    catalogue.AdoptionFactory.create(partnership=partnership, framework=framework)
    tier = catalogue.TierFactory.create(framework=framework, name="Group B", order=2)
    role = catalogue.RoleFactory.create(framework=framework, tier=tier, name="Practitioner")
    pathway = catalogue.PathwayFactory.create(role=role, window_months=24)
    course = catalogue.CourseFactory.create(tier=tier, title="Core B")
    catalogue.PathwayItemFactory.create(pathway=pathway, course=course, repeat_every_months=36)
    return role


@pytest.fixture
def royal_free(partnership, practitioner):
    agency = AgencyFactory.create(
        partnership=partnership,
        name="Royal Free Hospital",
        is_statutory_partner=True,
        contact_email="safeguarding@royalfree.example",
    )
    ward = ServiceFactory.create(agency=agency, name="Children's ward")
    PersonFactory.create(
        agency=agency,
        service=ward,
        full_name="Morgan Matron",
        job_title="Matron",
        role=practitioner,
    )
    PersonFactory.create(agency=agency, full_name="Mona Left", left_on="2024-01-31")
    PersonFactory.create(agency=agency, service=ward, full_name="Pat Porter", role=practitioner)
    return agency


def test_a_coordinator_maps_agencies_and_people_and_every_page_is_accessible(
    live_server, browser, watch, partnership, camden_coordinator, royal_free
):
    page = signed_in_page(browser, live_server, camden_coordinator, watch)
    base = f"{live_server.url}/p/camden/people/"

    page.goto(base)
    assert heading(page) == "People"
    watch.check_accessibility(page, "people index")

    follow(page, page.get_by_role("main").get_by_role("link", name="Agencies and services"))
    assert heading(page) == "Agencies"
    watch.check_accessibility(page, "agencies")

    follow(page, page.get_by_role("link", name="Add an agency"))
    assert heading(page) == "Add an agency"
    follow(page, page.get_by_role("button", name="Add agency"))  # nothing filled in
    assert page.title().startswith("Error: ")
    assert page.locator(".govuk-error-summary").get_by_role("link").count() >= 1
    watch.check_accessibility(page, "add an agency: errors")
    page.get_by_label("Agency name").fill("Camden Council Early Help")
    page.get_by_label("Sector").select_option(label="Children's social care")
    page.get_by_label("Contact email address").fill("early.help@camden.example")
    follow(page, page.get_by_role("button", name="Add agency"))
    assert heading(page) == "Camden Council Early Help"
    assert page.get_by_text("Camden Council Early Help added.").is_visible()
    watch.check_accessibility(page, "agency page")
    council = Agency.objects.get(name="Camden Council Early Help")
    assert council.sector == Sector.CHILDRENS_SOCIAL_CARE

    # Add a person: the line manager's matches follow the typing (htmx).
    page.goto(f"{base}new/?agency={council.pk}")
    assert heading(page) == "Add a person"
    watch.check_accessibility(page, "add a person")
    page.get_by_label("Full name").fill("Nadia Newstarter")
    page.get_by_label("Work email address").fill("nadia@camden.example")
    page.get_by_label("Job title").fill("Family support worker")
    with page.expect_response(lambda response: "manager_search=mor" in response.url):
        page.get_by_label("Find the line manager (optional)").press_sequentially("mor")
    matches = page.get_by_role("group", name="Line manager")
    assert matches.get_by_text("1 match for “mor”").is_visible()
    assert matches.get_by_role("radio").count() == 2  # Morgan Matron, No line manager
    watch.check_accessibility(page, "add a person: line manager matches")
    matches.get_by_label("Morgan Matron").check()
    # Typing on keeps the chosen manager at the top, checked.
    with page.expect_response(lambda response: "manager_search=morx" in response.url):
        page.get_by_label("Find the line manager (optional)").fill("morx")
    assert matches.get_by_text("Nothing that you can choose matches “morx”").is_visible()
    assert matches.get_by_label("Morgan Matron").is_checked()
    follow(page, page.get_by_role("button", name="Add person"))
    assert heading(page) == "Nadia Newstarter"
    watch.check_accessibility(page, "person page")
    nadia = Person.objects.select_related("line_manager").get(full_name="Nadia Newstarter")
    assert nadia.agency == council
    assert nadia.line_manager is not None and nadia.line_manager.full_name == "Morgan Matron"

    # The people list with its filters.
    page.goto(f"{base}list/")
    assert heading(page) == "People list"
    watch.check_accessibility(page, "people list")
    # The agency filter is a search: its matches follow the typing (htmx).
    with page.expect_response(lambda response: "agency_search=royal" in response.url):
        page.get_by_label("Find the agency", exact=True).press_sequentially("royal")
    agencies = page.get_by_role("group", name="Agency", exact=True)
    agencies.get_by_label("Royal Free Hospital").check()
    page.get_by_label("Current or left").select_option(label="Current and left")
    follow(page, page.get_by_role("button", name="Apply filters"))
    names = page.get_by_role("main").get_by_role("table").get_by_role("rowheader")
    listed = " ".join(names.all_inner_texts())
    assert "Mona Left" in listed and "Morgan Matron" in listed and "Nadia" not in listed
    watch.check_accessibility(page, "people list filtered")

    # Import a small staff list with one bad row: the preview names it.
    page.goto(f"{base}imports/")
    assert heading(page) == "Staff list imports"
    watch.check_accessibility(page, "imports")
    follow(page, page.get_by_role("button", name="Import a staff list"))
    assert heading(page) == "Import a staff list"
    watch.check_accessibility(page, "import a staff list")
    with page.expect_response(lambda response: "agency_search=early" in response.url):
        page.get_by_label("Find the agency whose staff list this is").press_sequentially("early")
    agencies = page.get_by_role("group", name="Agency", exact=True)
    agencies.get_by_label("Camden Council Early Help").check()
    page.get_by_label("Upload the staff list").set_input_files(
        files=[{"name": "early-help.csv", "mimeType": "text/csv", "buffer": STAFF_CSV.encode()}]
    )
    follow(page, page.get_by_role("button", name="Continue"))
    assert heading(page) == "Choose the columns"
    watch.check_accessibility(page, "import: columns")
    follow(page, page.get_by_role("button", name="Check the file"))
    assert heading(page) == "Check the import"
    assert page.get_by_text("Enter a work email in the correct format").first.is_visible()
    assert page.get_by_role("link", name=re.compile("Download the 1 rejected row")).is_visible()
    watch.check_accessibility(page, "import: preview with a bad row")
    assert not Person.objects.filter(full_name="Ana Silva").exists()

    page.goto(f"{base}needs/")
    assert heading(page) == "Training needs"
    assert page.get_by_role("main").get_by_role("table").get_by_text("Core B").count() >= 1
    assert page.get_by_role("img").count() >= 1  # the chart, an SVG with a text alternative
    watch.check_accessibility(page, "training needs")

    page.goto(f"{base}survey/")
    assert heading(page) == "Mapping survey"
    assert page.get_by_role("button", name="Send survey to Royal Free Hospital").is_visible()
    watch.check_accessibility(page, "mapping survey")

    page.context.close()
    print(f"axe checked {len(watch.pages_checked)} pages: {', '.join(watch.pages_checked)}")
    watch.assert_clean()


def test_the_line_manager_is_found_with_the_find_button_without_javascript(
    live_server, browser, watch, partnership, camden_coordinator, royal_free
):
    page = signed_in_page(
        browser, live_server, camden_coordinator, watch, java_script_enabled=False
    )
    page.goto(f"{live_server.url}/p/camden/people/new/?agency={royal_free.pk}")
    page.get_by_label("Full name").fill("Olu Offline")
    page.get_by_label("Find the line manager (optional)").fill("p")
    follow(page, page.get_by_role("button", name="Find line manager"))
    # Nothing saved and no errors: the same form, as typed, with the matches.
    assert heading(page) == "Add a person"
    assert not page.title().startswith("Error")
    assert page.get_by_label("Full name").input_value() == "Olu Offline"
    matches = page.get_by_role("group", name="Line manager")
    assert matches.get_by_text("2 matches for “p”").is_visible()
    matches.get_by_label("Pat Porter").check()
    follow(page, page.get_by_role("button", name="Add person"))
    assert heading(page) == "Olu Offline"
    assert not page.evaluate("document.body.classList.contains('js-enabled')")
    olu = Person.objects.select_related("line_manager").get(full_name="Olu Offline")
    assert olu.line_manager is not None and olu.line_manager.full_name == "Pat Porter"
    page.context.close()
    watch.assert_clean()


HR_EXPORT = (
    "First name,Surname,Email,Organisation,Contract,Role\n"
    "Ana,Silva,ana@royalfree.example,Royal Free Hospital,Permanent,Practitioner\n"
    'Ben,"Okafor, Jr",ben@royalfree.example,RFH Trust,Sessional,Practitioner\n'
    "Cy,Three,cy@royalfree.example,Royal Free Hospital,Bank,Snr Practitioner\n"
)


def test_a_coordinator_reviews_an_hr_export_then_adds_and_ends_a_post(
    live_server, browser, watch, partnership, camden_coordinator, royal_free, practitioner
):
    page = signed_in_page(browser, live_server, camden_coordinator, watch)
    base = f"{live_server.url}/p/camden/people/"

    page.goto(f"{base}imports/settings/")
    assert heading(page) == "What every imported person needs"
    watch.check_accessibility(page, "import settings")

    page.goto(f"{base}imports/new/")
    page.get_by_label("Several agencies: taken from the file's organisation column").check()
    page.get_by_label("Upload the staff list").set_input_files(
        files=[{"name": "hr.csv", "mimeType": "text/csv", "buffer": HR_EXPORT.encode()}]
    )
    follow(page, page.get_by_role("button", name="Continue"))
    assert heading(page) == "Choose the columns"
    watch.check_accessibility(page, "import across agencies: columns")
    follow(page, page.get_by_role("button", name="Check the file"))
    assert heading(page) == "Check the import"
    assert page.get_by_text("Read as UTF-8").is_visible()
    watch.check_accessibility(page, "import: preview asking about organisations, words, roles")

    page.get_by_label(re.compile("RFH Trust")).select_option(label="Royal Free Hospital")
    page.get_by_label(re.compile("Sessional")).select_option(label="Agency or locum")
    page.get_by_label(re.compile("Snr Practitioner")).select_option(label="Practitioner")
    follow(page, page.get_by_role("button", name="Save these choices and check the rows again"))
    assert heading(page) == "Check the import"
    watch.check_accessibility(page, "import: preview after the choices")
    follow(page, page.get_by_role("button", name="Apply the import"))

    people = {p.full_name: p for p in Person.objects.filter(agency=royal_free)}
    assert {"Ana Silva", "Ben Okafor, Jr", "Cy Three"} <= people.keys()
    assert people["Ben Okafor, Jr"].employment_type == EmploymentType.AGENCY_LOCUM
    assert people["Cy Three"].role == practitioner
    assert AgencyAlias.objects.filter(agency=royal_free).count() == 1

    page.goto(f"{base}{people['Ana Silva'].pk}/")
    follow(page, page.get_by_role("link", name="Add a post"))
    assert heading(page) == "Add a post"
    watch.check_accessibility(page, "add a post")
    page.get_by_label("Job title").fill("Night duty lead")
    follow(page, page.get_by_role("button", name="Add post"))
    assert page.get_by_text("Night duty lead").first.is_visible()
    watch.check_accessibility(page, "person page with two posts")
    follow(page, page.get_by_role("link", name=re.compile("End this post")).first)
    assert heading(page) == "When does this post end?"
    watch.check_accessibility(page, "end a post")
    post = Post.objects.get(person=people["Ana Silva"])
    assert post.left_on is None

    page.context.close()
    watch.assert_clean()
