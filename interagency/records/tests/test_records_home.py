"""The Records area's page: each member finds the records pages they may use, and only those."""

import pytest
from django.urls import reverse

from interagency.core.permissions import Role

pytestmark = pytest.mark.django_db


def records_page(client, partnership) -> str:
    response = client.get(reverse("records:home", kwargs={"code": partnership.code}))
    assert response.status_code == 200
    return response.text


def test_a_learner_finds_their_own_records_pages_and_not_the_partnerships(
    client, sign_in, partnership, team
):
    sign_in(team["learner_user"])
    text = records_page(client, partnership)
    assert "Training done elsewhere" in text
    assert "Share your training record" in text
    assert "Partnership compliance" not in text
    assert "Import e-learning completions" not in text
    assert "This part of Interagency is being built" not in text


def test_a_coordinator_finds_compliance_imports_and_moves(client, sign_in, partnership, team):
    sign_in(team["coordinator"])
    text = records_page(client, partnership)
    code = partnership.code
    for name in ("declarations", "training-status", "compliance", "import-new", "move-in"):
        assert f'href="{reverse(f"records:{name}", kwargs={"code": code})}"' in text
    assert "Share your training record" not in text  # no staff record of their own here


def test_a_board_member_finds_compliance_but_no_names(client, sign_in, partnership, member_with):
    sign_in(member_with(Role.BOARD_MEMBER))
    text = records_page(client, partnership)
    assert "Partnership compliance" in text
    assert "Training status" not in text
    assert "Import e-learning completions" not in text


def test_the_navigation_leads_to_the_records_page(client, sign_in, partnership, team):
    sign_in(team["learner_user"])
    start = client.get(reverse("tenancy:dashboard", kwargs={"code": partnership.code})).text
    assert f'href="/p/{partnership.code}/records/"' in start
