"""Delegate rates, exempt agencies and closing or reopening a financial year over the API:
the same rules, refusals and audit trail as the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.finance.models import ChargeExemption, DelegateRate
from interagency.finance.rules import close_year, financial_year_of
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.clock

JSON = "application/json"


@pytest.fixture
def year():
    return financial_year_of(timezone.localdate())


@pytest.fixture
def police(partnership):
    return AgencyFactory.create(partnership=partnership, name="Metropolitan Police")


def url(name, partnership, **kwargs):
    return reverse(f"api:{name}", kwargs={"code": partnership.code, **kwargs})


def fields(response) -> list[str]:
    return sorted(error["field"] for error in response.json()["errors"])


# Delegate rates ---------------------------------------------------------------------------


def test_a_coordinator_sets_a_sectors_rates_and_setting_again_replaces_them(
    partnership, coordinator, token_client, year
):
    client = token_client(coordinator)
    rates = url("finance-delegate-rate-list", partnership)
    body = {"sector": "police", "full_day": "120.00", "half_day": "60.00"}
    assert client.post(rates, body, content_type=JSON).status_code == 200
    for_year = client.post(
        rates, body | {"year": year, "full_day": "150.50"}, content_type=JSON
    ).json()
    assert (for_year["year"], for_year["full_day"], for_year["sector_label"]) == (
        year,
        "150.50",
        "Police",
    )
    replaced = client.post(rates, body | {"half_day": "65"}, content_type=JSON)
    assert replaced.json()["half_day"] == "65.00"
    listed = client.get(rates).json()
    assert [(r["year"], r["full_day"], r["half_day"]) for r in listed] == [
        (None, "120.00", "65.00"),
        (year, "150.50", "60.00"),
    ]
    change = AuditEvent.objects.filter(subject_type="finance.DelegateRate").latest("id")
    assert (change.action, change.changes["half_day"][0]) == ("changed", "60.00")


def test_a_negative_rate_and_one_with_three_decimals_are_refused_naming_each_field(
    partnership, coordinator, token_client
):
    response = token_client(coordinator).post(
        url("finance-delegate-rate-list", partnership),
        {"sector": "police", "full_day": "-1.00", "half_day": "12.345"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert fields(response) == ["full_day", "half_day"]
    unknown = token_client(coordinator).post(
        url("finance-delegate-rate-list", partnership),
        {"sector": "pirates", "full_day": "1", "half_day": "1", "year": 1900},
        content_type=JSON,
    )
    assert fields(unknown) == ["sector", "year"]
    assert not DelegateRate.objects.exists()


def test_a_coordinator_removes_a_rate_but_not_another_partnerships(
    partnership, other_partnership, coordinator, token_client
):
    ours = DelegateRate.objects.create(
        partnership=partnership, sector="police", full_day=Decimal("1"), half_day=Decimal("1")
    )
    theirs = DelegateRate.objects.create(
        partnership=other_partnership, sector="police", full_day=Decimal("1"), half_day=Decimal("1")
    )
    client = token_client(coordinator)
    assert client.delete(
        url("finance-delegate-rate-detail", partnership, rate_id=theirs.pk)
    ).json() == {"detail": "Not found."}
    assert (
        client.delete(url("finance-delegate-rate-detail", partnership, rate_id=ours.pk)).status_code
        == 204
    )
    assert list(DelegateRate.objects.all()) == [theirs]
    assert AuditEvent.objects.filter(subject_type="finance.DelegateRate", action="deleted").exists()


def test_board_members_read_the_terms_but_change_nothing(
    partnership, member_with, token_client, police
):
    board = token_client(member_with(Role.BOARD_MEMBER))
    assert board.get(url("finance-delegate-rate-list", partnership)).status_code == 200
    assert board.get(url("finance-exemption-list", partnership)).status_code == 200
    assert board.get(url("finance-year-list", partnership)).status_code == 200
    refused = [
        board.post(
            url("finance-delegate-rate-list", partnership),
            {"sector": "police", "full_day": "1", "half_day": "1"},
            content_type=JSON,
        ),
        board.post(
            url("finance-exemption-list", partnership), {"agency": police.pk}, content_type=JSON
        ),
        board.post(url("finance-year-close", partnership, year=2025)),
    ]
    assert [answer.status_code for answer in refused] == [403, 403, 403]
    learner = token_client(member_with(Role.LEARNER))
    assert learner.get(url("finance-delegate-rate-list", partnership)).status_code == 403
    assert not DelegateRate.objects.exists() and not ChargeExemption.objects.exists()


# Exempt agencies --------------------------------------------------------------------------


def test_a_coordinator_exempts_an_agency_once_and_charges_it_again(
    partnership, other_partnership, coordinator, token_client, police
):
    client = token_client(coordinator)
    exemptions = url("finance-exemption-list", partnership)
    body = {"agency": police.pk, "basis": "small_charity", "note": "Under £100k"}
    created = client.post(exemptions, body, content_type=JSON)
    assert created.status_code == 201
    assert created.json() | {"id": 0} == {
        "id": 0,
        "agency": police.pk,
        "agency_name": "Metropolitan Police",
        "basis": "small_charity",
        "note": "Under £100k",
    }
    again = client.post(exemptions, body, content_type=JSON)
    assert (again.status_code, fields(again)) == (400, ["agency"])
    assert "already exempt" in again.json()["errors"][0]["message"]
    elsewhere = AgencyFactory.create(partnership=other_partnership)
    foreign = client.post(exemptions, {"agency": elsewhere.pk}, content_type=JSON)
    assert (foreign.status_code, fields(foreign)) == (400, ["agency"])
    assert [e["agency_name"] for e in client.get(exemptions).json()] == ["Metropolitan Police"]
    detail = url("finance-exemption-detail", partnership, exemption_id=created.json()["id"])
    assert client.delete(detail).status_code == 204
    assert client.delete(detail).status_code == 404
    assert sorted(
        AuditEvent.objects.filter(subject_type="finance.ChargeExemption").values_list(
            "action", flat=True
        )
    ) == ["created", "deleted"]


def test_another_partnerships_exemption_answers_404_and_stays(
    partnership, other_partnership, coordinator, token_client
):
    theirs = ChargeExemption.objects.create(
        partnership=other_partnership, agency=AgencyFactory.create(partnership=other_partnership)
    )
    answer = token_client(coordinator).delete(
        url("finance-exemption-detail", partnership, exemption_id=theirs.pk)
    )
    assert answer.status_code == 404
    assert ChargeExemption.objects.filter(pk=theirs.pk).exists()


# Financial years --------------------------------------------------------------------------


def test_a_coordinator_closes_a_year_and_reopens_it_with_a_reason(
    partnership, coordinator, token_client, year, police
):
    client = token_client(coordinator)
    years = url("finance-year-list", partnership)
    listed = client.get(years).json()
    assert [(y["year"], y["state"]) for y in listed] == [
        (year + 1, "open"),
        (year, "open"),
        (year - 1, "open"),
    ]
    closed = client.post(url("finance-year-close", partnership, year=year))
    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["label"]) == (
        "closed",
        f"April {year} to March {year + 1}",
    )
    assert closed.json()["closed_at"] is not None
    again = client.post(url("finance-year-close", partnership, year=year))
    assert again.status_code == 400 and "already closed" in again.json()["detail"]
    agreement = client.post(
        url("finance-agreement-list", partnership),
        {"year": year, "agency": police.pk, "amount": "10.00"},
        content_type=JSON,
    )
    assert agreement.status_code == 400 and "is closed" in agreement.json()["detail"]

    reopen = url("finance-year-reopen", partnership, year=year)
    blank = client.post(reopen, {"reason": "   "}, content_type=JSON)
    assert (blank.status_code, fields(blank)) == (400, ["reason"])
    reopened = client.post(reopen, {"reason": "Late invoice from the venue"}, content_type=JSON)
    assert reopened.status_code == 200
    assert reopened.json()["state"] == "open" and reopened.json()["closed_at"] is None
    event = AuditEvent.objects.get(subject_type="finance.ClosedYear", action="deleted")
    assert event.changes["reason"] == "Late invoice from the venue"
    assert event.actor_user_id == coordinator.pk
    not_closed = client.post(reopen, {"reason": "Again"}, content_type=JSON)
    assert not_closed.status_code == 400 and "is not closed" in not_closed.json()["detail"]


def test_the_year_list_shows_a_closed_year_without_budget_lines(
    partnership, coordinator, token_client, year
):
    close_year(partnership=partnership, year=2010, closed_by=coordinator)
    listed = token_client(coordinator).get(url("finance-year-list", partnership)).json()
    assert (listed[-1]["year"], listed[-1]["state"]) == (2010, "closed")
    assert {y["state"] for y in listed[:-1]} == {"open"}


def test_a_year_outside_the_range_is_refused_naming_it(partnership, coordinator, token_client):
    answer = token_client(coordinator).post(url("finance-year-close", partnership, year=1999))
    assert (answer.status_code, fields(answer)) == (400, ["year"])


@pytest.mark.parametrize("rows", [1, 20])
def test_the_lists_cost_the_same_queries_whatever_their_length(
    partnership, coordinator, token_client, django_assert_max_num_queries, rows
):
    for number in range(rows):
        agency = AgencyFactory.create(partnership=partnership)
        ChargeExemption.objects.create(partnership=partnership, agency=agency)
        DelegateRate.objects.create(
            partnership=partnership,
            sector="police",
            year=2000 + number,
            full_day=Decimal("1"),
            half_day=Decimal("1"),
        )
        close_year(partnership=partnership, year=2000 + number, closed_by=coordinator)
    client = token_client(coordinator)
    for name in ("finance-delegate-rate-list", "finance-exemption-list", "finance-year-list"):
        with django_assert_max_num_queries(6):
            assert len(client.get(url(name, partnership)).json()) >= rows
