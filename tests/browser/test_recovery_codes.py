"""Recovery codes in a real browser: made and shown once, then a lost phone signs in with one."""

import re

import pytest

from interagency.accounts.tests.factories import UserFactory
from interagency.core.permissions import Role
from interagency.tenancy.tests.factories import MembershipFactory
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import enter_second_factor, follow, sign_in_with_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]


def coordinator_signed_in(browser, live_server, watch: PageWatch, partnership, **options):
    """A coordinator with an authenticator app, signed in through the real pages; the page
    and the coordinator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    coordinator = UserFactory(full_name="Cora Ordinator")
    MembershipFactory(partnership=partnership, user=coordinator, role=Role.COORDINATOR)
    device = TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True)
    page = browser.new_context(**options).new_page()
    watch.attach(page)
    sign_in_with_password(page, live_server, coordinator)
    enter_second_factor(page, device, watch)
    return page, coordinator


def test_a_coordinator_saves_recovery_codes_and_signs_in_with_one(
    live_server, browser, watch: PageWatch, partnership
):
    page, coordinator = coordinator_signed_in(browser, live_server, watch, partnership)
    page.goto(f"{live_server.url}/account/")
    follow(page, page.get_by_role("link", name="Create recovery codes"))
    assert heading(page) == "Recovery codes"
    watch.check_accessibility(page, "recovery codes")
    follow(page, page.get_by_role("button", name="Create recovery codes"))
    assert heading(page) == "Save your recovery codes"
    watch.check_accessibility(page, "recovery codes made")
    codes = re.findall(r"[a-z2-7]{4}-[a-z2-7]{4}", page.locator("#recovery-codes").inner_text())
    assert len(codes) == 10
    follow(page, page.get_by_role("link", name="I have saved my recovery codes"))
    assert "10 left" in page.locator("#recovery-codes-status").inner_text()
    follow(page, page.get_by_role("button", name="Sign out"))

    # The phone is lost: the verify page offers a recovery code instead.
    sign_in_with_password(page, live_server, coordinator)
    page.get_by_text("I do not have my phone").click()
    follow(page, page.get_by_role("link", name="Sign in with a recovery code"))
    assert heading(page) == "Enter a recovery code"
    watch.check_accessibility(page, "enter a recovery code")
    page.get_by_label("Recovery code").fill("wrong")
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.title().startswith("Error:")
    watch.check_accessibility(page, "enter a recovery code, with an error")
    page.get_by_label("Recovery code").fill(codes[3])
    follow(page, page.get_by_role("button", name="Continue"))
    assert heading(page) == "Set up two-factor authentication"
    assert "You signed in with a recovery code. You have 9 left" in page.content()
    watch.check_accessibility(page, "set up again after a recovery code")
    watch.assert_clean()
