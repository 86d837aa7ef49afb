"""The training needs map: places each course needs a year, against those planned."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from interagency.catalogue.models import Course
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
from interagency.people import needs
from interagency.people.models import PlannedPlaces, Sector
from interagency.people.tests.factories import (
    AgencyFactory,
    HeadcountFactory,
    PersonFactory,
    PostFactory,
    ServiceFactory,
)

YEAR = 2026


@pytest.fixture
def catalogue(partnership):
    """An adopted framework: Group B's practitioner must do Core B (24 months, refresh 36)."""
    framework = FrameworkFactory.create()
    AdoptionFactory.create(partnership=partnership, framework=framework)
    tier_b = TierFactory.create(framework=framework, name="Group B", order=2)
    tier_c = TierFactory.create(framework=framework, name="Group C", order=3)
    role = RoleFactory.create(framework=framework, tier=tier_b, name="Practitioner")
    pathway = PathwayFactory.create(role=role, window_months=24)
    core_b = CourseFactory.create(tier=tier_b, title="Core B")
    PathwayItemFactory.create(pathway=pathway, course=core_b, repeat_every_months=36)
    core_c = CourseFactory.create(tier=tier_c, title="Core C")
    CourseFactory.create(tier=tier_c, title="Specialist C", category=Course.Category.SPECIALIST)
    return {"role": role, "tier_b": tier_b, "tier_c": tier_c, "core_b": core_b, "core_c": core_c}


def row_for(rows, title):
    return next(row for row in rows if row.title == title)


def test_places_a_year_spread_the_window_and_add_refreshers():
    requirement = needs.Requirement(course_id=1, window_months=24, repeat_every_months=36)
    # 12 people over two years is 6 a year; refreshing every three years adds 4.
    assert needs.places_per_year(12, requirement) == pytest.approx(10)
    assert needs.places_per_year(0, requirement) == 0


def test_only_the_latest_headcount_for_each_agency_service_and_role_counts():
    rows = [
        {"agency_id": 1, "service_id": None, "role_id": 5, "tier_id": None, "count": 7},
        {"agency_id": 1, "service_id": None, "role_id": 5, "tier_id": None, "count": 3},
        {"agency_id": 1, "service_id": 2, "role_id": 5, "tier_id": None, "count": 4},
    ]
    assert [row["count"] for row in needs.latest_headcounts(rows)] == [7, 4]


@pytest.mark.django_db
def test_named_people_and_headcounts_add_up_to_places_needed(partnership, catalogue):
    agency = AgencyFactory.create(partnership=partnership, sector=Sector.HEALTH)
    PersonFactory.create_batch(6, agency=agency, role=catalogue["role"])
    PersonFactory.create(agency=agency, role=catalogue["role"], left_on=datetime.date(2025, 1, 1))
    PersonFactory.create(agency=agency, role=None)
    HeadcountFactory.create(
        agency=agency, role=catalogue["role"], tier=None, count=50, as_of=datetime.date(2024, 1, 1)
    )
    HeadcountFactory.create(
        agency=agency, role=catalogue["role"], tier=None, count=6, as_of=datetime.date(2025, 1, 1)
    )
    HeadcountFactory.create(agency=agency, role=None, tier=catalogue["tier_c"], count=24)
    PlannedPlaces.objects.create(
        partnership=partnership, course=catalogue["core_b"], year=YEAR, places=4
    )

    rows = needs.analyse(partnership, needs.NeedsFilter(year=YEAR))

    core_b = row_for(rows, "Core B")
    assert core_b.people == 12  # six named, six counted (the latest headcount only)
    assert core_b.places_needed == 10  # 12 × 12/24 + 12 × 12/36
    assert core_b.planned == 4
    assert core_b.gap == 6
    core_c = row_for(rows, "Core C")  # tier-only headcount: the tier's core courses
    assert core_c.people == 24
    assert core_c.places_needed == 12
    assert all(row.title != "Specialist C" for row in rows)


