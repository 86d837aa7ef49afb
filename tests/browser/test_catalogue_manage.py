"""The coordinator's catalogue pages in a real browser: manage, export and import, with axe.

A Camden coordinator who uses the London framework (Competence Matters, the
real shipped file) opens each management page, downloads the framework as
XLSX and JSON, uploads a broken copy (every problem listed, nothing imported)
and then an edited copy (imported as Camden's own framework).
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from interagency.catalogue.models import CompetenceFramework
from interagency.core.permissions import Role
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_people import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def london_coordinator(partnership):
    """A coordinator of a partnership that uses the real London framework."""
    from interagency.accounts.tests.factories import UserFactory
    from interagency.catalogue import interchange, services
    from interagency.tenancy.tests.factories import MembershipFactory

    framework = interchange.build_framework(
        interchange.shipped_document("competence-matters")
    ).framework
    services.adopt_framework(partnership=partnership, framework=framework)
    user = UserFactory(full_name="Cora Ordinator")
    MembershipFactory(partnership=partnership, user=user, role=Role.COORDINATOR)
    return user


def download(page: Any, link: Any, folder: Path) -> Path:
    with page.expect_download() as started:
        link.click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved


def test_a_coordinator_manages_exports_and_imports_the_catalogue_accessibly(
    live_server, browser, watch: PageWatch, partnership, london_coordinator, tmp_path
):
    page = signed_in_page(browser, live_server, london_coordinator, watch, accept_downloads=True)
    page.goto(f"{live_server.url}/p/camden/catalogue/")
    follow(page, page.get_by_role("link", name="Manage the catalogue"))
    assert heading(page) == "Manage the catalogue"
    watch.check_accessibility(page, "manage the catalogue")
    manage = page.url

    main = page.get_by_role("main")
    follow(page, main.get_by_role("link", name="Tailor courses", exact=True))
    watch.check_accessibility(page, "tailor courses")
    follow(page, main.get_by_role("link", name="Change").first)
    assert page.get_by_label("Local title (optional)").is_visible()
    watch.check_accessibility(page, "tailor a course")

    page.goto(manage)
    follow(page, main.get_by_role("link", name="Local courses", exact=True))
    watch.check_accessibility(page, "local courses")
    follow(page, page.get_by_role("link", name="Add a local course"))
    watch.check_accessibility(page, "add a local course")

    # A local role, then its pathway.
    page.goto(manage)
    follow(page, main.get_by_role("link", name="Roles and pathways", exact=True))
    watch.check_accessibility(page, "roles and pathways")
    follow(page, page.get_by_role("link", name="Add a local role"))
    follow(page, page.get_by_role("button", name=re.compile("^Add")))  # nothing filled in
    assert page.title().startswith("Error: ")
    watch.check_accessibility(page, "add a local role: errors")
    page.get_by_label("Framework and tier").select_option(index=2)
    page.get_by_label("Name of the role").fill("Camden family hub worker")
    follow(page, page.get_by_role("button", name=re.compile("^Add")))
    assert page.get_by_text("Camden family hub worker added").is_visible()
    watch.check_accessibility(page, "a local role's pathway")
    page.goto(manage)

    # Export: both files download, and the JSON is the framework as Camden runs it.
    exports = page.get_by_role("main").get_by_role("listitem").filter(has_text="Competence Matters")
    workbook = download(page, exports.get_by_role("link", name="Excel (XLSX)"), tmp_path)
    assert workbook.suffix == ".xlsx" and workbook.read_bytes()[:2] == b"PK"
    exported = download(page, exports.get_by_role("link", name="JSON"), tmp_path)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["slug"] == "competence-matters" and len(document["courses"]) == 68

    # Import a broken copy: every problem listed, nothing imported.
    follow(page, page.get_by_role("link", name="Import a framework"))
    assert heading(page) == "Import a framework"
    watch.check_accessibility(page, "import a framework")
    broken = dict(document, slug="camden-own", tiers="not a list")
    broken_file = tmp_path / "broken.json"
    broken_file.write_text(json.dumps(broken), encoding="utf-8")
    page.get_by_label("Upload").set_input_files(str(broken_file))
    follow(page, page.get_by_role("button", name="Check and import"))
    assert page.title().startswith("Error: ")
    assert page.get_by_role("heading", name="The file was not imported").is_visible()
    assert page.get_by_role("table").get_by_role("row").count() >= 2
    watch.check_accessibility(page, "import a framework: problems")
    assert not CompetenceFramework.objects.filter(slug="camden-own").exists()

    # An edited copy becomes Camden's own framework.
    edited = dict(document, slug="camden-own", name="Camden's own framework")
    edited_file = tmp_path / "camden.json"
    edited_file.write_text(json.dumps(edited), encoding="utf-8")
    page.get_by_label("Upload").set_input_files(str(edited_file))
    follow(page, page.get_by_role("button", name="Check and import"))
    assert page.get_by_text("Imported Camden's own framework").is_visible()
    watch.check_accessibility(page, "import a framework: imported")
    assert CompetenceFramework.objects.get(slug="camden-own").owner_partnership == partnership

    page.context.close()
    print(f"axe checked {len(watch.pages_checked)} pages: {', '.join(watch.pages_checked)}")
    watch.assert_clean()
