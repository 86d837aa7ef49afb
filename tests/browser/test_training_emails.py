"""The coordinator's training emails page in a real browser: accessible, and it saves."""

import pytest

from interagency.tenancy.models import Partnership
from tests.browser.conftest import PageWatch, heading
from tests.browser.test_pages import follow
from tests.browser.test_recovery_codes import coordinator_signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]


def test_a_coordinator_switches_the_managers_digest_off(
    live_server, browser, watch: PageWatch, partnership
):
    page, _ = coordinator_signed_in(browser, live_server, watch, partnership)
    page.goto(f"{live_server.url}/p/camden/")
    follow(page, page.get_by_role("link", name="Training emails to line managers and learners"))
    assert heading(page) == "Training emails"
    watch.check_accessibility(page, "training emails")
    digest = page.get_by_label("A monthly digest to each line manager")
    assert digest.is_checked()
    digest.uncheck()
    follow(page, page.get_by_role("button", name="Save"))
    assert "Training emails updated" in page.content()
    watch.check_accessibility(page, "training emails saved")
    assert not page.get_by_label("A monthly digest to each line manager").is_checked()
    partnership = Partnership.objects.get(pk=partnership.pk)
    assert not partnership.sends_manager_digests and partnership.sends_training_reminders
    watch.assert_clean()
