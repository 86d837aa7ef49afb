"""Partner agreements, closed financial years and budget lines changed or removed:
services, pages and API."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.tests.factories import SessionFactory
from interagency.finance import services
from interagency.finance.agreements import Terms, add_agreement, change_agreement
from interagency.finance.models import BudgetLine, FreePlaces, PartnerAgreement
from interagency.finance.rules import close_year, financial_year_of, reopen_year
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.clock


@pytest.fixture
def year():
    return financial_year_of(timezone.localdate())


@pytest.fixture
def police(partnership):
    return AgencyFactory.create(partnership=partnership, name="Metropolitan Police")


@pytest.fixture
def trainer_rate(partnership, coordinator):
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("350.00"),
        venue_day_rate=Decimal("200.00"),
        changed_by=coordinator,
    )


def agree(partnership, coordinator, year, agency, **terms):
    return add_agreement(
        partnership=partnership,
        year=year,
        terms=Terms(agency=agency, **terms),
        added_by=coordinator,
    )


# Services ------------------------------------------------------------------------------


def test_days_given_are_valued_at_the_rates_and_earn_free_places(
    partnership, coordinator, year, police, trainer_rate
):
    agreement = agree(
        partnership,
        coordinator,
        year,
        police,
        amount=Decimal("2000.00"),
        trainer_days=Decimal("2.5"),
        venue_days=Decimal("1.0"),
        earns=FreePlaces.PER_TRAINER_DAY,
        places_per_day=10,
    )
    assert agreement.in_kind_value == Decimal("1075.00")  # 2.5 × £350 + 1 × £200
    assert agreement.total_value == Decimal("3075.00")
    assert agreement.free_places == 25
    event = AuditEvent.objects.get(subject_type="finance.PartnerAgreement")
    assert event.changes["amount"] == "2000.00"


def test_free_places_per_sum_of_money(partnership, coordinator, year, police):
    agreement = agree(
        partnership,
        coordinator,
        year,
        police,
        amount=Decimal("1000.00"),
        earns=FreePlaces.PER_POUNDS,
        pounds_per_place=Decimal("150.00"),
    )
    assert agreement.free_places == 6


def test_one_agreement_per_agency_and_year(partnership, coordinator, year, police):
    agree(partnership, coordinator, year, police)
    with pytest.raises(ServiceError) as refused:
        agree(partnership, coordinator, year, police)
    assert refused.value.field == "agency"
    assert PartnerAgreement.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-5.00", "cannot be negative"), ("12.345", "no more than 2 decimal places")],
)
def test_a_negative_or_three_decimal_amount_is_refused_naming_the_field(
    partnership, coordinator, year, police, amount, words
):
    with pytest.raises(ServiceError) as refused:
        agree(partnership, coordinator, year, police, amount=Decimal(amount))
    assert refused.value.field == "amount"
    assert refused.value.message.startswith("The contribution in money")
    assert words in refused.value.message
    with pytest.raises(ServiceError) as refused:
        services.add_budget_line(
            partnership=partnership,
            year=year,
            category="materials",
            description="Handouts",
            planned=Decimal(amount),
            added_by=coordinator,
        )
    assert refused.value.field == "planned"
    assert words in refused.value.message
    assert not BudgetLine.objects.exists()


def test_a_closed_year_refuses_changes_until_reopened_with_a_reason(
    partnership, coordinator, year, police
):
    line = services.add_budget_line(
        partnership=partnership,
        year=year,
        category="materials",
        description="Handouts",
        planned=Decimal("100.00"),
        added_by=coordinator,
    )
    agreement = agree(partnership, coordinator, year, police)
    session = SessionFactory.create(partnership=partnership, parts__start=timezone.localdate())
    close_year(partnership=partnership, year=year, closed_by=coordinator)
    refusals = [
        lambda: services.record_entry(
            line=line, on=timezone.localdate(), amount=Decimal("1"), recorded_by=coordinator
        ),
        lambda: services.change_budget_line(
            line=line,
            category="materials",
            description="More",
            planned=Decimal("1"),
            changed_by=coordinator,
        ),
        lambda: services.remove_budget_line(line=line, removed_by=coordinator),
        lambda: change_agreement(
            agreement=agreement, terms=Terms(agency=police), changed_by=coordinator
        ),
        lambda: services.set_session_cost(
            session=session, costs={"venue_actual": Decimal("1")}, changed_by=coordinator
        ),
    ]
    for attempt in refusals:
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert refused.value.code == "year_closed"
        assert "is closed" in refused.value.message
    with pytest.raises(ServiceError):
        reopen_year(partnership=partnership, year=year, reason="  ", reopened_by=coordinator)
    reopen_year(partnership=partnership, year=year, reason="Invoice found", reopened_by=coordinator)
    reopened = AuditEvent.objects.get(subject_type="finance.ClosedYear", action="deleted")
    assert reopened.changes["reason"] == "Invoice found"
    services.remove_budget_line(line=line, removed_by=coordinator)
    assert not BudgetLine.objects.exists()


# Pages ---------------------------------------------------------------------------------


def test_coordinators_add_change_and_remove_agreements_on_the_page(
    partnership, coordinator_client, year, police, trainer_rate, django_assert_max_num_queries
):
    code = partnership.code
    new = reverse("finance:agreement-new", kwargs={"code": code})
    refused = coordinator_client.post(
        f"{new}?year={year}",
        {"agency": police.pk, "amount": "-3", "earns": "none"},
    )
    assert "Contribution in money, in £ must be between" in refused.content.decode()
    added = coordinator_client.post(
        f"{new}?year={year}",
        {
            "agency": police.pk,
            "trainer_days": "1",
            "earns": "per_trainer_day",
            "places_per_day": 10,
        },
    )
    assert added.status_code == 302
    agreement = PartnerAgreement.objects.get()
    for _ in range(3):
        AgencyFactory.create(partnership=partnership)
    listing = reverse("finance:agreements", kwargs={"code": code})
    with django_assert_max_num_queries(12):
        page = coordinator_client.get(listing, {"year": year})
    text = page.content.decode()
    assert "Metropolitan Police" in text and "£350.00" in text
    assert [(row.earned, row.used) for row in page.context["rows"]] == [(10, 0)]
    change = reverse("finance:agreement", kwargs={"code": code, "agreement_id": agreement.pk})
    changed = coordinator_client.post(
        change, {"agency": police.pk, "amount": "500", "earns": "unlimited"}
    )
    assert changed.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.amount, agreement.free_places) == (Decimal("500.00"), None)
    remove = reverse(
        "finance:agreement-remove", kwargs={"code": code, "agreement_id": agreement.pk}
    )
    assert coordinator_client.post(remove).status_code == 302
    assert not PartnerAgreement.objects.exists()


def test_a_coordinator_closes_a_year_on_the_budget_page_and_reopens_it(
    partnership, coordinator_client, year
):
    code = partnership.code
    budget = reverse("finance:budget", kwargs={"code": code})
    closed = coordinator_client.post(
        reverse("finance:year-close", kwargs={"code": code}), {"year": year}
    )
    assert closed.status_code == 302
    text = coordinator_client.get(budget, {"year": year}).content.decode()
    assert "This year is closed" in text and "Add a budget line" not in text
    reopen = reverse("finance:year-reopen", kwargs={"code": code, "year": year})
    assert "Enter why the year is reopened" in coordinator_client.post(reopen, {}).content.decode()
    assert coordinator_client.post(reopen, {"reason": "Late invoice"}).status_code == 302
    assert (
        "This year is closed" not in coordinator_client.get(budget, {"year": year}).content.decode()
    )


def test_coordinators_change_and_remove_budget_lines(
    partnership, coordinator, coordinator_client, year
):
    line = services.add_budget_line(
        partnership=partnership,
        year=year,
        category="materials",
        description="Handouts",
        planned=Decimal("100.00"),
        added_by=coordinator,
    )
    code = partnership.code
    change = reverse("finance:line-change", kwargs={"code": code, "line_id": line.pk})
    answer = coordinator_client.post(
        change, {"category": "materials", "description": "Workbooks", "planned": "120.50"}
    )
    assert answer.status_code == 302
    line.refresh_from_db()
    assert (line.description, line.planned) == ("Workbooks", Decimal("120.50"))
    event = AuditEvent.objects.get(subject_type="finance.BudgetLine", action="changed")
    assert event.changes["planned"] == ["100.00", "120.50"]
    remove = reverse("finance:line-remove", kwargs={"code": code, "line_id": line.pk})
    assert coordinator_client.post(remove).status_code == 302
    assert AuditEvent.objects.filter(subject_type="finance.BudgetLine", action="deleted").exists()


def test_board_members_read_agreements_but_change_nothing(
    partnership, member_with, sign_in, client, year, police
):
    agree(partnership, member_with(Role.COORDINATOR), year, police)
    sign_in(member_with(Role.BOARD_MEMBER))
    page = client.get(reverse("finance:agreements", kwargs={"code": partnership.code}))
    assert page.status_code == 200 and "Add an agreement" not in page.content.decode()
    new = reverse("finance:agreement-new", kwargs={"code": partnership.code})
    assert client.get(new).status_code == 403


def test_the_delegate_charges_page_sets_rates_and_exemptions(
    partnership, coordinator_client, police
):
    url = reverse("finance:delegate-charges", kwargs={"code": partnership.code})
    refused = coordinator_client.post(
        url,
        {"form": "rate", "rate-sector": "police", "rate-full_day": "12.345", "rate-half_day": "5"},
    )
    assert "Full day (over 4 hours) in £ must be" in refused.content.decode()
    saved = coordinator_client.post(
        url,
        {"form": "rate", "rate-sector": "police", "rate-full_day": "100", "rate-half_day": "50"},
    )
    assert saved.status_code == 302
    exempted = coordinator_client.post(
        url, {"form": "exemption", "exemption-agency": police.pk, "exemption-basis": "named"}
    )
    assert exempted.status_code == 302
    text = coordinator_client.get(url).content.decode()
    assert "£100.00" in text and "Metropolitan Police" in text


# API -----------------------------------------------------------------------------------


def test_the_api_lists_creates_changes_and_removes_agreements(
    partnership, coordinator, member_with, token_client, year, police
):
    client = token_client(coordinator)
    listing = reverse("api:finance-agreement-list", kwargs={"code": partnership.code})
    body = {"year": year, "agency": police.pk, "amount": "800.00", "earns": "per_pounds"}
    missing = client.post(listing, body, content_type="application/json")
    assert missing.status_code == 400
    assert "pounds_per_place" in missing.content.decode()
    negative = client.post(
        listing, body | {"amount": "-1", "pounds_per_place": "100"}, content_type="application/json"
    )
    assert negative.status_code == 400
    created = client.post(
        listing, body | {"pounds_per_place": "100.00"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["free_places_earned"] == 8
    detail = reverse(
        "api:finance-agreement-detail",
        kwargs={"code": partnership.code, "agreement_id": created.json()["id"]},
    )
    changed = client.put(
        detail, {"agency": police.pk, "earns": "unlimited"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["free_places_earned"] is None
    board = token_client(member_with(Role.BOARD_MEMBER))
    assert [a["agency_name"] for a in board.get(listing, {"year": year}).json()] == [
        "Metropolitan Police"
    ]
    assert board.delete(detail).status_code == 403
    assert client.delete(detail).status_code == 204
    assert not PartnerAgreement.objects.exists()
