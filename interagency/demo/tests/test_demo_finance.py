"""The demo borough's year of money: budget, partner agreements, costs and charges."""

import pytest

from interagency.accounts.models import User
from interagency.delivery.models import Charge, ChargeKind
from interagency.demo.tests.test_seeding import DEMO_PASSWORD, page, seed
from interagency.finance.models import (
    BudgetLine,
    ChargeExemption,
    FreePlaceUse,
    PartnerAgreement,
    SessionCost,
)

pytestmark = pytest.mark.clock


@pytest.fixture
def demo(db):
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    return {user.email.split("@")[0]: user for user in User.objects.all()}


def finance_counts() -> dict[str, int]:
    models = (BudgetLine, PartnerAgreement, SessionCost, FreePlaceUse, ChargeExemption)
    return {model.__name__: model.objects.count() for model in models} | {
        "delegate": Charge.objects.filter(kind=ChargeKind.DELEGATE).count()
    }


def test_the_demo_borough_has_a_year_of_money_once(demo, client):
    first = finance_counts()
    assert first["BudgetLine"] >= 10
    assert first["PartnerAgreement"] >= 4
    assert first["ChargeExemption"] == 1
    assert first["SessionCost"] > 0
    # The year's closed registers used free places and charged other agencies' delegates.
    assert first["FreePlaceUse"] > 0 and first["delegate"] > 0
    # Contributions in money and in kind, and places either free or charged.
    assert PartnerAgreement.objects.filter(trainer_days__gt=0).exists()
    assert PartnerAgreement.objects.filter(amount__gt=0).exists()
    agreements = page(client, demo["coordinator"], "/p/camden/reports/agreements/")
    assert "Demo Community Health NHS Trust" in agreements
    assert "Free attendance" in agreements
    page(client, demo["coordinator"], "/p/camden/reports/budget/")
    page(client, demo["coordinator"], "/p/camden/reports/delegate-charges/")
    seed("--scale", "demo", "--password", DEMO_PASSWORD)
    assert finance_counts() == first
