"""The region's benchmarks: who appears, what is suppressed, and what the region pools."""

import io
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interagency.local_statistics.models import ChildrenInNeed
from interagency.regional.tests.builders import (
    confidence_changes,
    costed_session,
    evaluated,
    last_year,
    sharing,
)
from interagency.tenancy.tests.factories import PartnershipFactory

pytestmark = pytest.mark.clock


def page_text(client, region_code: str = "london", **query) -> str:
    address = reverse("regional:benchmarks", kwargs={"region_code": region_code})
    response = client.get(address, query)
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


def api_json(client, region_code: str = "london", **query) -> dict:
    response = client.get(f"/api/v1/r/{region_code}/benchmarks", query)
    assert response.status_code == 200, response.content
    return response.json()


def row_html(text: str, name: str) -> str:
    """The table row headed by ``name`` (the first table's)."""
    found = re.search(
        rf'<th scope="row" class="govuk-table__header">{re.escape(name)}</th>(.*?)</tr>', text
    )
    assert found, f"no row for {name}"
    return found.group(1)


def two_places(value: float) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@pytest.fixture
def region(partnership, other_partnership, regional_coordinator, south_west):
    """Camden (6 people) and Islington (5 and 7) share; Hackney shares but is small (3 and
    4); Tower Hamlets does not share; Bristol shares, in another region."""
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")
    tower = PartnershipFactory.create(name="Tower Hamlets Partnership", code="tower-hamlets")
    bristol = PartnershipFactory.create(
        name="Bristol Partnership", code="bristol", region=south_west
    )
    for shared in (partnership, other_partnership, hackney, bristol):
        sharing(shared)
    sharing(tower, shares=False)
    costed_session(partnership, fee="600", attended=6)
    costed_session(other_partnership, fee="550", attended=5)
    costed_session(hackney, fee="300", attended=3)
    costed_session(tower, fee="999", attended=8)
    costed_session(bristol, fee="100", attended=9)
    evaluated(partnership, people=6, rise=2)
    evaluated(other_partnership, people=7, rise=1)
    evaluated(hackney, people=4, rise=2)
    evaluated(tower, people=8, rise=2)
    return {"hackney": hackney, "tower": tower, "bristol": bristol}


def test_only_the_regions_sharing_partnerships_appear(
    client, sign_in, regional_coordinator, region
):
    text = page_text(sign_in(regional_coordinator))
    assert "Camden Safeguarding Children Partnership" in text
    assert "Islington Safeguarding Children Partnership" in text
    assert "Hackney Partnership" in text
    assert "Tower Hamlets" not in text  # did not choose to share
    assert "Bristol" not in text  # another region's
    names = [row["name"] for row in api_json(client)["partnerships"]]
    assert names == [
        "Camden Safeguarding Children Partnership",
        "Hackney Partnership",
        "Islington Safeguarding Children Partnership",
    ]


def test_a_partnership_that_stops_sharing_leaves_the_view(
    client, sign_in, regional_coordinator, region, other_partnership
):
    sign_in(regional_coordinator)
    sharing(other_partnership, shares=False)
    assert "Islington" not in page_text(client)


def test_unit_costs_and_the_pooled_region_match_a_calculation_by_hand(
    client, sign_in, regional_coordinator, region
):
    text = page_text(sign_in(regional_coordinator))
    camden = row_html(text, "Camden Safeguarding Children Partnership")
    islington = row_html(text, "Islington Safeguarding Children Partnership")
    assert "£100.00" in camden  # 600 over 6 people
    assert "£110.00" in islington  # 550 over 5
    # The region: Camden's and Islington's only (Hackney's 3 people are left out).
    pooled = row_html(text, "London (pooled)")
    assert f"£{two_places(1150 / 11)}" in pooled
    data = api_json(client)
    assert data["region_pooled"]["cost_per_participant"] == {"value": "104.55", "note": ""}