@pytest.mark.django_db
def test_filters_narrow_to_a_sector_agency_or_tier(partnership, catalogue):
    health = AgencyFactory.create(partnership=partnership, sector=Sector.HEALTH)
    police = AgencyFactory.create(partnership=partnership, sector=Sector.POLICE)
    ward = ServiceFactory.create(agency=health)
    PersonFactory.create_batch(2, agency=health, service=ward, role=catalogue["role"])
    PersonFactory.create_batch(3, agency=police, role=catalogue["role"])
    HeadcountFactory.create(agency=police, role=None, tier=catalogue["tier_c"], count=10)

    def people(**kwargs):
        rows = needs.analyse(partnership, needs.NeedsFilter(year=YEAR, **kwargs))
        return {row.title: row.people for row in rows}

    assert people() == {"Core B": 5, "Core C": 10}
    assert people(sector=Sector.HEALTH) == {"Core B": 2}
    assert people(agency_id=police.pk) == {"Core B": 3, "Core C": 10}
    assert people(service_id=ward.pk) == {"Core B": 2}
    assert people(tier_id=catalogue["tier_c"].pk) == {"Core C": 10}
    assert people(agency_ids=frozenset({health.pk})) == {"Core B": 2}


@pytest.mark.django_db
def test_another_partnerships_people_are_never_counted(partnership, other_partnership, catalogue):
    AdoptionFactory.create(partnership=other_partnership, framework=catalogue["role"].framework)
    theirs = AgencyFactory.create(partnership=other_partnership)
    PersonFactory.create_batch(4, agency=theirs, role=catalogue["role"])
    HeadcountFactory.create(agency=theirs, role=catalogue["role"], tier=None, count=100)

    assert needs.analyse(partnership, needs.NeedsFilter(year=YEAR)) == []


