"""The partnership compliance page: by sector, agency and tier, as a coordinator or board
member sees it, with its downloads and participation by profession."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from interagency.catalogue.tests.factories import RoleFactory
from interagency.core.permissions import Role
from interagency.people.models import Headcount
from interagency.people.tests.factories import AgencyFactory, PersonFactory
from interagency.records import views_compliance
from interagency.records.models import TrainingRecord

# Written around named dates (2025 and 2026): they stand at the pinned instant whatever --clock.
pytestmark = pytest.mark.clock(fixed=True)

RECENT = datetime.date(2026, 1, 10)  # within a year of the pinned day, and within every window
LONG_AGO = datetime.date(2015, 1, 1)


def completed(person, course, on=RECENT):
    TrainingRecord.objects.create(
        partnership=person.partnership,
        person=person,
        course=course,
        completed_on=on,
        hours=3,
        source=TrainingRecord.Source.EXTERNAL,
    )


@pytest.fixture
def workforce(partnership, catalogue):
    """A health agency with 4 practitioners (3 up to date) and a school with 2 (1 up to date)
    and one person without a role; GPs: 1 named, none trained, a headcount of 40."""
    health = AgencyFactory.create(partnership=partnership, name="Royal Free", sector="health")
    school = AgencyFactory.create(partnership=partnership, name="Hill School", sector="education")
    gp = RoleFactory.create(
        framework=catalogue["role"].framework,
        tier=catalogue["role"].tier,
        name="General Practitioner",
    )

    def person(agency, name, *, done: bool, role=catalogue["role"]):
        made = PersonFactory.create(
            partnership=partnership, agency=agency, full_name=name, role=role, started_on=LONG_AGO
        )
        if done:
            completed(made, catalogue["core"])
            completed(made, catalogue["intro"])
        return made

    for index in range(4):
        person(health, f"Nurse {index}", done=index < 3)
    person(school, "Teacher Done", done=True)
    person(school, "Teacher Overdue", done=False)
    person(school, "Nobody Knows", done=False, role=None)
    person(health, "Doctor Gee", done=False, role=gp)
    Headcount.objects.create(
        partnership=partnership, agency=health, role=gp, count=40, as_of=RECENT, source="HR"
    )
    return {"health": health, "school": school, "tier": catalogue["role"].tier}


def url(partnership, name="compliance", **query):
    address = reverse(f"records:{name}", kwargs={"code": partnership.code})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_heat_map_shows_each_agency_and_sector_with_words_beside_colours(
    coordinator_client, partnership, workforce
):
    page = coordinator_client.get(url(partnership)).text
    # 5 of 7 with a role are up to date (the GP's role has no pathway: nothing is due).
    assert "71%" in page and "5 of 7" in page
    assert "Fair: 4 of 5" in page  # Royal Free, 80%
    assert "Poor: 1 of 2" in page  # Hill School, 50%
    assert "1 without a role" in page
    assert "Health (all agencies)" in page and "Education (all agencies)" in page
    assert "ia-heat--poor" in page


def test_the_heat_map_pages_its_agencies_and_keeps_the_filters(
    coordinator_client, partnership, workforce, monkeypatch
):
    monkeypatch.setattr(views_compliance, "AGENCIES_PER_PAGE", 1)
    first = coordinator_client.get(url(partnership, tier=workforce["tier"].pk)).text
    second = coordinator_client.get(url(partnership, tier=workforce["tier"].pk, map=2)).text

    # By sector, then name: education's school first, then health's Royal Free.
    row = 'font-weight-regular">{}</th>'.format
    assert row("Hill School") in first and row("Royal Free") not in first
    assert row("Royal Free") in second and row("Hill School") not in second
    assert f"?tier={workforce['tier'].pk}&amp;map=2#heat-map" in first
    assert "Agencies 2 to 2 of 2" in second
    # The totals stay those of every agency on every page.
    assert "All sectors" in first and "All sectors" in second


def test_a_board_members_start_page_counts_people_by_worst_status(
    client, sign_in, member_with, partnership, workforce
):
    sign_in(member_with(Role.BOARD_MEMBER))
    page = client.get(reverse("tenancy:dashboard", kwargs={"code": partnership.code})).text
    # Overdue: Nurse 3, Teacher Overdue; the GP's role requires nothing (up to date).
    assert "2 with training overdue" in page and "without a role" in page
    assert ">Royal Free<" in page and ">Hill School<" in page
    assert url(partnership) in page  # on to the whole compliance page
    assert "Teacher Overdue" not in page  # counts only


def test_a_coordinator_drills_down_to_named_people(coordinator_client, partnership, workforce):
    page = coordinator_client.get(
        url(partnership, agency=workforce["school"].pk, tier=workforce["tier"].pk)
    ).text
    assert "Teacher Overdue" in page and "Teacher Done" in page
    assert "Nurse 0" not in page


def test_a_board_member_sees_counts_but_no_names(
    client, sign_in, member_with, partnership, workforce
):
    sign_in(member_with(Role.BOARD_MEMBER))
    page = client.get(url(partnership, agency=workforce["school"].pk)).text
    assert "Poor: 1 of 2" in page
    assert "Teacher Overdue" not in page
    assert "You see counts only" in page


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.LINE_MANAGER, Role.LEARNER, Role.TRAINER])
def test_other_members_may_not_see_the_page(client, sign_in, member_with, partnership, role):
    sign_in(member_with(role))
    assert client.get(url(partnership)).status_code == 403


def test_the_sector_filter_keeps_that_sector_only(coordinator_client, partnership, workforce):
    page = coordinator_client.get(url(partnership, sector="education")).text
    heat_map = page[page.index('id="heat-map"') :]
    assert "Hill School" in heat_map and "Royal Free" not in heat_map


def test_under_represented_professions_are_marked_in_words(
    coordinator_client, partnership, workforce
):
    page = coordinator_client.get(url(partnership)).text
    participation = page[page.index('id="participation"') :]
    gp_row = participation[participation.index("General Practitioner") :].split("</tr>")[0]
    assert "Under-represented" in gp_row
    assert ">40<" in gp_row  # the headcount, larger than the one named GP


def test_the_csv_and_workbook_hold_the_same_figures(coordinator_client, partnership, workforce):
    response = coordinator_client.get(url(partnership, "compliance-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    totals = next(row for row in rows if row[0] == "All sectors" and row[2] == "All tiers")
    assert totals[header.index("Up to date")] == "5"
    assert totals[header.index("With a role")] == "7"
    response = coordinator_client.get(url(partnership, "compliance-xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Compliance", "Participation"]
    sheet = [list(row) for row in book["Participation"].iter_rows(values_only=True)]
    gp = next(row for row in sheet if row[0] == "General Practitioner")
    assert gp[4] == 40 and gp[6] == "Yes"


def test_an_agency_name_like_a_formula_is_neutralised_in_the_downloads(
    coordinator_client, partnership, workforce
):
    workforce["school"].name = "=HYPERLINK(1)"
    workforce["school"].save()
    text = coordinator_client.get(url(partnership, "compliance-csv")).content.decode()
    assert "'=HYPERLINK(1)" in text


def test_the_page_costs_the_same_queries_for_few_or_many(
    coordinator_client, partnership, workforce, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as few:
        assert coordinator_client.get(url(partnership)).status_code == 200
    for index in range(30):
        agency = AgencyFactory.create(partnership=partnership, name=f"Agency {index}")
        PersonFactory.create(partnership=partnership, agency=agency, role=catalogue["role"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert coordinator_client.get(url(partnership)).status_code == 200
    drill = url(partnership, agency=workforce["school"].pk)
    with django_assert_max_num_queries(40) as named:
        assert coordinator_client.get(drill).status_code == 200
    for _index in range(30):
        PersonFactory.create(
            partnership=partnership, agency=workforce["school"], role=catalogue["role"]
        )
    with django_assert_max_num_queries(len(named.captured_queries)):
        assert coordinator_client.get(drill).status_code == 200


# The API: the same figures, with the same filters.


def api_url(partnership, **query) -> str:
    address = f"/api/v1/partnerships/{partnership.code}/compliance"
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_api_gives_the_pages_figures_with_its_filters(
    token_client, member_with, partnership, workforce
):
    client = token_client(member_with(Role.BOARD_MEMBER))
    body = client.get(api_url(partnership)).json()
    total = body["total"]["cells"][-1]
    assert (total["tier_id"], total["up_to_date"], total["with_role"]) == (None, 5, 7)
    assert total["percent_up_to_date"] == 71
    gp = next(item for item in body["professions"] if item["role"] == "General Practitioner")
    assert gp["workforce"] == 40 and gp["under_represented"] is True
    school = client.get(api_url(partnership, sector="education")).json()
    assert [row["name"] for row in school["agencies"]] == ["Hill School"]
    assert school["total"]["cells"][-1]["people"] == 3


def test_the_api_names_a_filter_that_names_nothing_here(
    token_client, coordinator, partnership, other_partnership, workforce
):
    from interagency.people.tests.factories import AgencyFactory as Agencies

    elsewhere = Agencies.create(partnership=other_partnership)
    client = token_client(coordinator)
    response = client.get(api_url(partnership, agency=elsewhere.pk))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "agency"
    assert client.get(api_url(partnership, sector="nowhere")).status_code == 400


def test_the_api_refuses_members_who_may_not_see_compliance(token_client, member_with, partnership):
    client = token_client(member_with(Role.AGENCY_LEAD))
    assert client.get(api_url(partnership)).status_code == 403
