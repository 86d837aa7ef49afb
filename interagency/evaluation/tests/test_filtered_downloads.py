"""The downloads of a plan's results hold what the page's filters keep, and say so."""

import csv
import html
import io
import re

import openpyxl
import pyreadstat
import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.core.dates import govuk_date
from interagency.delivery.tests.factories import BookingFactory
from interagency.evaluation.models import ResponseCode, WaveKind
from interagency.evaluation.services.plans import issue_response_code
from interagency.evaluation.services.responses import submit_response
from interagency.evaluation.tests.factories import full_answers, make_plan
from interagency.people.models import Sector
from interagency.people.tests.factories import AgencyFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

WAVES = ("At the start of the course", "At the end of the course")


def answer(plan, agency, *, start: int, end: int, role=None) -> str:
    """One learner of ``agency`` answering the start and end waves; their response code."""
    person = PersonFactory(agency=agency, role=role)
    booking = BookingFactory.create(session=plan.session, person=person, agency=agency)
    code = issue_response_code(plan=plan, booking=booking, issued_by=None).code
    for kind, c1 in ((WaveKind.START, start), (WaveKind.END, end)):
        submit_response(
            wave=plan.waves.get(kind=kind),
            answers=full_answers(c1=c1),
            idempotency_key=f"{kind}-{code}",
            consented=True,
            code=code,
        )
    return code


@pytest.fixture
def two_agencies(partnership):
    """Six learners of a hospital and five of the police, each answering start and end."""
    plan = make_plan(partnership)
    health = AgencyFactory(partnership=partnership, name="Hospital", sector=Sector.HEALTH)
    police = AgencyFactory(partnership=partnership, name="Police", sector=Sector.POLICE)
    for number in range(6):
        answer(plan, health, start=1 + number % 2, end=4)
    for number in range(5):
        answer(plan, police, start=2 + number % 2, end=3)
    return plan, health, police


def codes_of(agency) -> set[str]:
    return set(ResponseCode.objects.filter(booking__agency=agency).values_list("code", flat=True))


def page_links(client, plan, **query) -> dict[str, str]:
    """The results page's download links, by kind, as the page gives them."""
    address = reverse("evaluation:plan", kwargs={"code": "camden", "plan_id": plan.pk})
    page = client.get(address, query)
    assert page.status_code == 200
    links = re.findall(r'href="([^"]*/download/(xlsx|csv|sav)/[^"]*)"', page.text)
    return {kind: html.unescape(link) for link, kind in links}


def test_the_download_links_carry_the_filter_chosen(two_agencies, coordinator, sign_in):
    plan, _, police = two_agencies
    client = sign_in(coordinator)
    plain = page_links(client, plan)
    assert all("?" not in link for link in plain.values())
    filtered = page_links(client, plan, agency=police.pk, sector="police")
    assert set(filtered) == {"xlsx", "csv", "sav"}
    for link in filtered.values():
        assert link.endswith(f"?agency={police.pk}&sector=police")
    # A filter in error is not carried: the page leaves it out, and so do the downloads.
    wrong = page_links(client, plan, agency=police.pk, sector="nonsense")
    assert wrong["csv"].endswith(f"?agency={police.pk}")


def test_a_filtered_workbook_holds_only_the_agencys_people_and_names_the_filter(
    two_agencies, coordinator, sign_in
):
    plan, _, police = two_agencies
    client = sign_in(coordinator)
    today = timezone.localdate()
    links = page_links(client, plan, agency=police.pk, ran_to=today.isoformat())
    response = client.get(links["xlsx"])
    assert response.status_code == 200
    assert "-filtered.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    raw = list(book["Raw data"].iter_rows(values_only=True))
    assert raw[0][:4] == ("Response", "Wave", "Respondent", "Code")
    # Every wave filtered alike: each of the police's five people at the start and the end.
    assert sorted((row[3], row[1]) for row in raw[1:] if row[1] in WAVES) == sorted(
        (code, wave) for code in codes_of(police) for wave in WAVES
    )
    named = f"Only the responses of: Agency: Police; Courses run to {govuk_date(today)}"
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Filtered"] == named
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert summary[0][0] == named
    start = next(row for row in summary if row[0] == "At the start of the course")
    assert start[1] == 5


def test_an_unfiltered_workbook_says_it_holds_every_response(two_agencies, coordinator, sign_in):
    plan, _, _ = two_agencies
    client = sign_in(coordinator)
    book = openpyxl.load_workbook(io.BytesIO(client.get(page_links(client, plan)["xlsx"]).content))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Filtered"] == "Every response"
    start = next(r for r in book["Summary"].iter_rows(values_only=True) if r[0] and "start" in r[0])
    assert start[1] == 11


def test_a_filtered_csv_holds_only_the_sectors_people_at_every_wave(
    two_agencies, coordinator, sign_in
):
    plan, health, _ = two_agencies
    client = sign_in(coordinator)
    response = client.get(page_links(client, plan, sector="health")["csv"])
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {line["code"] for line in lines} == codes_of(health)
    assert {(line["code"], line["wave"]) for line in lines} == {
        (code, wave) for code in codes_of(health) for wave in ("start", "end")
    }


def test_a_filtered_sav_holds_only_the_professions_people(
    partnership, coordinator, sign_in, tmp_path
):
    from interagency.catalogue.tests.factories import RoleFactory

    plan = make_plan(partnership)
    agency = AgencyFactory(partnership=partnership, sector=Sector.HEALTH)
    nurse, doctor = RoleFactory.create(name="Nurse"), RoleFactory.create(name="Doctor")
    nurses = {answer(plan, agency, start=2, end=4, role=nurse) for _ in range(5)}
    for _ in range(3):
        answer(plan, agency, start=3, end=3, role=doctor)
    client = sign_in(coordinator)
    path = tmp_path / "filtered.sav"
    path.write_bytes(client.get(page_links(client, plan, profession=nurse.pk)["sav"]).content)
    frame, meta = pyreadstat.read_sav(str(path))
    assert set(frame["code"]) == nurses and len(frame) == 10
    assert meta.variable_value_labels["wave"] == {
        1.0: "At the start of the course",
        2.0: "At the end of the course",
    }