def test_the_pooled_outcome_matches_everyone_together(
    client, sign_in, regional_coordinator, region
):
    sign_in(regional_coordinator)
    data = api_json(client)
    camden = confidence_changes(6, 2)
    islington = confidence_changes(7, 1)
    everyone = camden + islington
    (confidence,) = [o for o in data["region_pooled"]["outcomes"] if o["scale"] == "Confidence"]
    assert confidence["people_paired"]["value"] == "13"
    assert confidence["mean_change"]["value"] == two_places(statistics.mean(everyone))
    d_z = statistics.mean(everyone) / statistics.stdev(everyone)
    assert confidence["effect_size_d_z"]["value"] == two_places(d_z)
    by_name = {row["name"]: row for row in data["partnerships"]}
    (own,) = [
        o
        for o in by_name["Camden Safeguarding Children Partnership"]["outcomes"]
        if o["scale"] == "Confidence"
    ]
    assert own["mean_change"]["value"] == two_places(statistics.mean(camden))
    text = page_text(client)
    assert "Outcomes: Confidence (score 1 to 5)" in text


def test_no_figure_of_a_group_under_five_is_shown(client, sign_in, regional_coordinator, region):
    """Hackney's 3 participants and 4 paired learners, and every partnership's people with a
    role (none here): words, never a number, on the page, in the API and in the downloads."""
    text = page_text(sign_in(regional_coordinator))
    hackney = row_html(text, "Hackney Partnership")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", hackney)
    assert [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells] == [
        "Fewer than 5",
        "Fewer than 5",
        "not available",
        "not available",
        "Fewer than 5",
        "Fewer than 5",
    ]
    data = api_json(client)
    small = next(row for row in data["partnerships"] if row["code"] == "hackney")
    for key, figure in small.items():
        if isinstance(figure, dict):
            assert figure["value"] is None, key
    for outcome in small["outcomes"]:
        for key, figure in outcome.items():
            if isinstance(figure, dict):
                assert figure == {"value": None, "note": "Fewer than 5"}, key
    csv_text = client.get(
        reverse("regional:benchmarks-download", kwargs={"region_code": "london", "kind": "csv"})
    ).content.decode()
    hackney_line = next(line for line in csv_text.splitlines() if line.startswith("Hackney"))
    assert not re.search(r",\d", hackney_line)
    assert "Fewer than 5" in hackney_line
    workbook = client.get(
        reverse("regional:benchmarks-download", kwargs={"region_code": "london", "kind": "xlsx"})
    ).content
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None
    (hackney_row,) = [
        row for row in sheet.iter_rows(values_only=True) if row[0] == "Hackney Partnership"
    ]
    assert not [value for value in hackney_row[1:] if isinstance(value, int | float)]
    assert hackney_row[1] == "Fewer than 5"


def test_a_group_of_any_size_under_five_never_shows_and_never_shapes_the_region(
    client, sign_in, regional_coordinator, partnership
):
    sign_in(regional_coordinator)
    sharing(partnership)
    costed_session(partnership, fee="500", attended=5)
    evaluated(partnership, people=5, rise=1)
    before = api_json(client)["region_pooled"]
    for size in range(1, 5):
        small = sharing(PartnershipFactory.create(name=f"Small {size}", code=f"small-{size}"))
        costed_session(small, fee="1000", attended=size)
        evaluated(small, people=size, rise=2)
    data = api_json(client)
    for row in data["partnerships"]:
        if row["code"].startswith("small-"):
            assert row["cost_per_participant"]["note"] == "Fewer than 5"
            assert row["cost_per_attended_place"]["note"] == "Fewer than 5"
            assert all(o["people_paired"]["note"] == "Fewer than 5" for o in row["outcomes"])
    assert data["region_pooled"] == before


def test_rates_per_1000_children_in_need_or_not_available(
    client, sign_in, regional_coordinator, region, partnership
):
    sign_in(regional_coordinator)
    (code,) = partnership.local_authority_codes
    ChildrenInNeed.objects.create(
        gss_code=code, name="Camden", year=last_year() + 1, at_31_march=2000
    )
    data = api_json(client)
    camden = next(row for row in data["partnerships"] if row["code"] == "camden")
    assert camden["sessions_per_1000_in_need"] == {"value": "1.0", "note": ""}  # 2 of 2,000
    assert camden["places_per_1000_in_need"] == {"value": "20.0", "note": ""}  # 40 places
    islington = next(row for row in data["partnerships"] if row["code"] == "islington")
    assert islington["sessions_per_1000_in_need"] == {"value": None, "note": "not available"}
    assert data["region_pooled"]["sessions_per_1000_in_need"]["value"] == "1.0"


