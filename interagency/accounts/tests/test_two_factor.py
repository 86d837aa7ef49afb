from base64 import b32encode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from interagency.accounts.tests.conftest import current_code, wrong_code
from interagency.accounts.tests.factories import TEST_PASSWORD
from interagency.accounts.tests.pages import error_summary_links
from interagency.audit.models import AuditEvent
from interagency.core.permissions import Role

SETUP = "/account/two-factor/set-up/"
VERIFY = "/account/two-factor/verify/"
DASHBOARD = "/p/camden/"


def password_sign_in(client, user, next_url=""):
    data = {"username": user.email, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post("/account/sign-in/", data)
    assert response.status_code == 302, "the password sign-in itself failed"
    return response


def path_of(response) -> str:
    return urlsplit(response["Location"]).path


def next_of(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query).get("next", [""])[0]


def confirmed_device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.django_db
def test_coordinator_without_an_app_is_sent_to_set_up_after_signing_in(client, coordinator):
    response = password_sign_in(client, coordinator, next_url=DASHBOARD)

    assert path_of(response) == SETUP
    assert next_of(response) == DASHBOARD


@pytest.mark.django_db
def test_coordinator_cannot_reach_their_partnership_until_two_factor_is_set_up(
    client, coordinator, partnership
):
    password_sign_in(client, coordinator)

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert path_of(response) == SETUP
    assert next_of(response) == DASHBOARD


@pytest.mark.django_db
def test_set_up_page_shows_an_accessible_qr_code_and_the_key_to_type_in(client, coordinator):
    password_sign_in(client, coordinator)

    response = client.get(SETUP)

    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert (
        '<svg role="img" aria-label="QR code to scan with your authenticator app"' in response.text
    )
    assert "<title>QR code to scan with your authenticator app</title>" in response.text
    svg = response.text[response.text.index("<svg") : response.text.index("</svg>")]
    # The Content Security Policy (style-src 'self') would block inline styles.
    assert "style=" not in svg
    key = b32encode(device.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in response.text


@pytest.mark.django_db
def test_reloading_the_set_up_page_keeps_the_same_key(client, coordinator):
    password_sign_in(client, coordinator)

    client.get(SETUP)
    client.get(SETUP)

    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


@pytest.mark.django_db
def test_entering_the_app_code_turns_two_factor_on_and_lets_the_coordinator_through(
    client, coordinator, partnership
):
    password_sign_in(client, coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SETUP, {"code": current_code(device), "next": DASHBOARD})

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DASHBOARD).status_code == 200
    event = AuditEvent.objects.get(subject_type="accounts.User", subject_id=str(coordinator.pk))
    assert event.changes == {"two_factor": ["off", "on"]}
    assert event.actor_user_id == coordinator.pk


@pytest.mark.django_db
def test_a_code_with_a_space_in_the_middle_is_accepted(client, coordinator):
    password_sign_in(client, coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    code = current_code(device)

    response = client.post(SETUP, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=coordinator).confirmed


@pytest.mark.django_db
def test_a_wrong_set_up_code_is_refused_with_an_error_summary(client, coordinator):
    password_sign_in(client, coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)

    response = client.post(SETUP, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert error_summary_links(response) == {
        "The code is not correct. Enter the current code from your authenticator app": "#id_code"
    }
    assert "<title>Error: Set up two-factor authentication" in response.text
    assert not TOTPDevice.objects.get(user=coordinator).confirmed
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12345", "The code must be 6 digits, like 123456"),
        ("abcdef", "The code must be 6 digits, like 123456"),
    ],
)
def test_a_missing_or_malformed_code_says_what_to_enter(client, coordinator, code, message):
    password_sign_in(client, coordinator)

    response = client.post(SETUP, {"code": code})

    assert error_summary_links(response) == {message: "#id_code"}


@pytest.mark.django_db
def test_a_learner_without_an_app_is_not_made_to_set_one_up(client, member_with, partnership):
    learner = member_with(Role.LEARNER)

    response = password_sign_in(client, learner, next_url=DASHBOARD)

    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_a_learner_may_choose_to_set_up_two_factor(client, member_with, partnership):
    learner = member_with(Role.LEARNER)
    password_sign_in(client, learner)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=learner)

    client.post(SETUP, {"code": current_code(device)})

    assert TOTPDevice.objects.get(user=learner).confirmed
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_coordinators_are_not_forced_when_enforcement_is_switched_off(
    client, coordinator, partnership, settings
):
    settings.INTERAGENCY_ENFORCE_ADMIN_2FA = False

    response = password_sign_in(client, coordinator, next_url=DASHBOARD)

    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_anyone_with_an_app_must_enter_a_code_after_their_password(
    client, member_with, partnership
):
    learner = member_with(Role.LEARNER)
    confirmed_device_for(learner)

    signed_in = password_sign_in(client, learner, next_url=DASHBOARD)
    assert path_of(signed_in) == VERIFY
    assert next_of(signed_in) == DASHBOARD

    blocked = client.get(DASHBOARD)
    assert path_of(blocked) == VERIFY


@pytest.mark.django_db
def test_the_right_code_after_the_password_lets_the_person_through(
    client, coordinator, partnership
):
    device = confirmed_device_for(coordinator)
    password_sign_in(client, coordinator)

    response = client.post(VERIFY, {"code": current_code(device), "next": DASHBOARD})

    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_after_the_password_is_refused(client, coordinator, partnership):
    device = confirmed_device_for(coordinator)
    password_sign_in(client, coordinator)

    response = client.post(VERIFY, {"code": wrong_code(device), "next": DASHBOARD})

    assert response.status_code == 200
    assert error_summary_links(response) == {
        "The code is not correct. Enter the current code from your authenticator app": "#id_code"
    }
    assert path_of(client.get(DASHBOARD)) == VERIFY


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, coordinator, partnership):
    device = confirmed_device_for(coordinator)
    code = current_code(device)
    password_sign_in(client, coordinator)
    client.post(VERIFY, {"code": code})
    client.post("/account/sign-out/")
    password_sign_in(client, coordinator)

    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "The code is not correct" in response.text


@pytest.mark.clock
@pytest.mark.django_db
def test_after_repeated_wrong_codes_even_the_right_code_must_wait(client, coordinator):
    device = confirmed_device_for(coordinator)
    # As django-otp records it after three wrong codes in a row, just now.
    device.throttling_failure_count = 3
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    password_sign_in(client, coordinator)

    response = client.post(VERIFY, {"code": current_code(device)})

    assert response.status_code == 200
    [message] = error_summary_links(response)
    assert message.startswith("You have entered too many wrong codes. Wait")
    assert message.endswith("then enter the current code")


@pytest.mark.django_db
def test_verify_ignores_a_next_address_on_another_site(client, coordinator):
    device = confirmed_device_for(coordinator)
    password_sign_in(client, coordinator)

    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_someone_who_owes_a_code_cannot_add_a_second_app_instead(client, coordinator):
    confirmed_device_for(coordinator)
    password_sign_in(client, coordinator)

    response = client.get(SETUP)

    assert path_of(response) == VERIFY
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/account/", "/account/tokens/", "/account/password/"])
def test_account_pages_wait_for_the_code_too(client, coordinator, page):
    confirmed_device_for(coordinator)
    password_sign_in(client, coordinator)

    response = client.get(page)

    assert path_of(response) == VERIFY
    assert next_of(response) == page
