"""The budget: lines planned by financial year against what came in and went out."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.errors import ServiceError
from interagency.core.permissions import Role
from interagency.delivery.models import Charge
from interagency.delivery.tests.factories import BookingFactory, SessionFactory
from interagency.finance import services
from interagency.finance.models import BudgetCategory, Entry
from interagency.finance.selectors import budget_summary
from interagency.people.tests.factories import AgencyFactory

pytestmark = pytest.mark.clock


def line(partnership, user, category=BudgetCategory.CONTRIBUTION, planned="5000.00", **kwargs):
    return services.add_budget_line(
        partnership=partnership,
        year=kwargs.pop("year", 2025),
        category=category,
        description=kwargs.pop("description", "Police contribution"),
        planned=Decimal(planned),
        added_by=user,
        **kwargs,
    )


def test_planned_against_actual_by_kind_and_month(partnership, coordinator):
    police = line(partnership, coordinator)
    services.record_entry(
        line=police, on=datetime.date(2025, 5, 3), amount=Decimal("3000"), recorded_by=coordinator
    )
    services.record_entry(
        line=police, on=datetime.date(2026, 3, 31), amount=Decimal("1500"), recorded_by=coordinator
    )
    admin = line(
        partnership, coordinator, BudgetCategory.ADMINISTRATION, "800", description="Admin"
    )
    services.record_entry(
        line=admin, on=datetime.date(2025, 5, 20), amount=Decimal("120.50"), recorded_by=coordinator
    )
    # A no-show charge of a May session counts as May's income; a waived one does not.
    session = SessionFactory.create(partnership=partnership, parts__start=datetime.date(2025, 5, 9))
    for waived in (False, True):
        booking = BookingFactory.create(session=session)
        Charge.objects.create(
            partnership=partnership,
            booking=booking,
            agency=booking.agency,
            amount=Decimal("40.00"),
            waived=waived,
        )
    services.set_session_cost(
        session=session,
        costs={"venue_actual": Decimal("250.00"), "venue_planned": Decimal("300.00")},
        changed_by=coordinator,
    )

    summary = budget_summary(partnership, 2025)

    rows = {row.category: row for row in summary.income + summary.spending}
    assert (
        rows[BudgetCategory.CONTRIBUTION].planned,
        rows[BudgetCategory.CONTRIBUTION].actual,
    ) == (
        Decimal("5000.00"),
        Decimal("4500.00"),
    )
    assert rows[BudgetCategory.CONTRIBUTION].difference == Decimal("-500.00")
    assert rows[BudgetCategory.NO_SHOW_CHARGES].actual == Decimal("40.00")
    assert rows[BudgetCategory.VENUE_HIRE].actual == Decimal("250.00")
    months = {month.label: month for month in summary.months}
    assert next(iter(months)) == "April 2025" and list(months)[-1] == "March 2026"
    assert months["May 2025"].income == Decimal("3040.00")
    assert months["May 2025"].spending == Decimal("370.50")
    assert months["March 2026"].income == Decimal("1500.00")
    assert summary.actual_income == Decimal("4540.00")


def test_days_in_kind_are_valued_at_the_rate_of_the_day(partnership, coordinator):
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("350"),
        venue_day_rate=Decimal("200"),
        changed_by=coordinator,
    )
    agency = AgencyFactory.create(partnership=partnership, name="Health trust")
    days = line(partnership, coordinator, BudgetCategory.TRAINER_DAYS, "3500", agency=agency)
    entry = services.record_entry(
        line=days, on=datetime.date(2025, 6, 1), days=Decimal("2.5"), recorded_by=coordinator
    )
    assert (entry.amount, entry.days) == (Decimal("875.00"), Decimal("2.5"))
    # A new rate values later days only.
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("400"),
        venue_day_rate=Decimal("200"),
        changed_by=coordinator,
    )
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("875.00")
    assert AuditEvent.objects.filter(subject_type="finance.FinanceSettings").count() == 2


def test_refusals_name_the_field_and_store_nothing(partnership, coordinator, other_partnership):
    police = line(partnership, coordinator)
    with pytest.raises(ServiceError) as refused:
        services.record_entry(
            line=police, on=datetime.date(2026, 4, 1), amount=Decimal("1"), recorded_by=coordinator
        )
    assert refused.value.field == "on"
    assert "1 April 2025 to 31 March 2026" in refused.value.message
    with pytest.raises(ServiceError) as refused:
        services.record_entry(line=police, on=datetime.date(2025, 4, 1), recorded_by=coordinator)
    assert refused.value.field == "amount"
    days = line(partnership, coordinator, BudgetCategory.VENUE_DAYS, "100")
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("100000"),
        venue_day_rate=Decimal("100000"),
        changed_by=coordinator,
    )
    with pytest.raises(ServiceError, match=r"more than £100,000\.00"):
        services.record_entry(
            line=days, on=datetime.date(2025, 4, 1), days=Decimal("2"), recorded_by=coordinator
        )
    foreign = AgencyFactory.create(partnership=other_partnership)
    with pytest.raises(ServiceError):
        line(partnership, coordinator, agency=foreign)
    assert not Entry.objects.exists()


def test_the_budget_page_shows_the_year_and_coordinators_add_lines_and_entries(
    partnership, coordinator_client, django_assert_max_num_queries
):
    url = reverse("finance:budget", kwargs={"code": partnership.code})
    new = reverse("finance:line-new", kwargs={"code": partnership.code})
    answer = coordinator_client.post(
        f"{new}?year=2025",
        {"category": "venue_hire", "description": "Room hire", "planned": "1,200"},
    )
    assert answer.status_code == 200
    assert "Planned amount in £ must be an amount in pounds" in answer.content.decode()
    answer = coordinator_client.post(
        f"{new}?year=2025",
        {"category": "venue_hire", "description": "Room hire", "planned": "1200"},
    )
    assert answer.status_code == 302
    line_url = answer.url
    assert line_url.endswith("year=2025")
    page = coordinator_client.get(url, {"year": 2025})
    text = page.content.decode()
    assert "April 2025 to March 2026" in text and "£1,200.00" in text
    line_page = reverse(
        "finance:line", kwargs={"code": partnership.code, "line_id": page.context["lines"][0].pk}
    )
    answer = coordinator_client.post(
        line_page, {"on_0": "3", "on_1": "6", "on_2": "2025", "amount": "450", "description": ""}
    )
    assert answer.status_code == 302
    with django_assert_max_num_queries(14):
        text = coordinator_client.get(url, {"year": 2025}).content.decode()
    assert "June 2025" in text and "£450.00" in text
    assert "−£750.00" in text  # spent 450 of the 1,200 planned


def test_board_members_read_the_budget_but_change_nothing(
    partnership, member_with, sign_in, client
):
    coordinator = member_with(Role.COORDINATOR)
    police = line(partnership, coordinator)
    sign_in(member_with(Role.BOARD_MEMBER))
    page = client.get(reverse("finance:budget", kwargs={"code": partnership.code}))
    assert page.status_code == 200
    assert "Add a budget line" not in page.content.decode()
    line_url = reverse("finance:line", kwargs={"code": partnership.code, "line_id": police.pk})
    assert client.get(line_url).status_code == 200
    posted = client.post(line_url, {"on_0": "3", "on_1": "6", "on_2": "2025", "amount": "1"})
    assert posted.status_code == 403
    assert (
        client.get(reverse("finance:rates", kwargs={"code": partnership.code})).status_code == 403
    )
    sign_in(member_with(Role.LEARNER))
    assert (
        client.get(reverse("finance:budget", kwargs={"code": partnership.code})).status_code == 403
    )


def test_the_api_plans_lines_records_entries_and_reads_the_budget(
    partnership, coordinator, member_with, token_client
):
    client = token_client(coordinator)
    lines = reverse("api:finance-budget-line-list", kwargs={"code": partnership.code})
    created = client.post(
        lines,
        {"year": 2025, "category": "materials", "description": "Handouts", "planned": "300.00"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    line_id = created.json()["id"]
    entries = reverse(
        "api:finance-entry-create", kwargs={"code": partnership.code, "line_id": line_id}
    )
    too_much = client.post(
        entries, {"on": "2025-09-01", "amount": "100000.01"}, content_type="application/json"
    )
    assert too_much.status_code == 400
    recorded = client.post(
        entries, {"on": "2025-09-01", "amount": "75.20"}, content_type="application/json"
    )
    assert recorded.status_code == 201
    assert recorded.json()["actual"] == "75.20"
    board = token_client(member_with(Role.BOARD_MEMBER))
    budget = board.get(
        reverse("api:finance-budget", kwargs={"code": partnership.code}), {"year": 2025}
    ).json()
    materials = next(row for row in budget["spending"] if row["category"] == "materials")
    assert (materials["planned"], materials["actual"]) == ("300.00", "75.20")
    refused = board.post(
        lines,
        {"year": 2025, "category": "materials", "description": "x", "planned": "1"},
        content_type="application/json",
    )
    assert refused.status_code == 403
