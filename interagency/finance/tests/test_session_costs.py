"""What a session was planned to cost and did cost, on its page and through the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role
from interagency.delivery.tests.factories import SessionFactory
from interagency.finance import services
from interagency.finance.models import SessionCost

pytestmark = pytest.mark.clock


@pytest.fixture
def session(partnership):
    return SessionFactory.create(partnership=partnership, parts__start=datetime.date(2025, 10, 6))


def test_a_coordinator_enters_costs_and_days_in_kind_on_the_session_page(
    partnership, session, coordinator, coordinator_client
):
    services.set_rates(
        partnership=partnership,
        trainer_day_rate=Decimal("300"),
        venue_day_rate=Decimal("150"),
        changed_by=coordinator,
    )
    url = reverse(
        "finance:session-cost", kwargs={"code": partnership.code, "session_id": session.pk}
    )
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "Costs of" in page.content.decode()
    refused = coordinator_client.post(url, {"venue_actual": "-5", "trainer_fee_planned": "abc"})
    text = refused.content.decode()
    assert "Venue hire, actual, in £ must be between £0.00 and £100,000.00." in text
    assert "Provider or trainer fee, planned, in £ must be an amount in pounds" in text
    assert not SessionCost.objects.exists()
    saved = coordinator_client.post(
        url,
        {
            "trainer_fee_planned": "600",
            "trainer_fee_actual": "650.50",
            "refreshments_actual": "80",
            "trainer_days_in_kind": "1",
            "venue_days_in_kind": "0.5",
        },
    )
    assert saved.status_code == 302
    cost = SessionCost.objects.get(session=session)
    assert cost.trainer_fee_actual == Decimal("650.50")
    assert cost.venue_actual is None  # not known, never 0
    assert cost.in_kind_value == Decimal("375.00")
    assert AuditEvent.objects.filter(subject_type="finance.SessionCost").count() == 1
    assert 'value="650.50"' in coordinator_client.get(url).content.decode()


def test_another_partnerships_session_and_a_board_member_change_nothing(
    partnership, session, other_partnership, member_with, sign_in, client
):
    theirs = SessionFactory.create(partnership=other_partnership)
    sign_in(member_with(Role.BOARD_MEMBER))
    url = reverse(
        "finance:session-cost", kwargs={"code": partnership.code, "session_id": session.pk}
    )
    page = client.get(url)
    assert page.status_code == 200
    assert "No costs entered for this session yet." in page.content.decode()
    assert client.post(url, {"venue_actual": "5"}).status_code == 403
    foreign = reverse(
        "finance:session-cost", kwargs={"code": partnership.code, "session_id": theirs.pk}
    )
    assert client.get(foreign).status_code == 404


def test_the_api_sets_and_reads_a_sessions_costs(partnership, session, coordinator, token_client):
    client = token_client(coordinator)
    url = reverse(
        "api:finance-session-cost",
        kwargs={"code": partnership.code, "session_id": session.pk},
    )
    too_much = client.put(url, {"venue_actual": "100000.01"}, content_type="application/json")
    assert too_much.status_code == 400
    assert "venue_actual" in str(too_much.json()["errors"])
    saved = client.put(
        url,
        {"venue_planned": "200", "venue_actual": "180.00", "trainer_days_in_kind": "2"},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    body = client.get(url).json()
    assert (body["venue_planned"], body["venue_actual"], body["trainer_fee_actual"]) == (
        "200.00",
        "180.00",
        None,
    )
    assert body["in_kind_value"] == "0.00"  # no rate set yet
