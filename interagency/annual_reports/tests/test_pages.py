"""The annual report's page, PDF, workbook, narrative and API, as board members and
coordinators use them."""

import html
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from interagency.annual_reports.models import AnnualReport
from interagency.annual_reports.tests.conftest import YEAR
from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role

# Written around a named financial year (2025): it stands at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

HEADINGS = (
    "Annual report: April 2025 to March 2026",
    "The board's priorities",
    "Outputs",
    "Reach",
    "Compliance",
    "Outcomes",
    "Costs and funding",
    "Beside the children of the area",
    "Lessons from local reviews",
    "Plans for next year",
)


def address(partnership, name: str = "report") -> str:
    return reverse(f"annual_reports:{name}", kwargs={"code": partnership.code})


def text_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def board_client(client, sign_in, member_with):
    sign_in(member_with(Role.BOARD_MEMBER))
    return client


def test_a_board_member_reads_the_years_report_with_tables_beside_the_charts(borough, board_client):
    text = text_of(board_client.get(address(borough.partnership), {"year": YEAR}))
    found = [
        html.unescape(re.sub("<[^>]+>", "", h))
        for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", text)
    ]
    assert [h for h in found if h in HEADINGS] == list(HEADINGS)
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">22</td>' in text  # places
    assert "Under-represented:</strong> General Practitioner" in text
    assert 'alt="Attendances by agency. Met Police: 2; Royal Free: 2."' in text
    assert 'id="agencies-table"' in text and 'id="professions-table"' in text
    assert "Groups of fewer than 5 people are not shown" in text
    assert "Write the narrative" not in text  # board members read, coordinators write
    reports = reverse("tenancy:area", kwargs={"code": borough.partnership.code, "area": "reports"})
    assert f'href="{reports}" aria-current="page"' in text  # in the Reports area


def test_an_area_without_official_figures_reads_not_available(
    partnership, board_client, coordinator
):
    text = text_of(board_client.get(address(partnership), {"year": YEAR}))
    assert "Sessions per 1,000 children in need</th>" in text
    ratios = text.split('id="ratios-table"')[1].split("</table>")[0]
    assert ratios.count("not available") == 6 and ">0<" not in ratios


