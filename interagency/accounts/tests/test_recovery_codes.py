"""Recovery codes: made and shown once, each signs in once when the phone is lost, audited."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in_verified
from interagency.accounts.tests.conftest import current_code
from interagency.accounts.tests.test_two_factor import next_of, password_sign_in, path_of
from interagency.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.clock]

CODES = "/account/recovery-codes/"
RECOVERY = "/account/two-factor/recovery/"
SETUP = "/account/two-factor/set-up/"
VERIFY = "/account/two-factor/verify/"


def make_codes(client, user) -> list[str]:
    sign_in_verified(client, user)
    response = client.post(CODES)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This is the only time you will see these codes" in text
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", text)
    client.logout()
    return codes


def test_a_coordinator_makes_ten_codes_shown_once_and_the_account_page_counts_them(
    client, coordinator
):
    codes = make_codes(client, coordinator)
    assert len(codes) == len(set(codes)) == 10

    sign_in_verified(client, coordinator)
    page = client.get(CODES).content.decode()
    assert "You have <strong>10</strong> recovery codes left" in page
    assert not any(code in page for code in codes)
    assert "10 left" in client.get("/account/").content.decode()
    event = AuditEvent.objects.filter(changes__has_key="recovery_codes").get()
    assert event.actor_user_id == coordinator.pk


def test_the_recovery_codes_page_needs_a_verified_second_factor(client, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)
    password_sign_in(client, coordinator)

    response = client.post(CODES)

    assert path_of(response) == VERIFY
    assert not AuditEvent.objects.filter(changes__has_key="recovery_codes").exists()


def test_a_lost_phone_signs_in_with_a_recovery_code_once(client, coordinator, partnership):
    codes = make_codes(client, coordinator)
    password_sign_in(client, coordinator, next_url="/p/camden/")
    verify = client.get(f"{VERIFY}?next=/p/camden/").content.decode()
    assert "Sign in with a recovery code" in verify

    response = client.post(RECOVERY, {"code": codes[0].upper(), "next": "/p/camden/"})

    assert path_of(response) == SETUP and next_of(response) == "/p/camden/"
    assert client.get("/p/camden/").status_code == 200
    assert AuditEvent.objects.filter(changes__signed_in_with=[None, "a recovery code"]).exists()
    client.logout()

    password_sign_in(client, coordinator)
    again = client.post(RECOVERY, {"code": codes[0]})
    assert again.status_code == 200
    assert "has been used" in again.content.decode()
    assert client.get("/p/camden/").status_code == 302  # still not verified
    # Wrong codes slow guessing down: straight after one, even a good code waits its turn.
    throttled = client.post(RECOVERY, {"code": codes[1]}).content.decode()
    assert "You have entered too many wrong codes" in throttled


def test_a_code_that_is_not_one_says_what_a_code_looks_like(client, coordinator):
    make_codes(client, coordinator)
    password_sign_in(client, coordinator)

    response = client.post(RECOVERY, {"code": "123"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "A recovery code is 8 letters and numbers, like abcd-2345" in text
    assert 'href="#id_code"' in text  # the error summary links to the field


def test_new_codes_stop_the_old_ones_working(client, coordinator):
    old = make_codes(client, coordinator)
    new = make_codes(client, coordinator)
    assert not set(old) & set(new)
    password_sign_in(client, coordinator)

    response = client.post(RECOVERY, {"code": old[0]})

    assert response.status_code == 200
    assert "not one of yours" in response.content.decode()


def test_after_a_recovery_code_the_new_phone_replaces_the_old_app(client, coordinator):
    codes = make_codes(client, coordinator)
    old_app = TOTPDevice.objects.get(user=coordinator, confirmed=True)
    password_sign_in(client, coordinator)
    client.post(RECOVERY, {"code": codes[0]})

    page = client.get(SETUP)
    assert page.status_code == 200
    assert "You signed in with a recovery code" in page.content.decode()
    new_app = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    response = client.post(SETUP, {"code": current_code(new_app)})

    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=coordinator)) == [new_app]
    assert not TOTPDevice.objects.filter(pk=old_app.pk).exists()