def test_a_region_with_no_sharing_partnership_says_so(
    client, sign_in, regional_coordinator, partnership
):
    text = page_text(sign_in(regional_coordinator))
    assert "No partnership of London shares its figures with the region yet." in text


def test_the_queries_grow_by_a_fixed_number_per_partnership(
    client, sign_in, regional_coordinator, partnership, other_partnership
):
    """Whatever each partnership holds, each adds the same number of queries."""
    sign_in(regional_coordinator)
    address = reverse("regional:benchmarks", kwargs={"region_code": "london"})
    sharing(partnership)
    evaluated(partnership, people=5, rise=1)
    costed_session(partnership, fee="100", attended=5)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries.captured_queries)

    client.get(address)
    one = count()
    sharing(other_partnership)
    evaluated(other_partnership, people=5, rise=1)
    two = count()
    # More of everything in both: the same queries.
    costed_session(partnership, fee="100", attended=6)
    costed_session(other_partnership, fee="100", attended=5)
    evaluated(other_partnership, people=6, rise=2)
    assert count() == two
    third = sharing(PartnershipFactory.create(name="Hackney Partnership", code="hackney"))
    evaluated(third, people=5, rise=1)
    assert count() - two == two - one


def practitioners(partnership, *, done: int, overdue: int) -> None:
    """People in a role needing one course: ``done`` did it last year, ``overdue`` never did."""
    from interagency.catalogue.tests.factories import (
        AdoptionFactory,
        CourseFactory,
        PathwayFactory,
        PathwayItemFactory,
        RoleFactory,
    )
    from interagency.people.tests.factories import AgencyFactory, PersonFactory
    from interagency.records.models import TrainingRecord
    from interagency.regional.tests.builders import day_in_last_year

    role = RoleFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=role.framework)
    course = CourseFactory.create(tier=role.tier, refresh_months=None)
    PathwayItemFactory.create(
        pathway=PathwayFactory.create(role=role, window_months=12),
        course=course,
        repeat_every_months=None,
    )
    agency = AgencyFactory.create(partnership=partnership)
    for index in range(done + overdue):
        person = PersonFactory.create(partnership=partnership, agency=agency, role=role)
        if index < done:
            TrainingRecord.objects.create(
                partnership=partnership,
                person=person,
                course=course,
                completed_on=day_in_last_year(),
                hours=3,
                source=TrainingRecord.Source.EXTERNAL,
            )


def test_compliance_and_participation_pool_the_groups_of_five_or_more(
    client, sign_in, regional_coordinator, partnership, other_partnership
):
    sign_in(regional_coordinator)
    hackney = PartnershipFactory.create(name="Hackney Partnership", code="hackney")
    for shared in (partnership, other_partnership, hackney):
        sharing(shared)
    practitioners(partnership, done=3, overdue=2)
    practitioners(other_partnership, done=6, overdue=2)
    practitioners(hackney, done=1, overdue=3)
    data = api_json(client)
    rows = {row["code"]: row for row in data["partnerships"]}
    assert rows["camden"]["up_to_date_percent"]["value"] == "60.0"
    assert rows["camden"]["participation_percent"]["value"] == "60.0"
    assert rows["islington"]["up_to_date_percent"]["value"] == "75.0"
    assert rows["hackney"]["up_to_date_percent"] == {"value": None, "note": "Fewer than 5"}
    # 9 of 13: Camden's and Islington's people, not Hackney's 4.
    assert data["region_pooled"]["up_to_date_percent"]["value"] == "69.2"
    assert data["region_pooled"]["participation_percent"]["value"] == "69.2"


def test_only_the_chosen_years_evaluations_count(
    client, sign_in, regional_coordinator, region, partnership
):
    sign_in(regional_coordinator)
    evaluated(partnership, people=8, rise=2, days_ago=1)  # this financial year's session
    data = api_json(client)
    (confidence,) = [o for o in data["region_pooled"]["outcomes"] if o["scale"] == "Confidence"]
    assert confidence["people_paired"]["value"] == "13"  # last year's 6 and 7 only
    this_year = api_json(client, year=last_year() + 1)["region_pooled"]["outcomes"]
    (confidence,) = [o for o in this_year if o["scale"] == "Confidence"]
    assert confidence["people_paired"]["value"] == "8"
