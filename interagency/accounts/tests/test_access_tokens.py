import pytest

from interagency.accounts.models import AccessToken
from interagency.accounts.selectors import access_token_for
from interagency.accounts.services import issue_access_token, revoke_access_token
from interagency.accounts.tests.factories import UserFactory
from interagency.accounts.tests.pages import error_summary_links


@pytest.fixture
def user(db):
    return UserFactory.create()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


def test_tokens_page_lists_your_tokens_with_their_status(user_client, user):
    issue_access_token(user=user, name="Nightly export")
    revoked, _ = issue_access_token(user=user, name="Old script")
    revoke_access_token(token=revoked)
    issue_access_token(user=UserFactory.create(), name="Someone else's token")

    response = user_client.get("/account/tokens/")

    assert response.status_code == 200
    assert "Nightly export" in response.text
    assert "Old script" in response.text
    assert "Someone else&#x27;s token" not in response.text
    assert "Someone else's token" not in response.text
    assert "Active" in response.text
    assert "Revoked" in response.text
    assert "Never" in response.text  # last used


def test_creating_a_token_shows_its_text_once_and_the_text_works(user_client, user):
    response = user_client.post("/account/tokens/new/", {"name": "Nightly export"})

    assert response.status_code == 200
    token = AccessToken.objects.get(user=user)
    assert token.name == "Nightly export"
    text = response.context["text"]
    assert text in response.text
    assert "only time you will see this token" in response.text
    assert access_token_for(text) == token
    assert "no-store" in response["Cache-Control"]

    # Never again: neither the list nor anything else shows the text.
    assert text not in user_client.get("/account/tokens/").text


def test_creating_a_token_needs_a_name(user_client, user):
    response = user_client.post("/account/tokens/new/", {"name": ""})

    assert error_summary_links(response) == {"Enter a name for the token": "#id_name"}
    assert not AccessToken.objects.exists()


def test_revoking_your_token_asks_first_then_stops_it_working(user_client, user):
    token, text = issue_access_token(user=user, name="Nightly export")

    confirm = user_client.get(f"/account/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Revoke the token ‘Nightly export’?" in confirm.text
    assert access_token_for(text) is not None  # asking is not revoking

    response = user_client.post(f"/account/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/account/tokens/"
    assert "has been revoked" in user_client.get(response["Location"]).text
    assert access_token_for(text) is None


def test_you_cannot_revoke_someone_elses_token(user_client):
    token, text = issue_access_token(user=UserFactory.create(), name="Theirs")

    assert user_client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert user_client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert access_token_for(text) is not None


@pytest.mark.parametrize("page", ["/account/tokens/", "/account/tokens/new/"])
def test_token_pages_need_signing_in(client, db, page):
    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