def needs_url(partnership, **query):
    url = reverse("people:needs", args=[partnership.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db
def test_the_page_shows_the_table_and_an_accessible_chart(
    coordinator_client, partnership, catalogue
):
    PersonFactory.create_batch(
        3, agency=AgencyFactory.create(partnership=partnership), role=catalogue["role"]
    )

    response = coordinator_client.get(needs_url(partnership, year=YEAR))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Core B" in html
    assert 'role="img"' in html and "aria-label=" in html and "<title" in html
    assert "govuk-visually-hidden" in html
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_a_person_with_a_second_post_needs_both_roles_courses_once(partnership, catalogue):
    lead_role = RoleFactory.create(
        framework=catalogue["role"].framework, tier=catalogue["tier_c"], name="Lead"
    )
    pathway = PathwayFactory.create(role=lead_role, window_months=12)
    PathwayItemFactory.create(pathway=pathway, course=catalogue["core_c"], repeat_every_months=None)
    PathwayItemFactory.create(pathway=pathway, course=catalogue["core_b"], repeat_every_months=None)
    agency = AgencyFactory.create(partnership=partnership)
    person = PersonFactory.create(agency=agency, role=catalogue["role"])
    PostFactory.create(person=person, role=lead_role)
    ended = PersonFactory.create(agency=agency, role=catalogue["role"])
    PostFactory.create(person=ended, role=lead_role, left_on=datetime.date(2022, 1, 1))

    rows = needs.analyse(partnership, needs.NeedsFilter(year=YEAR))

    core_b = row_for(rows, "Core B")  # both roles need it: each person counted once
    assert core_b.people == 2
    # One person within the shorter window (12) refreshing every 36, one as before.
    assert core_b.needed == pytest.approx(12 / 12 + 12 / 36 + 12 / 24 + 12 / 36)
    assert row_for(rows, "Core C").people == 1  # only the current second post needs it
    tier_c = needs.analyse(
        partnership, needs.NeedsFilter(year=YEAR, tier_id=catalogue["tier_c"].pk)
    )
    assert {row.title: row.people for row in tier_c} == {"Core B": 1, "Core C": 1}


@pytest.mark.django_db
def test_the_needs_page_costs_the_same_queries_for_one_or_thirty_people(
    coordinator_client, partnership, catalogue, django_assert_max_num_queries
):
    agency = AgencyFactory.create(partnership=partnership)
    PersonFactory.create(agency=agency, role=catalogue["role"])
    HeadcountFactory.create(agency=agency, role=None, tier=catalogue["tier_c"], count=3)
    with django_assert_max_num_queries(30) as one:
        coordinator_client.get(needs_url(partnership))
    PersonFactory.create_batch(29, agency=agency, role=catalogue["role"])
    HeadcountFactory.create_batch(5, agency=agency, role=None, tier=catalogue["tier_c"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator_client.get(needs_url(partnership))
    assert response.context["rows"][0].people >= 30


@pytest.mark.django_db
def test_a_coordinator_plans_places_on_the_page(coordinator_client, partnership, catalogue):
    response = coordinator_client.post(
        needs_url(partnership),
        {"planned-course": catalogue["core_b"].pk, "planned-year": YEAR, "planned-places": 20},
    )
    assert response.status_code == 302
    planned = PlannedPlaces.objects.get()
    assert (planned.course, planned.year, planned.places) == (catalogue["core_b"], YEAR, 20)

    coordinator_client.post(
        needs_url(partnership),
        {"planned-course": catalogue["core_b"].pk, "planned-year": YEAR, "planned-places": 25},
    )
    assert PlannedPlaces.objects.get().places == 25


@pytest.mark.django_db
def test_planning_without_places_shows_an_error(coordinator_client, partnership, catalogue):
    response = coordinator_client.post(
        needs_url(partnership), {"planned-course": catalogue["core_b"].pk, "planned-year": YEAR}
    )
    assert response.status_code == 200
    assert response.content.decode().count("Enter the number of places planned") >= 1
    assert "<title>Error: " in response.content.decode()
    assert not PlannedPlaces.objects.exists()


@pytest.mark.django_db
def test_a_board_member_reads_but_cannot_plan(client, sign_in, member_with, partnership, catalogue):
    sign_in(member_with(Role.BOARD_MEMBER))
    assert client.get(needs_url(partnership)).status_code == 200
    response = client.post(
        needs_url(partnership),
        {"planned-course": catalogue["core_b"].pk, "planned-year": YEAR, "planned-places": 3},
    )
    assert response.status_code == 403
    assert not PlannedPlaces.objects.exists()


@pytest.mark.django_db
def test_an_agency_lead_sees_only_their_agencies(
    client, sign_in, member_with, partnership, catalogue
):
    lead = member_with(Role.AGENCY_LEAD)
    mine = AgencyFactory.create(partnership=partnership, lead=lead)
    PersonFactory.create_batch(2, agency=mine, role=catalogue["role"])
    PersonFactory.create_batch(
        7, agency=AgencyFactory.create(partnership=partnership), role=catalogue["role"]
    )
    sign_in(lead)

    response = client.get(needs_url(partnership))

    assert [row.people for row in response.context["rows"]] == [2]


@pytest.mark.django_db
def test_learners_may_not_see_the_needs_map(client, sign_in, member_with, partnership):
    sign_in(member_with(Role.LEARNER))
    assert client.get(needs_url(partnership)).status_code == 403


@pytest.mark.django_db
def test_the_workbook_has_the_table_a_chart_and_no_formulas(
    coordinator_client, partnership, catalogue
):
    catalogue["core_b"].title = '=HYPERLINK("http://evil")'
    catalogue["core_b"].save()
    PersonFactory.create_batch(
        3, agency=AgencyFactory.create(partnership=partnership), role=catalogue["role"]
    )

    response = coordinator_client.get(reverse("people:needs-xlsx", args=[partnership.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == needs.XLSX_TYPE
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Training needs"]
    assert sheet["A2"].value == "Course"
    assert sheet["A3"].value.startswith("'=")
    assert sheet["C3"].value == 3
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
