import pytest

from interagency.accounts.tests.factories import TEST_PASSWORD, UserFactory
from interagency.accounts.tests.pages import error_summary_links, links

SIGN_IN = "/account/sign-in/"


def sign_in_attempt(client, email, password):
    return client.post(SIGN_IN, {"username": email, "password": password})


@pytest.mark.django_db
def test_signing_in_with_a_differently_cased_email_address_works(client):
    UserFactory.create(email="jo.bloggs@camden.example")

    response = sign_in_attempt(client, "Jo.Bloggs@CAMDEN.example", TEST_PASSWORD)

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_show_the_same_error(client):
    UserFactory.create(email="jo.bloggs@camden.example")

    wrong_password = sign_in_attempt(client, "jo.bloggs@camden.example", "not the password")
    unknown_email = sign_in_attempt(client, "nobody@camden.example", "not the password")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert error_summary_links(wrong_password) == error_summary_links(unknown_email)
    assert "Enter a correct email address and password" in wrong_password.text
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_sign_in_errors_are_listed_in_an_error_summary_that_links_to_each_field(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    assert error_summary_links(response) == {
        "Enter your email address": "#id_username",
        "Enter your password": "#id_password",
    }
    assert response.text.count("govuk-form-group--error") == 2
    assert "<title>Error: Sign in" in response.text


@pytest.mark.django_db
def test_sign_in_page_links_to_password_reset(client):
    response = client.get(SIGN_IN)

    assert ("Forgotten your password?", "/account/password-reset/") in links(response.text)


@pytest.mark.django_db
def test_after_five_wrong_passwords_the_right_password_is_refused_with_the_lockout_page(client):
    user = UserFactory.create(email="jo.bloggs@camden.example")
    for _ in range(4):
        assert sign_in_attempt(client, user.email, "wrong password").status_code == 200
    # The fifth failure is the one that locks: its answer already says so.
    assert sign_in_attempt(client, user.email, "wrong password").status_code == 429

    response = sign_in_attempt(client, user.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert "Sign-in paused for this account" in response.text
    assert "wait 15 minutes" in response.text
    assert 'href="/account/password-reset/"' in response.text
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_stop_the_right_one_working(client):
    user = UserFactory.create()
    for _ in range(4):
        sign_in_attempt(client, user.email, "wrong password")

    assert sign_in_attempt(client, user.email, TEST_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_changing_the_case_of_the_email_does_not_get_round_the_lockout(client):
    user = UserFactory.create(email="jo.bloggs@camden.example")
    variants = [
        "jo.bloggs@camden.example",
        "Jo.Bloggs@camden.example",
        "JO.BLOGGS@camden.example",
        "jo.bloggs@CAMDEN.example",
        "Jo.bloggs@Camden.Example",
    ]
    for variant in variants:
        sign_in_attempt(client, variant, "wrong password")

    response = sign_in_attempt(client, "jO.bLoGgS@camden.example", TEST_PASSWORD)

    assert response.status_code == 429
    assert client.session.get("_auth_user_id") != str(user.pk)


@pytest.mark.django_db
def test_a_locked_out_email_does_not_lock_out_other_people(client):
    locked = UserFactory.create()
    other = UserFactory.create()
    for _ in range(5):
        sign_in_attempt(client, locked.email, "wrong password")

    assert sign_in_attempt(client, other.email, TEST_PASSWORD).status_code == 302