def structure(node, found: list) -> list:
    """Every structure element's type and text alternative, depth first."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            structure(child, found)
        return found
    if hasattr(node, "get") and node.get("/S") is not None:
        found.append((str(node["/S"]), str(node.get("/Alt", ""))))
    if hasattr(node, "get") and node.get("/K") is not None:
        structure(node["/K"], found)
    return found


def test_the_pdf_is_tagged_with_its_language_title_and_headings_in_page_order(
    borough, board_client
):
    response = board_client.get(address(borough.partnership, "pdf"), {"year": YEAR})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata is not None and (reader.metadata.title or "").startswith("Annual report")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    positions = [text.find(heading) for heading in HEADINGS]
    assert -1 not in positions and positions == sorted(positions)
    tags = structure(root["/StructTreeRoot"], [])
    kinds = {kind for kind, _ in tags}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    assert ("/Figure", "Attendances by agency. Met Police: 2; Royal Free: 2.") in tags


def test_the_workbook_opens_and_holds_its_charts_with_cells_safe_from_formulas(
    borough, board_client
):
    borough.agencies["police"].name = '=HYPERLINK("http://x")'
    borough.agencies["police"].save()
    response = board_client.get(address(borough.partnership, "xlsx"), {"year": YEAR})
    assert response.status_code == 200
    content = response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "About",
        "Outputs",
        "Reach and compliance",
        "Outcomes",
        "Costs and funding",
        "Children of the area",
    ]
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert len([name for name in names if name.startswith("xl/charts/chart")]) == 3
    outputs = [[cell.value for cell in row] for row in book["Outputs"].iter_rows()]
    assert ["Places offered", 22] in [row[:2] for row in outputs]
    agency_cells = [row[0] for row in outputs]
    assert '\'=HYPERLINK("http://x")' in agency_cells
    ratios = [[cell.value for cell in row] for row in book["Children of the area"].iter_rows()]
    assert ["Children in need at 31 March 2026 (DfE)", 1808] in [row[:2] for row in ratios]


def test_a_coordinator_writes_the_narrative_and_the_change_is_audited(
    borough, coordinator_client, partnership
):
    page = text_of(coordinator_client.get(address(partnership), {"year": YEAR}))
    assert "Write the narrative for April 2025 to March 2026" in page
    url = address(partnership, "narrative") + f"?year={YEAR}"
    response = coordinator_client.post(
        url, {"priorities": "Reach GPs.", "lessons": "Listen to children.", "plans": ""}
    )
    assert response.status_code == 302
    kept = AnnualReport.objects.get(partnership=partnership, year=YEAR)
    assert (kept.priorities, kept.lessons) == ("Reach GPs.", "Listen to children.")
    event = AuditEvent.objects.filter(partnership=partnership, subject_type__icontains="annual")
    assert event.get().changes["priorities"] == ["", "Reach GPs."]
    text = text_of(coordinator_client.get(response["Location"]))
    assert "Reach GPs." in text and "Not written yet." in text  # plans left empty


def test_a_board_member_may_not_write_the_narrative(borough, board_client, partnership):
    url = address(partnership, "narrative") + f"?year={YEAR}"
    assert board_client.get(url).status_code == 403
    assert board_client.post(url, {"priorities": "Mine"}).status_code == 403
    assert not AnnualReport.objects.exists()


def test_another_partnerships_report_is_not_found(borough, client, sign_in, member_with):
    from interagency.tenancy.tests.factories import PartnershipFactory

    elsewhere = PartnershipFactory.create()
    sign_in(member_with(Role.BOARD_MEMBER, partnership=elsewhere))
    for name in ("report", "pdf", "xlsx"):
        assert client.get(address(borough.partnership, name)).status_code == 404


def test_the_api_gives_the_pages_figures_and_takes_the_narrative(
    borough, token_client, member_with, coordinator, partnership
):
    url = reverse("api:annual-report", kwargs={"code": partnership.code})
    body = token_client(member_with(Role.BOARD_MEMBER)).get(url, {"year": YEAR}).json()
    assert body["outputs"]["sessions"] == 2 and body["outputs"]["places"] == 22
    assert body["children_in_need"] == 1808
    assert body["ratios"][0] == {"label": "Sessions per 1,000 children in need", "value": "1.1"}
    gp = next(p for p in body["reach"]["professions"] if p["name"] == "General Practitioner")
    assert gp["under_represented"] is True
    narrative_url = reverse("api:annual-report-narrative", kwargs={"code": partnership.code})
    refused = token_client(member_with(Role.BOARD_MEMBER)).put(
        narrative_url, {"year": YEAR, "plans": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    saved = token_client(coordinator).put(
        narrative_url,
        {"year": YEAR, "plans": "Twilight sessions."},
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert {part["key"]: part["text"] for part in saved.json()}["plans"] == "Twilight sessions."


def test_the_reports_landing_page_links_to_the_annual_report(board_client, partnership):
    text = text_of(board_client.get(reverse("finance:reports", kwargs={"code": partnership.code})))
    assert address(partnership) in text


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.LINE_MANAGER, Role.TRAINER, Role.LEARNER])
def test_members_who_may_not_see_compliance_may_not_read_the_report(
    borough, client, sign_in, member_with, token_client, role
):
    member = member_with(role)
    sign_in(member)
    for name in ("report", "pdf", "xlsx"):
        assert client.get(address(borough.partnership, name)).status_code == 403
    url = reverse("api:annual-report", kwargs={"code": borough.partnership.code})
    assert token_client(member).get(url).status_code == 403


def test_a_narrative_too_long_is_refused_naming_the_field(coordinator_client, partnership):
    url = address(partnership, "narrative") + f"?year={YEAR}"
    text = text_of(coordinator_client.post(url, {"lessons": "x" * 10_001}))
    assert "Lessons from local reviews must be 10,000 characters or fewer." in text
    assert not AnnualReport.objects.exists()


def test_the_page_costs_the_same_queries_for_a_small_and_a_larger_year(
    borough, board_client, coordinator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interagency.annual_reports.tests.conftest import year_of_training

    url = address(borough.partnership)
    board_client.get(url, {"year": YEAR})
    with CaptureQueriesContext(connection) as small:
        board_client.get(url, {"year": YEAR})
    counted = len(small.captured_queries)  # read now: each request starts a new query log
    year_of_training(borough, coordinator, extra_sessions=6)
    with django_assert_max_num_queries(counted):
        text = text_of(board_client.get(url, {"year": YEAR}))
    assert counted > 0 and "Sessions delivered" in text


def test_an_agency_lead_is_not_offered_the_annual_report(client, sign_in, member_with, partnership):
    sign_in(member_with(Role.AGENCY_LEAD))
    text = text_of(client.get(reverse("finance:reports", kwargs={"code": partnership.code})))
    assert "Unit costs" in text and address(partnership) not in text


def test_the_api_refuses_a_narrative_with_control_characters(
    token_client, coordinator, partnership
):
    url = reverse("api:annual-report-narrative", kwargs={"code": partnership.code})
    refused = token_client(coordinator).put(
        url, {"year": YEAR, "lessons": "Bell\x07"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "lessons" in str(refused.json()["errors"])
    assert not AnnualReport.objects.exists()
