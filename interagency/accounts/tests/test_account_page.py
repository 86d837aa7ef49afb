import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from interagency.accounts.tests.factories import UserFactory
from interagency.accounts.tests.pages import error_summary_links, links
from interagency.audit.models import AuditEvent


@pytest.mark.django_db
def test_account_page_shows_name_email_and_links_to_passwords_and_tokens(client):
    user = UserFactory.create(full_name="Jo Bloggs", email="jo.bloggs@camden.example")
    client.force_login(user)

    response = client.get("/account/")

    assert response.status_code == 200
    assert "Jo Bloggs" in response.text
    assert "jo.bloggs@camden.example" in response.text
    hrefs = {href for _, href in links(response.text)}
    assert {"/account/password/", "/account/tokens/"} <= hrefs


@pytest.mark.django_db
def test_account_page_says_two_factor_is_off_and_links_to_set_it_up(client):
    client.force_login(UserFactory.create())

    response = client.get("/account/")

    assert '<strong class="govuk-tag govuk-tag--grey">Off</strong>' in response.text
    assert ("Set up two-factor authentication", "/account/two-factor/set-up/") in links(
        response.text
    )


@pytest.mark.django_db
def test_account_page_says_two_factor_is_on_once_set_up(client, sign_in):
    user = UserFactory.create()
    sign_in(user)  # with a confirmed authenticator app

    response = client.get("/account/")

    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert '<strong class="govuk-tag govuk-tag--green">On</strong>' in response.text
    assert "/account/two-factor/set-up/" not in response.text


@pytest.mark.django_db
def test_changing_your_name_saves_it_and_records_old_and_new_in_the_audit_trail(client):
    user = UserFactory.create(full_name="Jo Bloggs")
    client.force_login(user)

    response = client.post("/account/", {"full_name": "Jo Bloggs-Smith"})

    assert response.status_code == 302
    assert "Your name has been updated" in client.get(response["Location"]).text
    user.refresh_from_db()
    assert user.full_name == "Jo Bloggs-Smith"
    event = AuditEvent.objects.get(subject_type="accounts.User", subject_id=str(user.pk))
    assert event.action == AuditEvent.Action.CHANGED
    assert event.actor_user_id == user.pk
    assert event.changes == {"full_name": ["Jo Bloggs", "Jo Bloggs-Smith"]}


@pytest.mark.django_db
def test_a_blank_name_is_refused_with_an_error_summary(client):
    user = UserFactory.create(full_name="Jo Bloggs")
    client.force_login(user)

    response = client.post("/account/", {"full_name": "  "})

    assert error_summary_links(response) == {"Enter your full name": "#id_full_name"}
    assert "<title>Error: Your account" in response.text
    user.refresh_from_db()
    assert user.full_name == "Jo Bloggs"
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_account_page_needs_signing_in(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
