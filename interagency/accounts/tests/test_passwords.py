import re

import pytest

from interagency.accounts.tests.factories import TEST_PASSWORD, UserFactory
from interagency.accounts.tests.pages import error_summary_links
from interagency.audit.models import AuditEvent

NEW_PASSWORD = "a brand new pass phrase for jo"
RESET_LINK = re.compile(r"http://testserver(/account/password-reset/[^/\s]+/[^/\s]+/)")


def sign_in_attempt(client, email, password):
    return client.post("/account/sign-in/", {"username": email, "password": password})


def reset_link_in(message) -> str:
    match = RESET_LINK.search(message.get_content())
    assert match, f"no reset link in:\n{message.get_content()}"
    return match.group(1)


@pytest.fixture
def smtp_mail(settings, smtp_server):
    """Every email the site sends goes to the loopback SMTP server."""
    settings.MAILERS = smtp_server.mailers
    return smtp_server


@pytest.mark.django_db
def test_forgotten_password_email_arrives_and_its_link_sets_a_new_password(client, smtp_mail):
    user = UserFactory.create(email="jo.bloggs@camden.example", full_name="Jo Bloggs")

    response = client.post("/account/password-reset/", {"email": "Jo.Bloggs@camden.example"})
    assert response.status_code == 302
    assert response["Location"] == "/account/password-reset/sent/"
    assert "Check your email" in client.get(response["Location"]).text

    [message] = smtp_mail.messages
    assert message["To"] == "jo.bloggs@camden.example"
    assert message["Subject"] == "Reset your Interagency password"
    link = reset_link_in(message)

    # The link swaps its token for a session and shows the form at a URL
    # without the token, so the token cannot leak in a Referer header.
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.text
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert "Your password has been reset" in client.get(done["Location"]).text

    assert sign_in_attempt(client, user.email, TEST_PASSWORD).status_code == 200
    assert sign_in_attempt(client, user.email, NEW_PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_asking_to_reset_an_unknown_email_looks_the_same_and_sends_nothing(client, smtp_mail):
    UserFactory.create(email="jo.bloggs@camden.example")

    known = client.post("/account/password-reset/", {"email": "jo.bloggs@camden.example"})
    unknown = client.post("/account/password-reset/", {"email": "nobody@camden.example"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message["To"] for message in smtp_mail.messages] == ["jo.bloggs@camden.example"]


@pytest.mark.django_db
def test_a_password_reset_link_works_only_once(client, smtp_mail):
    UserFactory.create(email="jo.bloggs@camden.example")
    client.post("/account/password-reset/", {"email": "jo.bloggs@camden.example"})
    link = reset_link_in(smtp_mail.messages[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.get(link, follow=True)

    assert "This link does not work" in again.text
    assert 'name="new_password1"' not in again.text


@pytest.mark.django_db
def test_password_reset_form_errors_are_summarised(client):
    response = client.post("/account/password-reset/", {"email": "not an email"})

    assert error_summary_links(response) == {
        "Enter an email address in the correct format, like name@example.com": "#id_email"
    }


@pytest.mark.django_db
def test_setting_a_new_password_by_email_ends_a_sign_in_lockout(client, smtp_mail):
    user = UserFactory.create(email="jo.bloggs@camden.example")
    for _ in range(5):
        sign_in_attempt(client, user.email, "wrong password")
    assert sign_in_attempt(client, user.email, TEST_PASSWORD).status_code == 429

    client.post("/account/password-reset/", {"email": user.email})
    link = reset_link_in(smtp_mail.messages[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert sign_in_attempt(client, user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_changing_your_password_needs_the_current_one_and_is_audited(client, sign_in):
    user = UserFactory.create()
    sign_in(user)

    wrong = client.post(
        "/account/password/",
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert error_summary_links(wrong) == {
        "Your current password is not correct": "#id_old_password"
    }

    changed = client.post(
        "/account/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert "Your password has been changed" in client.get(changed["Location"]).text
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(subject_type="accounts.User", subject_id=str(user.pk))
    assert event.changes == {"password": ["(changed)", "(changed)"]}
