"""Who may call the API: token holders and signed-in sessions, nobody else."""

import pytest
from django.test import Client
from django.urls import reverse

from interagency.accounts.services import issue_access_token, revoke_access_token
from interagency.core.permissions import Role

ME = "/api/v1/me"


def test_a_personal_access_token_authenticates(coordinator):
    token, text = issue_access_token(user=coordinator, name="Reports script")
    response = Client().get(ME, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 200
    assert response.json()["email"] == coordinator.email
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused_even_beside_a_signed_in_session(coordinator, sign_in):
    token, text = issue_access_token(user=coordinator, name="Old script")
    revoke_access_token(token=token)
    client = sign_in(coordinator)  # a valid session must not rescue a bad token
    response = client.get(ME, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


@pytest.mark.parametrize("text", ["ia_000000000000_nonsense", "not-even-a-token", ""])
def test_an_unknown_token_is_refused(db, text):
    response = Client().get(ME, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_token_of_a_deactivated_user_is_refused(coordinator):
    _, text = issue_access_token(user=coordinator, name="Script")
    coordinator.is_active = False
    coordinator.save()
    response = Client().get(ME, headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 401


def test_no_credentials_answer_401_json(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unsafe_method_without_credentials_is_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).patch(
        ME, {"full_name": "Someone"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_a_signed_in_session_authenticates(coordinator, sign_in):
    response = sign_in(coordinator).get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == coordinator.pk


def test_session_changes_need_the_csrf_token(coordinator, sign_in):
    client = sign_in(coordinator, the_client=Client(enforce_csrf_checks=True))
    body = {"full_name": "Jo Bloggs"}

    refused = client.patch(ME, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    client.get(reverse("api:openapi-view"))  # the docs page sets the CSRF cookie for "Try it"
    csrf = client.cookies["csrftoken"].value
    accepted = client.patch(
        ME, body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200
    assert accepted.json()["full_name"] == "Jo Bloggs"


def test_token_changes_need_no_csrf_token(coordinator):
    _, text = issue_access_token(user=coordinator, name="Script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {text}"})
    response = client.patch(ME, {"full_name": "Jo Bloggs"}, content_type="application/json")
    assert response.status_code == 200


def test_a_coordinator_session_without_two_factor_is_refused(client, coordinator):
    client.force_login(coordinator)  # password only, no device set up
    response = client.get(ME)
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_a_session_that_has_not_entered_its_code_is_refused(client, member_with):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    learner = member_with(Role.LEARNER)
    TOTPDevice.objects.create(user=learner, name="Phone", confirmed=True)
    client.force_login(learner)
    response = client.get(ME)
    assert response.status_code == 403
    assert "code" in response.json()["detail"]


def test_a_learner_session_needs_no_second_factor(client, member_with):
    client.force_login(member_with(Role.LEARNER))
    assert client.get(ME).status_code == 200


def test_coordinator_sessions_pass_when_two_factor_is_not_enforced(client, coordinator, settings):
    settings.INTERAGENCY_ENFORCE_ADMIN_2FA = False
    client.force_login(coordinator)
    assert client.get(ME).status_code == 200


def test_a_token_needs_no_second_factor(coordinator, token_client):
    # The coordinator has no device at all: pages would send them to set one up.
    assert token_client(coordinator).get(ME).status_code == 200
